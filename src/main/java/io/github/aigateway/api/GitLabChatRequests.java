package io.github.aigateway.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.backend.ChatMessage;
import io.github.aigateway.catalog.ModelSelection;
import io.github.aigateway.chat.ChatAgentRequest;
import io.github.aigateway.chat.ChatAgentRequest.ScratchpadStep;
import io.github.aigateway.chat.LegacyChatRequest;
import io.github.aigateway.chat.PromptRequest;
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
    private static final Set<String> CHAT_INVOKABLES = Set.of("agent", "explain_code", "write_tests",
            "refactor_code", "explain_vulnerability", "summarize_comments", "troubleshoot_job");

    /** {@code POST /v2/chat/agent}, both the 18.x and the 17.x shape. */
    public ChatAgentRequest agent(Exchange exchange) {
        JsonBody body = JsonBody.of(exchange);
        JsonNode root = body.root();
        JsonNode messages = body.array(root, "messages");
        if (messages == null || messages.isEmpty()) {
            body.error("missing", "Field required", new Object[0], "messages");
        }
        JsonNode metadata = body.object(root, "model_metadata", true);
        body.check();
        int lastUser = -1;
        for (int i = 0; i < messages.size(); i++) {
            if ("user".equals(messages.get(i).path("role").asText())) {
                lastUser = i;
            }
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
                scratchpad.add(new ScratchpadStep(action.path("thought").asText(""), action.path("tool").asText(""),
                        action.path("tool_input").asText(""), step.path("observation").asText("")));
            }
        }
        for (JsonNode step : root.path("options").path("agent_scratchpad").path("steps")) {
            scratchpad.add(new ScratchpadStep(step.path("thought").asText(""), step.path("tool").asText(""),
                    step.path("tool_input").asText(""), step.path("observation").asText("")));
        }
        List<String> unavailable = new ArrayList<>();
        JsonNode resources = body.array(root, "unavailable_resources");
        if (resources != null) {
            resources.forEach(r -> unavailable.add(r.asText()));
        }
        List<Map<String, Object>> additional = new ArrayList<>();
        for (JsonNode item : current.path("additional_context")) {
            additional.add(Json.MAPPER.convertValue(item, OBJECT));
        }
        ModelSelection model = model(body, metadata);
        return new ChatAgentRequest(model, history, question, map(current.get("context")),
                map(current.get("current_file")), additional, scratchpad, unavailable);
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
        return new LegacyChatRequest(invokable, ModelSelection.resolve(family, endpoint, apiKey, identifier),
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

    private static ModelSelection model(JsonBody body, JsonNode metadata) {
        String family = body.string(metadata, "name", true, null, "model_metadata");
        String endpoint = body.string(metadata, "endpoint", false, null, "model_metadata");
        String apiKey = body.string(metadata, "api_key", false, null, "model_metadata");
        String identifier = body.string(metadata, "identifier", false, null, "model_metadata");
        body.check();
        return ModelSelection.resolve(family, endpoint, apiKey, identifier);
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
