package io.github.aigateway.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.chat.ChatAgentRequest;
import io.github.aigateway.chat.ChatAgentRequest.ScratchpadStep;
import io.github.aigateway.chat.LegacyChatRequest;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.failure.RequestValidationException;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.prompt.PromptRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/** Reads GitLab's Duo Chat and prompt bodies ({@code /v2/chat/agent}, {@code /v1|v2/prompts/*}, {@code /v1/chat/*}). */
public class GitLabChatRequests {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final Pattern PROMPT_ID = Pattern.compile("[a-z0-9_]+(?:/[a-z0-9_]+)*");
    /** The {@code additional_context} categories GitLab's gateway accepts (its {@code AdditionalContext} model). */
    private static final List<String> CONTEXT_CATEGORIES = List.of("file", "snippet", "merge_request", "issue",
            "dependency", "local_git", "terminal", "repository", "directory", "os_information",
            "agent_user_environment");
    private static final Set<String> CHAT_INVOKABLES = Set.of("agent", "explain_code", "write_tests",
            "refactor_code", "explain_vulnerability", "summarize_comments", "troubleshoot_job");

    private ModelCatalog catalog;

    /** Resolves the model each request names (the catalog's backends). */
    public void setCatalog(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * {@code POST /v2/chat/agent}: {@code messages} (GitLab 17.6 on; the steps in {@code options.agent_scratchpad} or
     * in a trailing assistant message), or {@code prompt} and {@code options} (GitLab 17.0-17.5).
     */
    public ChatAgentRequest agent(Exchange exchange) {
        JsonBody body = JsonBody.of(exchange);
        JsonNode root = body.root();
        if (!root.has("messages") && root.has("prompt")) {
            return promptAgent(body, root);
        }
        JsonNode messages = body.array(root, "messages");
        if (messages == null || messages.isEmpty()) {
            body.error("missing", "Field required", new Object[0], "messages");
        }
        JsonNode metadata = body.object(root, "model_metadata", true);
        body.check();
        int lastUser = -1;
        List<String> categories = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText();
            if ("user".equals(role)) {
                lastUser = i;
            }
            JsonNode steps = message.get("agent_scratchpad");
            if (steps != null && !steps.isNull() && !"assistant".equals(role)) {
                throw new GatewayException(400, "agent_scratchpad can only be present when role is ASSISTANT");
            }
            categories.addAll(contextCategories(message.path("additional_context"), "messages", i));
        }
        if (lastUser < 0) {
            throw RequestValidationException.of("missing", "A user message is required", "body", "messages");
        }
        List<ChatMessage> history = new ArrayList<>();
        for (int i = 0; i < lastUser; i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText();
            String content = message.path("content").asText("");
            if ((role.equals("user") || role.equals("assistant")) && !content.isBlank()) {
                history.add(new ChatMessage(role, content));
            }
        }
        JsonNode current = messages.get(lastUser);
        String question = body.string(current, "content", true, "", "messages", lastUser);
        List<ScratchpadStep> scratchpad = new ArrayList<>();
        // 18.x: a trailing assistant message carries the steps; 17.x: options.agent_scratchpad.steps
        for (int i = lastUser + 1; i < messages.size(); i++) {
            for (JsonNode step : messages.get(i).path("agent_scratchpad")) {
                JsonNode action = step.path("action");
                if (!action.isObject()) {
                    continue; // GitLab's gateway replays only steps that chose a tool
                }
                scratchpad.add(new ScratchpadStep(action.path("thought").asText(""), action.path("tool").asText(""),
                        action.path("tool_input").asText(""), step.path("observation").asText("")));
            }
        }
        scratchpad.addAll(optionSteps(root));
        ModelSelection model = model(body, metadata);
        return new ChatAgentRequest(model, history, question, map(current.get("context")),
                map(current.get("current_file")), items(current.path("additional_context")), scratchpad,
                unavailableResources(body, root), categories, "");
    }

    /** GitLab 17.0-17.5: the question in {@code prompt}; history, context and steps in {@code options}. */
    private ChatAgentRequest promptAgent(JsonBody body, JsonNode root) {
        String question = body.string(root, "prompt", true, "");
        JsonNode options = body.object(root, "options", true);
        JsonNode metadata = body.object(root, "model_metadata", true);
        body.check();
        // a list of {role, content} (17.5) is replayed turn by turn; text (17.0-17.4) goes to the model as it is
        List<ChatMessage> history = new ArrayList<>();
        List<String> earlier = new ArrayList<>();
        JsonNode chatHistory = options.path("chat_history");
        if (chatHistory.isTextual()) {
            earlier.add(chatHistory.asText());
        }
        for (JsonNode turn : chatHistory) {
            String role = turn.path("role").asText();
            String content = turn.path("content").asText("");
            if (turn.isTextual()) {
                earlier.add(turn.asText());
            } else if ((role.equals("user") || role.equals("assistant")) && !content.isBlank()) {
                history.add(new ChatMessage(role, content));
            }
        }
        JsonNode additional = options.path("additional_context");
        List<String> categories = contextCategories(additional, "options");
        return new ChatAgentRequest(model(body, metadata), history, question, map(options.get("context")),
                map(options.get("current_file")), items(additional), optionSteps(root),
                unavailableResources(body, root), categories, String.join("\n", earlier).strip());
    }

    /** Each item's category, one GitLab's gateway knows (else 422, as its request model answers). */
    private static List<String> contextCategories(JsonNode additionalContext, Object... at) {
        List<String> categories = new ArrayList<>();
        for (int i = 0; i < additionalContext.size(); i++) {
            String category = additionalContext.get(i).path("category").asText("");
            if (!CONTEXT_CATEGORIES.contains(category)) {
                List<Object> loc = new ArrayList<>(List.of("body"));
                loc.addAll(List.of(at));
                loc.addAll(List.of("additional_context", i, "category"));
                throw RequestValidationException.of("literal_error", "Input should be one of: "
                        + String.join(", ", CONTEXT_CATEGORIES), loc.toArray());
            }
            categories.add(category);
        }
        return categories;
    }

    /** The steps GitLab 17.x sent in {@code options.agent_scratchpad.steps}. */
    private static List<ScratchpadStep> optionSteps(JsonNode root) {
        List<ScratchpadStep> steps = new ArrayList<>();
        for (JsonNode step : root.path("options").path("agent_scratchpad").path("steps")) {
            steps.add(new ScratchpadStep(step.path("thought").asText(""), step.path("tool").asText(""),
                    step.path("tool_input").asText(""), step.path("observation").asText("")));
        }
        return steps;
    }

    private static List<String> unavailableResources(JsonBody body, JsonNode root) {
        List<String> unavailable = new ArrayList<>();
        JsonNode resources = body.array(root, "unavailable_resources");
        if (resources != null) {
            resources.forEach(r -> unavailable.add(r.asText()));
        }
        return unavailable;
    }

    private static List<Map<String, Object>> items(JsonNode additionalContext) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (JsonNode item : additionalContext) {
            items.add(Json.MAPPER.convertValue(item, OBJECT));
        }
        return items;
    }

    /** {@code POST /v1/prompts/{prompt_id}}: the id is the rest of the path, slashes or {@code %2F}. */
    public PromptRequest promptV1(Exchange exchange) {
        return prompt(exchange, "/v1/prompts/", 1);
    }

    /** {@code POST /v2/prompts/{prompt_id}}. */
    public PromptRequest promptV2(Exchange exchange) {
        return prompt(exchange, "/v2/prompts/", 2);
    }

    /** {@code POST /v1/chat/{chat_invokable}}, the deprecated chat API GitLab's troubleshooting guide still uses. */
    public LegacyChatRequest legacyChat(Exchange exchange) {
        String invokable = pathAfter(exchange, "/v1/chat/");
        if (!CHAT_INVOKABLES.contains(invokable)) {
            throw new GatewayException(404, "Not found");
        }
        JsonBody body = JsonBody.of(exchange);
        JsonNode components = body.array(body.root(), "prompt_components");
        if (components == null || components.isEmpty()) {
            body.error("missing", "Field required", new Object[0], "prompt_components");
        }
        body.check();
        JsonNode payload = body.object(components.get(0), "payload", true, "prompt_components", 0);
        body.check();
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode content = payload.get("content");
        if (content != null && content.isArray()) {
            for (JsonNode message : content) {
                messages.add(new ChatMessage(message.path("role").asText("user"), message.path("content").asText("")));
            }
        } else if (content != null && content.isTextual()) {
            messages.add(new ChatMessage("user", content.textValue()));
        } else {
            throw RequestValidationException.of("missing", "Field required", "body", "prompt_components", 0,
                    "payload", "content");
        }
        Object[] at = {"prompt_components", 0, "payload"};
        String family = body.string(payload, "model", true, null, at);
        String endpoint = body.string(payload, "model_endpoint", false, null, at);
        String apiKey = body.string(payload, "model_api_key", false, null, at);
        String identifier = body.string(payload, "model_identifier", false, null, at);
        boolean stream = body.bool(body.root(), "stream");
        body.check();
        return new LegacyChatRequest(invokable, catalog.select(family, endpoint, apiKey, identifier),
                messages, stream);
    }

    private PromptRequest prompt(Exchange exchange, String prefix, int apiVersion) {
        String promptId = pathAfter(exchange, prefix);
        if (!PROMPT_ID.matcher(promptId).matches()) {
            throw new GatewayException(404, "Prompt '" + promptId + "' not found");
        }
        JsonBody body = JsonBody.of(exchange);
        JsonNode root = body.root();
        JsonNode inputs = body.object(root, "inputs", true);
        String version = body.string(root, "prompt_version", false, null);
        boolean stream = body.bool(root, "stream");
        JsonNode metadata = body.object(root, "model_metadata", true);
        body.check();
        Map<String, Object> values = Json.MAPPER.convertValue(inputs, OBJECT);
        return new PromptRequest(promptId, apiVersion, version, values, model(body, metadata), stream);
    }

    private ModelSelection model(JsonBody body, JsonNode metadata) {
        String family = body.string(metadata, "name", true, null, "model_metadata");
        String endpoint = body.string(metadata, "endpoint", false, null, "model_metadata");
        String apiKey = body.string(metadata, "api_key", false, null, "model_metadata");
        String identifier = body.string(metadata, "identifier", false, null, "model_metadata");
        body.check();
        return catalog.select(family, endpoint, apiKey, identifier);
    }

    private static Map<String, Object> map(JsonNode node) {
        return node == null || !node.isObject() ? Map.of() : Json.MAPPER.convertValue(node, OBJECT);
    }

    /** The decoded rest of the request path after {@code prefix}; GitLab encodes a slash as {@code %2F}. */
    private static String pathAfter(Exchange exchange, String prefix) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_URI, "", String.class);
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int at = path.indexOf(prefix);
        String rest = at < 0 ? "" : path.substring(at + prefix.length());
        return URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
