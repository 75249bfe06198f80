package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streamed answers from AWS Bedrock: GitLab gets each token as Bedrock's event stream delivers it. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15201", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true", "gateway.bedrock.region=eu-west-3"})
class BedrockStreamingRouteTest {

    static final FakeBedrock BEDROCK = BedrockTestSetup.fakeBedrock();

    /** Claude's Messages stream as Bedrock sends it, one event per chunk. */
    static final String[] CLAUDE_STREAM = {
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"content\":[],\"usage\":{\"input_tokens\":57,\"output_tokens\":1}}}",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" world\"}}",
        "{\"type\":\"content_block_stop\",\"index\":0}",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}",
        "{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":57,"
            + "\"outputTokenCount\":2,\"invocationLatency\":420,\"firstByteLatency\":180}}"};
    /** The chunk that carries the first text. */
    static final int CLAUDE_FIRST_TEXT = 2;

    static final String[] MIXTRAL_STREAM = {
        "{\"outputs\":[{\"text\":\"Hello\",\"stop_reason\":null}]}",
        "{\"outputs\":[{\"text\":\" world\",\"stop_reason\":\"stop\"}],\"amazon-bedrock-invocationMetrics\":"
            + "{\"inputTokenCount\":31,\"outputTokenCount\":2,\"invocationLatency\":300,\"firstByteLatency\":90}}"};

    private final GatewayClient gateway = new GatewayClient(15201);

    @BeforeEach
    void resetBedrock() {
        BEDROCK.reset();
    }

    @BeforeAll
    static void useFakeBedrock() {
        BedrockTestSetup.use();
    }

    @AfterAll
    static void forgetBedrock() {
        BedrockTestSetup.clear();
    }

    @Test
    void claude_streams_the_first_token_before_bedrock_has_finished() throws Exception {
        BEDROCK.streams(CLAUDE_STREAM).holdsAfterChunk(CLAUDE_FIRST_TEXT);

        HttpResponse<InputStream> response = gateway.postStreaming("/v2/code/generations",
                BedrockRouteTest.generation("claude_3", "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0", true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        String first = GatewayClient.readAtLeast(response.body(), "Hello".length());
        assertThat(first).isEqualTo("Hello");
        assertThat(BEDROCK.finished()).isFalse();
        BEDROCK.clientSawFirstToken();
        assertThat(first + new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Hello world");
        assertThat(BEDROCK.finished()).isTrue();

        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.rawPath())
                .isEqualTo("/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke-with-response-stream");
        assertThat(sent.body()).startsWith("{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":2048,")
                .endsWith("{\"role\":\"assistant\",\"content\":\"<new_code>\"}],\"temperature\":0.2,"
                        + "\"stop_sequences\":[\"</new_code>\"]}");
    }

    @Test
    void mixtral_streams_gitlab_18_suggestions_as_server_sent_events() throws Exception {
        BEDROCK.streams(MIXTRAL_STREAM);

        HttpResponse<InputStream> response = gateway.postStreaming("/v4/code/suggestions", """
                {"prompt_components": [{"type": "code_editor_generation",
                   "payload": {"file_name": "hello.rb", "content_above_cursor": "# say hello\\n",
                               "content_below_cursor": "", "language_identifier": "ruby", "stream": true,
                               "prompt_id": "code_suggestions/generations", "prompt_version": "^1.0.0",
                               "prompt_enhancer": {"user_instruction": "write hello"}}}],
                 "stream": true,
                 "model_metadata": {"provider": "litellm", "name": "mixtral", "endpoint": "http://bedrock.invalid",
                                    "identifier": "bedrock/mistral.mixtral-8x7b-instruct-v0:1"}}
                """);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Streaming-Format")).hasValue("sse");
        String first = GatewayClient.readAtLeast(response.body(), 1);
        BEDROCK.clientSawFirstToken();
        String events = (first + new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
                .replaceAll("\"timestamp\":\\d+", "\"timestamp\":0");
        assertThat(events).isEqualTo("""
                event: stream_start
                data: {"metadata":{"model":{"engine":"agent","name":"Mixtral Code Generations"},\
                "timestamp":0,"enabled_feature_flags":[],"region":"us-central1"}}

                event: content_chunk
                data: {"choices":[{"delta":{"content":"Hello"},"index":0}]}

                event: content_chunk
                data: {"choices":[{"delta":{"content":" world"},"index":0}]}

                event: stream_end
                data: null

                """.replace("\n", "\r\n"));
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.rawPath()).isEqualTo("/model/mistral.mixtral-8x7b-instruct-v0%3A1/invoke-with-response-stream");
        assertThat(sent.body()).startsWith("{\"prompt\":\"<s>[INST] You write ruby code")
                .endsWith("Instruction: write hello [/INST]\",\"max_tokens\":256,\"temperature\":0.95}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
        "global.anthropic.claude-opus-4-5-20251101-v1:0"})
    void claude_4_chats_with_claudes_react_prompt(String modelId) {
        BEDROCK.streams(
                "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":700,\"output_tokens\":1}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                    + "\"text\":\"Thought: I know this.\\nFinal Answer: Run\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                    + "\"text\":\" git rebase main.\"}}",
                "{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":700,"
                    + "\"outputTokenCount\":12,\"invocationLatency\":800,\"firstByteLatency\":300}}");
        BEDROCK.clientSawFirstToken();

        HttpResponse<String> response = gateway.post("/v2/chat/agent", """
                {"messages": [{"role": "user", "content": "How do I rebase?", "context": null,
                               "current_file": null, "additional_context": []}],
                 "model_metadata": {"endpoint": "http://bedrock.invalid", "name": "claude_3", "provider": "openai",
                                    "identifier": "bedrock/%s"},
                 "unavailable_resources": []}""".formatted(modelId));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"Run\"}}\n"
                + "{\"type\": \"final_answer_delta\", \"data\": {\"text\": \" git rebase main.\"}}\n");
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.rawPath()).isEqualTo("/model/" + modelId.replace(":", "%3A") + "/invoke-with-response-stream");
        assertThat(sent.body()).startsWith("{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":2048,"
                        + "\"system\":\"You are GitLab Duo Chat")
                .contains("<tools>\\n<tool><name>issue_reader</name>")
                .endsWith("\"messages\":[{\"role\":\"user\",\"content\":\"<question>How do I rebase?</question>\"}],"
                        + "\"temperature\":0.1,\"stop_sequences\":[\"Observation:\"]}");
    }

    @Test
    void llama_chats_and_its_tool_choice_ends_where_it_would_have_stopped() {
        // Bedrock's Llama API takes no stop sequences: the model goes on to invent the tool's result
        BEDROCK.streams(
                "{\"generation\":\"Thought: I need the issue.\\nAction: issue_reader\\n\",\"prompt_token_count\":412,"
                    + "\"generation_token_count\":9,\"stop_reason\":null}",
                "{\"generation\":\"Action Input: #12\\nObservation: The issue says\",\"prompt_token_count\":null,"
                    + "\"generation_token_count\":17,\"stop_reason\":\"stop\",\"amazon-bedrock-invocationMetrics\":"
                    + "{\"inputTokenCount\":412,\"outputTokenCount\":17,\"invocationLatency\":900,\"firstByteLatency\":200}}");
        BEDROCK.clientSawFirstToken();

        HttpResponse<String> response = gateway.post("/v2/chat/agent", """
                {"messages": [{"role": "user", "content": "Summarize issue #12", "context": null,
                               "current_file": null, "additional_context": []}],
                 "model_metadata": {"endpoint": "http://bedrock.invalid", "name": "llama3", "provider": "openai",
                                    "identifier": "bedrock/us.meta.llama3-3-70b-instruct-v1:0"},
                 "unavailable_resources": []}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"type\": \"action\", \"data\": {\"tool\": \"issue_reader\", "
                + "\"tool_input\": \"#12\", \"thought\": \"I need the issue.\"}}\n");
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.rawPath()).isEqualTo("/model/us.meta.llama3-3-70b-instruct-v1%3A0/invoke-with-response-stream");
        assertThat(sent.body()).startsWith("{\"prompt\":\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>")
                .contains("<|eot_id|><|start_header_id|>user<|end_header_id|>\\n\\nQuestion: Summarize issue #12<|eot_id|>")
                .endsWith("<|start_header_id|>assistant<|end_header_id|>\\n\\n\",\"max_gen_len\":2048,\"temperature\":0.1}");
    }

    @Test
    void a_stream_bedrock_keeps_throttling_before_it_starts_is_429_with_retry_after() {
        BEDROCK.fails(429, "ThrottlingException", "Too many requests, please wait before trying again.");

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                BedrockRouteTest.generation("claude_3", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", true));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.body()).isEqualTo("{\"detail\":\"Too many requests. Please try again later.\"}");
        // each attempt of the gateway's retry loop was refused before the stream started
        assertThat(BEDROCK.received()).hasSize(3);
    }

    @Test
    void a_stream_bedrock_refuses_before_it_starts_is_422_with_bedrocks_message() {
        BEDROCK.fails(400, "ValidationException", "max_tokens: range: 1..4096");

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                BedrockRouteTest.generation("mixtral", "bedrock/mistral.mixtral-8x7b-instruct-v0:1", true));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Bedrock refused the request: max_tokens: range: 1..4096\"}");
    }

    @Test
    void a_stream_bedrock_breaks_after_it_started_ends_with_the_text_so_far() throws Exception {
        BEDROCK.streams(CLAUDE_STREAM).holdsAfterChunk(CLAUDE_FIRST_TEXT)
                .streamFailsAfterHeldChunk("modelStreamErrorException");

        HttpResponse<InputStream> response = gateway.postStreaming("/v2/code/generations",
                BedrockRouteTest.generation("claude_3", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Hello");
        assertThat(BEDROCK.received()).hasSize(1);
    }
}
