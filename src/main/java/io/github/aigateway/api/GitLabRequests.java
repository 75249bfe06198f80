package io.github.aigateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.auth.GitLabUser;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.suggestion.CodeSuggestionRequest;
import io.github.aigateway.suggestion.CodeSuggestionRequest.ContextSnippet;
import io.github.aigateway.suggestion.ResponseFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * Turns each GitLab code suggestion body (v2, v3, v4; GitLab 17.x and 18.x) into one
 * {@link CodeSuggestionRequest}. Unknown fields are ignored, as GitLab's gateway ignores them.
 */
public class GitLabRequests {

    /** {@code model_provider} values a self-hosted GitLab sends. */
    private static final Set<String> SELF_HOSTED_PROVIDERS = Set.of("litellm", "codestral", "openai", "custom_openai");
    /** v3 and v4: the first prompt component is the request; its type names the feature and the unit primitive. */
    private static final Map<String, Feature> COMPONENT_FEATURES = Map.of(
            "code_editor_completion", Feature.CODE_COMPLETIONS,
            "code_editor_generation", Feature.CODE_GENERATIONS);
    private static final String CODE_CONTEXT = "code_context";
    /** GitLab's payload {@code model_provider} literals; accepted and then ignored, as the model is self-hosted. */
    private static final Set<String> PAYLOAD_PROVIDERS = Set.of("vertex-ai", "anthropic", "amazon_q");
    private static final int MAX_COMPONENTS = 100;
    /** The roles of GitLab's gateway's {@code Message}. */
    private static final Set<String> MESSAGE_ROLES = Set.of("system", "user", "assistant");
    /** GitLab's gateway's limits on {@code current_file}. */
    private static final int MAX_FILE_NAME = 255;
    private static final int MAX_CONTENT = 100_000;

    private ModelCatalog catalog;

    /** Resolves the model each request names (the catalog's backends). */
    public void setCatalog(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** {@code POST /v2/code/completions}: prompt_version 2 (self-hosted), 1 or 3. */
    public CodeSuggestionRequest completionsV2(Exchange exchange) {
        return fromV2(JsonBody.of(exchange), Feature.CODE_COMPLETIONS);
    }

    /**
     * {@code POST /v2/code/generations} (GitLab 17.x): the instruction arrives as {@code prompt} (prompt_version 2),
     * or GitLab's own messages do (prompt_version 3, GitLab 17.0–17.2).
     */
    public CodeSuggestionRequest generationsV2(Exchange exchange) {
        return fromV2(JsonBody.of(exchange), Feature.CODE_GENERATIONS);
    }

    /** {@code POST /v3/code/completions} (GitLab 18.x). */
    public CodeSuggestionRequest completionsV3(Exchange exchange) {
        return fromComponents(exchange, ResponseFormat.COMPLETION_V3);
    }

    /** {@code POST /v4/code/suggestions} (GitLab 18.x, IDE supports SSE). */
    public CodeSuggestionRequest suggestionsV4(Exchange exchange) {
        return fromComponents(exchange, ResponseFormat.SUGGESTIONS_V4);
    }

    private CodeSuggestionRequest fromV2(JsonBody body, Feature feature) {
        JsonNode root = body.root();
        int promptVersion = promptVersion(body);
        body.within(promptVersion);
        JsonNode file = body.object(root, "current_file", true);
        String fileName = body.string(file, "file_name", file != null, "", "current_file").strip();
        String above = body.string(file, "content_above_cursor", file != null, "", "current_file");
        String below = body.string(file, "content_below_cursor", file != null, "", "current_file");
        String languageId = body.string(file, "language_identifier", false, null, "current_file");
        body.maxLength(file, "file_name", fileName, MAX_FILE_NAME, "current_file");
        body.maxLength(file, "content_above_cursor", above, MAX_CONTENT, "current_file");
        body.maxLength(file, "content_below_cursor", below, MAX_CONTENT, "current_file");
        String provider = body.string(root, "model_provider", false, null);
        String endpoint = body.string(root, "model_endpoint", false, null);
        String apiKey = body.string(root, "model_api_key", false, null);
        String identifier = body.string(root, "model_identifier", false, null);
        String family = body.string(root, "model_name", false, null);
        boolean stream = body.bool(root, "stream");
        List<ContextSnippet> context = contextItems(body.array(root, "context"));
        String promptId = body.string(root, "prompt_id", false, "");
        boolean generation = feature == Feature.CODE_GENERATIONS;
        // prompt_version 2 carries the instruction (required for a generation), 3 GitLab's own messages
        String instruction = promptVersion == 2 ? body.string(root, "prompt", generation, "") : "";
        List<ChatMessage> messages = promptVersion == 3 ? messages(body, generation) : null;
        JsonNode metadata = body.object(root, "model_metadata", false);
        if (family == null && metadata != null) {
            family = body.string(metadata, "name", false, null, "model_metadata");
            endpoint = body.string(metadata, "endpoint", false, null, "model_metadata");
            apiKey = body.string(metadata, "api_key", false, null, "model_metadata");
            identifier = body.string(metadata, "identifier", false, null, "model_metadata");
        }
        body.check();
        if (provider != null && !SELF_HOSTED_PROVIDERS.contains(provider)) {
            throw new GatewayException(422, "model_provider '" + provider
                    + "' is not served here: this gateway serves self-hosted models (model_provider litellm)");
        }
        ModelSelection model = catalog.select(family == null ? null : family.strip(), endpoint, apiKey,
                identifier);
        // GitLab's gateway builds completion prompts itself, whatever prompt GitLab sent
        return new CodeSuggestionRequest(feature, ResponseFormat.SUGGESTIONS_V2, model, fileName,
                Languages.resolve(languageId, fileName), Languages.reported(languageId, fileName), above, below,
                generation ? instruction : "", context, generation ? messages : null, promptId, stream);
    }

    /** The tag of GitLab's request models, a union of one model per {@code prompt_version}. */
    private static int promptVersion(JsonBody body) {
        JsonNode tag = body.root().get("prompt_version");
        if (tag == null || tag.isNull()) {
            body.error("union_tag_not_found", "Unable to extract tag using discriminator 'prompt_version'",
                    body.root(), new Object[0], null);
        } else if (!tag.isIntegralNumber() || tag.asInt() < 1 || tag.asInt() > 3) {
            body.error("union_tag_invalid", "Input tag '" + (tag.isTextual() ? tag.textValue() : tag.toString())
                            + "' found using 'prompt_version' does not match any of the expected tags: 1, 2, 3",
                    body.root(), new Object[0], null);
        }
        body.check();
        return tag.asInt();
    }

    /** {@code prompt} of prompt_version 3: chat messages, each a role GitLab's gateway knows and its text. */
    private static List<ChatMessage> messages(JsonBody body, boolean required) {
        JsonNode prompt = body.array(body.root(), "prompt");
        if (prompt == null) {
            if (required) {
                body.error("missing", "Field required", body.root(), new Object[0], "prompt");
            }
            return null;
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < prompt.size(); i++) {
            JsonNode message = prompt.get(i);
            if (!message.isObject()) {
                body.error("model_type", "Input should be a valid dictionary or instance of Message", message,
                        new Object[]{"prompt"}, i);
                continue;
            }
            String role = body.string(message, "role", true, "", "prompt", i);
            String content = body.string(message, "content", true, "", "prompt", i);
            if (message.path("role").isTextual() && !MESSAGE_ROLES.contains(role)) {
                body.error("enum", "Input should be 'system', 'user' or 'assistant'", message.get("role"),
                        new Object[]{"prompt", i}, "role");
            }
            messages.add(new ChatMessage(role, content));
        }
        return messages;
    }

    private CodeSuggestionRequest fromComponents(Exchange exchange, ResponseFormat format) {
        JsonBody body = JsonBody.of(exchange);
        JsonNode root = body.root();
        JsonNode components = body.array(root, "prompt_components");
        if (components == null) {
            body.error("missing", "Field required", new Object[0], "prompt_components");
        } else if (components.isEmpty() || components.size() > MAX_COMPONENTS) {
            body.error(components.isEmpty() ? "too_short" : "too_long", "List should have at least 1 and at most "
                    + MAX_COMPONENTS + " items after validation", new Object[0], "prompt_components");
        }
        body.check();
        Feature feature = COMPONENT_FEATURES.get(components.get(0).path("type").asText());
        if (feature != null) {
            // before the rest of the body is read: a token without the unit primitive learns nothing of its schema
            requireUnitPrimitive(exchange, feature);
        }
        List<ContextSnippet> context = checkComponents(body, components);
        body.check();
        if (feature == null) {
            throw new GatewayException(422, "The first prompt component must be a code_editor_completion or a"
                    + " code_editor_generation");
        }
        JsonNode payload = components.get(0).get("payload");
        Object[] at = {"prompt_components", 0, "payload"};
        String fileName = body.string(payload, "file_name", true, "", at);
        String above = body.string(payload, "content_above_cursor", true, "", at);
        String below = body.string(payload, "content_below_cursor", true, "", at);
        String languageId = body.string(payload, "language_identifier", false, null, at);
        boolean stream = body.bool(payload, "stream", at);
        JsonNode enhancer = body.object(payload, "prompt_enhancer", false, at);
        String instruction = enhancer == null ? ""
                : body.string(enhancer, "user_instruction", false, "", "prompt_components", 0, "payload", "prompt_enhancer");
        if (enhancer != null) {
            for (JsonNode related : enhancer.path("related_files")) {
                if (related.isTextual()) {
                    context.add(new ContextSnippet("", related.textValue()));
                }
            }
        }
        // GitLab's request model has no model_metadata (its middleware reads it from any body), so it is optional
        JsonNode metadata = body.object(root, "model_metadata", false);
        String family = body.string(metadata, "name", metadata != null, null, "model_metadata");
        String endpoint = body.string(metadata, "endpoint", false, null, "model_metadata");
        String apiKey = body.string(metadata, "api_key", false, null, "model_metadata");
        String identifier = body.string(metadata, "identifier", false, null, "model_metadata");
        body.check();
        if (metadata == null) {
            throw new GatewayException(422, "model_metadata is required: this gateway serves only the self-hosted"
                    + " model GitLab names there");
        }
        ModelSelection model = catalog.select(family, endpoint, apiKey, identifier);
        return new CodeSuggestionRequest(feature, format, model, fileName.strip(),
                Languages.resolve(languageId, fileName), Languages.reported(languageId, fileName.strip()), above, below,
                instruction, context, null, "", stream);
    }

    /** 403 in GitLab's v3 words unless the authenticated token grants the feature's unit primitive. */
    private static void requireUnitPrimitive(Exchange exchange, Feature feature) {
        GitLabUser user = exchange.getProperty(ExchangeProperties.GITLAB_USER, GitLabUser.class);
        if (user == null || !user.can(feature.unitPrimitive())) {
            throw new GatewayException(403, "Unauthorized to access code suggestions");
        }
    }

    /** GitLab's checks of every prompt component (a discriminated union on {@code type}); the code_context ones. */
    private static List<ContextSnippet> checkComponents(JsonBody body, JsonNode components) {
        List<ContextSnippet> context = new ArrayList<>();
        for (int i = 0; i < components.size(); i++) {
            JsonNode component = components.get(i);
            String type = body.string(component, "type", true, "", "prompt_components", i);
            JsonNode payload = body.object(component, "payload", true, "prompt_components", i);
            Object[] at = {"prompt_components", i, "payload"};
            if (COMPONENT_FEATURES.containsKey(type)) {
                body.string(payload, "file_name", true, "", at);
                body.string(payload, "content_above_cursor", true, "", at);
                body.string(payload, "content_below_cursor", true, "", at);
                String provider = body.string(payload, "model_provider", false, null, at);
                if (provider != null && !PAYLOAD_PROVIDERS.contains(provider)) {
                    body.error("literal_error", "Input should be 'vertex-ai', 'anthropic' or 'amazon_q'", at,
                            "model_provider");
                }
            } else if (CODE_CONTEXT.equals(type)) {
                String name = body.string(payload, "name", true, "", at);
                String content = body.string(payload, "content", true, "", at);
                body.string(payload, "type", true, "", at);
                if (!content.isEmpty()) {
                    context.add(new ContextSnippet(name, content));
                }
            } else if (!type.isEmpty()) {
                body.error("union_tag_invalid", "Input tag '" + type + "' found using 'type' does not match any of"
                        + " the expected tags: 'code_editor_completion', 'code_editor_generation', 'code_context'",
                        new Object[]{"prompt_components", i}, "type");
            }
        }
        return context;
    }

    private static List<ContextSnippet> contextItems(JsonNode items) {
        List<ContextSnippet> context = new ArrayList<>();
        if (items == null) {
            return context;
        }
        for (JsonNode item : items) {
            String content = item.path("content").asText("");
            if (!content.isEmpty()) {
                context.add(new ContextSnippet(item.path("name").asText(""), content));
            }
        }
        return context;
    }
}
