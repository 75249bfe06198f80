package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streamed code suggestions: tokens reach GitLab as the model sends them, in each endpoint's format. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15102", "camel.server.host=127.0.0.1",
                "gateway.auth.bypass-external=true"})
class StreamingRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayClient gateway = new GatewayClient(15102);
    private ScriptedStreamingModel model;

    @BeforeEach
    void startModel() throws Exception {
        model = new ScriptedStreamingModel();
    }

    @AfterEach
    void stopModel() {
        model.close();
    }

    @Test
    void relays_the_first_token_before_the_model_has_finished() throws Exception {
        HttpResponse<InputStream> response = gateway.postStreaming("/v2/code/completions", completionBody(true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        InputStream body = response.body();
        String first = GatewayClient.readAtLeast(body, "Hello".length());
        assertThat(first).isEqualTo("Hello");
        assertThat(model.finished()).isFalse();
        model.clientSawFirstToken();
        assertThat(first + new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Hello world");
        assertThat(model.finished()).isTrue();
    }

    @Test
    void asks_vllm_for_a_stream_with_usage() throws Exception {
        model.clientSawFirstToken();
        HttpResponse<InputStream> response = gateway.postStreaming("/v2/code/completions", completionBody(true));
        response.body().readAllBytes();

        JsonNode sent = JSON.readTree(model.requestBodies().get(0));
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void frames_v4_suggestions_as_server_sent_events() throws Exception {
        HttpResponse<InputStream> response = gateway.postStreaming("/v4/code/suggestions", """
                {"prompt_components": [{"type": "code_editor_generation",
                   "payload": {"file_name": "hello.rb", "content_above_cursor": "# say hello\\n",
                               "content_below_cursor": "", "language_identifier": "ruby", "stream": true,
                               "prompt_id": "code_suggestions/generations", "prompt_version": "^1.0.0",
                               "prompt_enhancer": {"user_instruction": "write hello"}}}],
                 "stream": true,
                 "model_metadata": {"provider": "openai", "name": "codestral", "endpoint": "%s",
                                    "identifier": "custom_openai/Codestral-22B-v0.1"}}
                """.formatted(model.endpoint()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Streaming-Format")).hasValue("sse");
        String first = GatewayClient.readAtLeast(response.body(), 1);
        model.clientSawFirstToken();
        String events = (first + new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
                .replaceAll("\"timestamp\":\\d+", "\"timestamp\":0");
        assertThat(events).isEqualTo("""
                event: stream_start
                data: {"metadata":{"model":{"engine":"agent","name":"Codestral 22B Code Generations"},\
                "timestamp":0,"enabled_feature_flags":[],"region":"us-central1"}}

                event: content_chunk
                data: {"choices":[{"delta":{"content":"Hello"},"index":0}]}

                event: content_chunk
                data: {"choices":[{"delta":{"content":" world"},"index":0}]}

                event: stream_end
                data: null

                """.replace("\n", "\r\n"));
    }

    @Test
    void ends_a_text_stream_that_the_model_cuts_after_it_started() throws Exception {
        model.failAfterFirstToken();

        HttpResponse<InputStream> response = gateway.postStreaming("/v2/code/completions", completionBody(true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Hello");
    }

    private String completionBody(boolean stream) {
        return """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "print(", "content_below_cursor": ")"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": %s,
                 "model_endpoint": "%s", "model_name": "codestral", "model_identifier": "custom_openai/Codestral-22B-v0.1"}
                """.formatted(stream, model.endpoint());
    }
}
