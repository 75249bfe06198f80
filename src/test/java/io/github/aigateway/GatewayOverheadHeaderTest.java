package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code X-Gateway-Overhead-Ms}: the time a request spent in the gateway, without the model's time, on
 * complete answers, streams and errors. A slow fake model shows the model's time is left out.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15450", "camel.server.host=127.0.0.1",
                "gateway.auth.bypass-external=true"})
class GatewayOverheadHeaderTest {

    private static final int MODEL_DELAY_MS = 400;

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final GatewayClient gateway = new GatewayClient(15450);

    @Test
    void complete_answer_reports_its_overhead_without_the_models_time() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(MODEL_DELAY_MS)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a + b\"},"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}")));

        long started = System.nanoTime();
        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(false));
        double totalMs = (System.nanoTime() - started) / 1e6;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(overheadMs(response)).isBetween(0.0, totalMs - MODEL_DELAY_MS);
    }

    @Test
    void stream_reports_its_overhead_until_the_model_was_called() throws Exception {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(MODEL_DELAY_MS)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a + b\"}}]}\n\ndata: [DONE]\n\n")));

        long started = System.nanoTime();
        HttpResponse<InputStream> response = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/v2/code/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(completion(true)))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        double headersMs = (System.nanoTime() - started) / 1e6;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a + b");
        assertThat(overheadMs(response)).isBetween(0.0, headersMs - MODEL_DELAY_MS);
    }

    @Test
    void error_answer_reports_its_overhead_too() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", "{\"current_file\": 42}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(overheadMs(response)).isGreaterThanOrEqualTo(0.0);
    }

    private static double overheadMs(HttpResponse<?> response) {
        String value = response.headers().firstValue("X-Gateway-Overhead-Ms").orElseThrow();
        assertThat(value).matches("\\d+\\.\\d{3}");
        return Double.parseDouble(value);
    }

    private static String completion(boolean stream) {
        return """
                {"current_file": {"file_name": "calc.py", "language_identifier": "python",
                  "content_above_cursor": "def add(a, b):\\n    return ", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": %s,
                 "model_endpoint": "http://127.0.0.1:%d/v1", "model_name": "codestral",
                 "model_identifier": "custom_openai/Codestral-22B-v0.1", "model_api_key": "sk-test"}
                """.formatted(stream, vllm.getPort());
    }
}
