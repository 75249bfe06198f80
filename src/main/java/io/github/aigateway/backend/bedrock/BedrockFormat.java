package io.github.aigateway.backend.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelUsage;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The model-native JSON that Bedrock's InvokeModel and InvokeModelWithResponseStream carry, per model
 * family. The family comes from the served model id (a cross-region inference profile such as
 * {@code us.anthropic.claude-3-5-sonnet-20241022-v2:0} included), not from GitLab's family name, because
 * the body has to match what Bedrock serves under that id.
 */
public enum BedrockFormat {

    /** Anthropic's Messages API: {@code system}, user/assistant {@code messages}, text in {@code content[]}. */
    CLAUDE_MESSAGES {
        @Override
        String requestBody(ModelCall call) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("anthropic_version", "bedrock-2023-05-31");
            body.put("max_tokens", call.maxTokens());
            String system = joined(call.messages(), "system");
            if (!system.isEmpty()) {
                body.put("system", system);
            }
            ArrayNode messages = body.putArray("messages");
            for (ChatMessage message : call.messages()) {
                if (!message.role().equals("system")) {
                    messages.addObject().put("role", message.role()).put("content", message.content());
                }
            }
            body.put("temperature", call.temperature());
            if (!call.stop().isEmpty()) {
                ArrayNode stop = body.putArray("stop_sequences");
                call.stop().forEach(stop::add);
            }
            return Json.write(body);
        }

        @Override
        String text(JsonNode answer) {
            StringBuilder text = new StringBuilder();
            for (JsonNode block : answer.path("content")) {
                if (block.path("type").asText().equals("text")) {
                    text.append(block.path("text").asText(""));
                }
            }
            return text.toString();
        }

        @Override
        boolean isAnswer(JsonNode answer) {
            return answer.path("content").isArray();
        }

        @Override
        ModelUsage usage(JsonNode answer) {
            JsonNode usage = answer.path("usage");
            return new ModelUsage(usage.path("input_tokens").asInt(-1), usage.path("output_tokens").asInt(-1));
        }

        @Override
        String streamedText(JsonNode chunk) {
            JsonNode delta = chunk.path("delta");
            return chunk.path("type").asText().equals("content_block_delta")
                    && delta.path("type").asText().equals("text_delta") ? delta.path("text").asText("") : "";
        }

        @Override
        ModelUsage streamedUsage(JsonNode chunk, ModelUsage sofar) {
            ModelUsage usage = super.streamedUsage(chunk, sofar);
            JsonNode start = chunk.path("message").path("usage");
            JsonNode delta = chunk.path("usage");
            return switch (chunk.path("type").asText()) {
                case "message_start" -> usage.with(start.path("input_tokens").asInt(-1),
                        start.path("output_tokens").asInt(-1));
                case "message_delta" -> usage.with(-1, delta.path("output_tokens").asInt(-1));
                default -> usage;
            };
        }
    },

    /** Mistral and Mixtral text completion: one {@code prompt} with {@code [INST]} markers, text in {@code outputs[]}. */
    MISTRAL_INSTRUCT {
        @Override
        String requestBody(ModelCall call) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("prompt", instructPrompt(call.messages()));
            body.put("max_tokens", call.maxTokens());
            body.put("temperature", call.temperature());
            if (!call.stop().isEmpty()) {
                ArrayNode stop = body.putArray("stop");
                call.stop().forEach(stop::add);
            }
            return Json.write(body);
        }

        @Override
        String text(JsonNode answer) {
            StringBuilder text = new StringBuilder();
            for (JsonNode output : answer.path("outputs")) {
                text.append(output.path("text").asText(""));
            }
            return text.toString();
        }

        @Override
        boolean isAnswer(JsonNode answer) {
            return answer.path("outputs").isArray();
        }

        @Override
        ModelUsage usage(JsonNode answer) {
            // Mistral's body carries no token counts; Bedrock sends them only as response headers
            return ModelUsage.UNKNOWN;
        }

        @Override
        String streamedText(JsonNode chunk) {
            return text(chunk);
        }
    },

    /**
     * Meta Llama 3.x: one {@code prompt} in Llama 3's chat template, {@code max_gen_len}, {@code temperature};
     * text in {@code generation}. Bedrock's Llama API takes no stop sequences (the chat parser ends a tool
     * choice at {@code Observation:} itself) and {@code top_p} keeps Bedrock's default, as GitLab sends none.
     */
    LLAMA_3 {
        @Override
        String requestBody(ModelCall call) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("prompt", llama3Prompt(call.messages()));
            body.put("max_gen_len", call.maxTokens());
            body.put("temperature", call.temperature());
            return Json.write(body);
        }

        @Override
        String text(JsonNode answer) {
            return answer.path("generation").asText("");
        }

        @Override
        boolean isAnswer(JsonNode answer) {
            return answer.path("generation").isTextual();
        }

        @Override
        ModelUsage usage(JsonNode answer) {
            return new ModelUsage(answer.path("prompt_token_count").asInt(-1),
                    answer.path("generation_token_count").asInt(-1));
        }

        @Override
        String streamedText(JsonNode chunk) {
            return text(chunk);
        }
    };

    private static final Pattern CLAUDE = Pattern.compile("(^|[./])anthropic\\.");
    private static final Pattern MISTRAL = Pattern.compile("(^|[./])mistral\\.");
    private static final Pattern LLAMA_3_MODEL = Pattern.compile("(^|[./])meta\\.llama3");

    /** The format of a Bedrock model id or inference profile id. */
    public static BedrockFormat of(String modelId) {
        if (CLAUDE.matcher(modelId).find()) {
            return CLAUDE_MESSAGES;
        }
        if (MISTRAL.matcher(modelId).find()) {
            return MISTRAL_INSTRUCT;
        }
        if (LLAMA_3_MODEL.matcher(modelId).find()) {
            return LLAMA_3;
        }
        throw new GatewayException(422, "Bedrock model '" + modelId + "' is not supported by this gateway: "
                + "use an Anthropic Claude (anthropic.*), Mistral (mistral.*) or Meta Llama 3 (meta.llama3*) model"
                + " or inference profile");
    }

    /** The InvokeModel body for one model call. */
    abstract String requestBody(ModelCall call);

    /** The generated text of a complete answer. */
    abstract String text(JsonNode answer);

    /** Whether a complete answer has this format's shape at all. */
    abstract boolean isAnswer(JsonNode answer);

    /** Token counts of a complete answer. */
    abstract ModelUsage usage(JsonNode answer);

    /** The new text in one decoded stream chunk; chunks that only carry metadata have none. */
    abstract String streamedText(JsonNode chunk);

    /**
     * Token counts after one stream chunk. Bedrock adds {@code amazon-bedrock-invocationMetrics} to the
     * last chunk of every model's stream; Claude also reports its own counts on the way.
     */
    ModelUsage streamedUsage(JsonNode chunk, ModelUsage sofar) {
        JsonNode metrics = chunk.path("amazon-bedrock-invocationMetrics");
        return metrics.isObject()
                ? sofar.with(metrics.path("inputTokenCount").asInt(-1), metrics.path("outputTokenCount").asInt(-1))
                : sofar;
    }

    private static String joined(List<ChatMessage> messages, String role) {
        StringBuilder text = new StringBuilder();
        for (ChatMessage message : messages) {
            if (message.role().equals(role)) {
                text.append(text.isEmpty() ? "" : "\n\n").append(message.content());
            }
        }
        return text.toString();
    }

    /**
     * Llama 3's chat template: each message under its role's header and closed by {@code <|eot_id|>}; the
     * prompt ends with an open assistant header, after a final assistant message (a prefill) without its close.
     */
    private static String llama3Prompt(List<ChatMessage> messages) {
        StringBuilder prompt = new StringBuilder("<|begin_of_text|>");
        ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        boolean prefill = last != null && last.role().equals("assistant");
        for (ChatMessage message : messages) {
            prompt.append("<|start_header_id|>").append(message.role()).append("<|end_header_id|>\n\n")
                    .append(message.content());
            if (message != last || !prefill) {
                prompt.append("<|eot_id|>");
            }
        }
        if (!prefill) {
            prompt.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }
        return prompt.toString();
    }

    /**
     * Mistral's instruction format: each user turn in {@code [INST] … [/INST]}, earlier assistant turns
     * closed by {@code </s>}, a final assistant message left open as the start of the answer. Mistral has
     * no system role, so the system message opens the first instruction.
     */
    private static String instructPrompt(List<ChatMessage> messages) {
        StringBuilder prompt = new StringBuilder("<s>");
        String system = joined(messages, "system");
        boolean firstInstruction = true;
        List<ChatMessage> turns = messages.stream().filter(m -> !m.role().equals("system")).toList();
        for (int i = 0; i < turns.size(); i++) {
            ChatMessage turn = turns.get(i);
            if (turn.role().equals("user")) {
                String instruction = firstInstruction && !system.isEmpty()
                        ? system + "\n\n" + turn.content() : turn.content();
                prompt.append("[INST] ").append(instruction).append(" [/INST]");
                firstInstruction = false;
            } else {
                prompt.append(' ').append(turn.content());
                if (i < turns.size() - 1) {
                    prompt.append("</s>");
                }
            }
        }
        return prompt.toString();
    }
}
