package io.github.aigateway.backend.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelUsage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BedrockFormatTest {

    private static final ModelCatalog CATALOG = new ModelCatalog();

    private static ModelCall call(String modelId, List<ChatMessage> messages, List<String> stop) {
        return new ModelCall(Feature.CHAT, CATALOG.select("general", null, null, "bedrock/" + modelId),
                "Chat", messages, 0.5, 512, stop, false);
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "anthropic.claude-3-5-sonnet-20240620-v1:0, CLAUDE_MESSAGES",
        "us.anthropic.claude-3-5-sonnet-20241022-v2:0, CLAUDE_MESSAGES",
        "eu.anthropic.claude-3-5-sonnet-20240620-v1:0, CLAUDE_MESSAGES",
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0, CLAUDE_MESSAGES",
        "mistral.mixtral-8x7b-instruct-v0:1, MISTRAL_INSTRUCT",
        "mistral.mistral-large-2402-v1:0, MISTRAL_INSTRUCT",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0, CLAUDE_MESSAGES",
        "apac.anthropic.claude-sonnet-4-20250514-v1:0, CLAUDE_MESSAGES",
        "meta.llama3-8b-instruct-v1:0, LLAMA_3",
        "us.meta.llama3-1-70b-instruct-v1:0, LLAMA_3",
        "us.meta.llama3-3-70b-instruct-v1:0, LLAMA_3"})
    void picks_the_body_format_from_the_served_model_id(String modelId, BedrockFormat format) {
        assertThat(BedrockFormat.of(modelId)).isEqualTo(format);
    }

    @Test
    void refuses_model_ids_of_other_providers() {
        assertThatThrownBy(() -> BedrockFormat.of("amazon.titan-text-express-v1"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getStatus()).isEqualTo(422));
    }

    @Test
    void claude_gets_a_multi_turn_chat_with_the_system_message_apart() {
        String body = BedrockFormat.CLAUDE_MESSAGES.requestBody(call("anthropic.claude-3-5-sonnet-20240620-v1:0", List.of(
                new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"),
                new ChatMessage("assistant", "Hello!"), new ChatMessage("user", "What is 2+2?")), List.of()));

        assertThat(body).isEqualTo("{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":512,"
                + "\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello!\"},{\"role\":\"user\",\"content\":\"What is 2+2?\"}],"
                + "\"temperature\":0.5}");
    }

    @Test
    void mistral_gets_inst_markers_per_turn_with_the_system_message_in_the_first() {
        String body = BedrockFormat.MISTRAL_INSTRUCT.requestBody(call("mistral.mixtral-8x7b-instruct-v0:1", List.of(
                new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"),
                new ChatMessage("assistant", "Hello!"), new ChatMessage("user", "What is 2+2?")), List.of("</s>")));

        assertThat(body).isEqualTo("{\"prompt\":\"<s>[INST] Be brief.\\n\\nHi [/INST] Hello!</s>[INST] What is 2+2?"
                + " [/INST]\",\"max_tokens\":512,\"temperature\":0.5,\"stop\":[\"</s>\"]}");
    }

    @Test
    void mistral_continues_an_assistant_prefill() {
        String body = BedrockFormat.MISTRAL_INSTRUCT.requestBody(call("mistral.mistral-large-2402-v1:0", List.of(
                new ChatMessage("user", "Write add"), new ChatMessage("assistant", "def add(")), List.of()));

        assertThat(body).isEqualTo("{\"prompt\":\"<s>[INST] Write add [/INST] def add(\",\"max_tokens\":512,"
                + "\"temperature\":0.5}");
    }

    @Test
    void llama_gets_llama_3s_chat_template_with_an_open_assistant_turn() {
        String body = BedrockFormat.LLAMA_3.requestBody(call("us.meta.llama3-3-70b-instruct-v1:0", List.of(
                new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"),
                new ChatMessage("assistant", "Hello!"), new ChatMessage("user", "What is 2+2?")), List.of("Observation:")));

        assertThat(body).isEqualTo("{\"prompt\":\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n\\n"
                + "Be brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\\n\\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\\n\\nHello!<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\\n\\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\\n\\n\",\"max_gen_len\":512,\"temperature\":0.5}");
    }

    @Test
    void llama_continues_an_assistant_prefill() {
        String body = BedrockFormat.LLAMA_3.requestBody(call("meta.llama3-8b-instruct-v1:0", List.of(
                new ChatMessage("user", "Write add"), new ChatMessage("assistant", "<new_code>")), List.of()));

        assertThat(body).isEqualTo("{\"prompt\":\"<|begin_of_text|><|start_header_id|>user<|end_header_id|>\\n\\n"
                + "Write add<|eot_id|><|start_header_id|>assistant<|end_header_id|>\\n\\n<new_code>\","
                + "\"max_gen_len\":512,\"temperature\":0.5}");
    }

    @Test
    void reads_llamas_generation_and_token_counts() throws Exception {
        JsonNode answer = json("{\"generation\":\"4\",\"prompt_token_count\":31,\"generation_token_count\":2,"
                + "\"stop_reason\":\"stop\"}");
        JsonNode lastChunk = json("{\"generation\":\"\",\"prompt_token_count\":null,\"generation_token_count\":2,"
                + "\"stop_reason\":\"stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":31,"
                + "\"outputTokenCount\":2}}");

        assertThat(BedrockFormat.LLAMA_3.isAnswer(answer)).isTrue();
        assertThat(BedrockFormat.LLAMA_3.isAnswer(json("{\"outputs\":[]}"))).isFalse();
        assertThat(BedrockFormat.LLAMA_3.text(answer)).isEqualTo("4");
        assertThat(BedrockFormat.LLAMA_3.usage(answer)).isEqualTo(new ModelUsage(31, 2));
        assertThat(BedrockFormat.LLAMA_3.streamedText(json("{\"generation\":\" four\",\"stop_reason\":null}")))
                .isEqualTo(" four");
        assertThat(BedrockFormat.LLAMA_3.streamedUsage(lastChunk, ModelUsage.UNKNOWN)).isEqualTo(new ModelUsage(31, 2));
    }

    @Test
    void reads_claude_usage_from_its_stream_events() throws Exception {
        ModelUsage usage = ModelUsage.UNKNOWN;
        usage = BedrockFormat.CLAUDE_MESSAGES.streamedUsage(
                json("{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}"), usage);
        assertThat(usage).isEqualTo(new ModelUsage(12, 1));
        usage = BedrockFormat.CLAUDE_MESSAGES.streamedUsage(
                json("{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":40}}"), usage);
        assertThat(usage).isEqualTo(new ModelUsage(12, 40));
    }

    @Test
    void joins_every_text_block_of_a_claude_answer() throws Exception {
        JsonNode answer = json("{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"tool_use\",\"id\":\"t\"},"
                + "{\"type\":\"text\",\"text\":\"b\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}");

        assertThat(BedrockFormat.CLAUDE_MESSAGES.text(answer)).isEqualTo("ab");
        assertThat(BedrockFormat.CLAUDE_MESSAGES.usage(answer)).isEqualTo(new ModelUsage(3, 2));
    }
}
