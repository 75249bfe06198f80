package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.aigateway.monitoring.ReadinessChecks;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Metrics on their own port and readiness, with the real routes and WireMock as vLLM (a new gateway per test). */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15300", "gateway.metrics.port=15301", "camel.server.host=127.0.0.1",
                "gateway.auth.bypass-external=true"})
class MonitoringRouteTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String ANSWER =
            "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"return a + b\"}}],"
            + "\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4}}";
    private static final Map<String, String> CODESTRAL_COMPLETIONS = Map.of("endpoint", "/v2/code/completions",
            "feature", "code_completions", "family", "codestral", "provider", "openai_compatible");

    private final GatewayClient gateway = new GatewayClient(15300);
    private final GatewayClient metricsPort = new GatewayClient(15301);

    @BeanInject
    ReadinessChecks readinessChecks;

    @BeanInject
    CamelContext context;

    @Test
    void request_latency_tokens_and_backend_metrics_move_after_a_completion() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANSWER)));
        Map<String, String> ok = with(CODESTRAL_COMPLETIONS, "status", "200");
        double requestsBefore = metric("aigw_request_duration_seconds_count", ok);
        double inputBefore = metric("aigw_model_tokens_total", with(CODESTRAL_COMPLETIONS, "direction", "input"));
        double outputBefore = metric("aigw_model_tokens_total", with(CODESTRAL_COMPLETIONS, "direction", "output"));
        Map<String, String> backend = Map.of("provider", "openai_compatible", "family", "codestral", "status", "200");
        double backendBefore = metric("aigw_backend_duration_seconds_count", backend);

        assertThat(gateway.post("/v2/code/completions", completion("codestral", false)).statusCode()).isEqualTo(200);

        awaitMetric("aigw_request_duration_seconds_count", ok, () -> requestsBefore + 1);
        assertThat(metric("aigw_model_tokens_total", with(CODESTRAL_COMPLETIONS, "direction", "input")))
                .isEqualTo(inputBefore + 21);
        assertThat(metric("aigw_model_tokens_total", with(CODESTRAL_COMPLETIONS, "direction", "output")))
                .isEqualTo(outputBefore + 4);
        assertThat(metric("aigw_backend_duration_seconds_count", backend)).isEqualTo(backendBefore + 1);
        assertThat(scrape()).contains("aigw_request_duration_seconds_bucket{endpoint=\"/v2/code/completions\","
                + "family=\"codestral\",feature=\"code_completions\",provider=\"openai_compatible\",status=\"200\",le=\"0.5\"}");
    }

    @Test
    void failed_requests_count_with_their_status_and_unknown_families_as_other() {
        Map<String, String> refused = Map.of("endpoint", "/v2/code/completions", "family", "other", "status", "422");
        double before = metric("aigw_request_duration_seconds_count", refused);

        assertThat(gateway.post("/v2/code/completions", completion("no-such-family-4711", false)).statusCode())
                .isEqualTo(422);

        awaitMetric("aigw_request_duration_seconds_count", refused, () -> before + 1);
        assertThat(scrape()).doesNotContain("no-such-family-4711");
    }

    @Test
    void backend_failures_count_with_the_model_servers_status() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500)));
        Map<String, String> backend = Map.of("provider", "openai_compatible", "status", "500");
        Map<String, String> answered = with(CODESTRAL_COMPLETIONS, "status", "503");
        double backendBefore = metric("aigw_backend_duration_seconds_count", backend);
        double answeredBefore = metric("aigw_request_duration_seconds_count", answered);

        assertThat(gateway.post("/v2/code/completions", completion("codestral", false)).statusCode()).isEqualTo(503);

        awaitMetric("aigw_request_duration_seconds_count", answered, () -> answeredBefore + 1);
        assertThat(metric("aigw_backend_duration_seconds_count", backend)).isEqualTo(backendBefore + 1);
    }

    @Test
    void streams_report_time_to_first_token_and_one_backend_call() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return\"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" a + b\"}}]}\n\ndata: [DONE]\n\n")));
        double before = metric("aigw_time_to_first_token_seconds_count", CODESTRAL_COMPLETIONS);
        Map<String, String> backend = Map.of("provider", "openai_compatible", "family", "codestral", "status", "200");
        double backendBefore = metric("aigw_backend_duration_seconds_count", backend);

        HttpResponse<String> response = gateway.post("/v2/code/completions", completion("codestral", true));

        assertThat(response.body()).isEqualTo("return a + b");
        awaitMetric("aigw_time_to_first_token_seconds_count", CODESTRAL_COMPLETIONS, () -> before + 1);
        // the model call, not the relay step after it
        assertThat(metric("aigw_backend_duration_seconds_count", backend)).isEqualTo(backendBefore + 1);
    }

    @Test
    void in_flight_requests_rise_while_a_model_is_slow_and_fall_after() throws Exception {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANSWER).withFixedDelay(1500)));
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v2/code/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(completion("codestral", false))).build();

        CompletableFuture<HttpResponse<String>> slow = gateway.http().sendAsync(request, HttpResponse.BodyHandlers.ofString());

        awaitMetric("aigw_requests_in_flight", Map.of(), () -> 1);
        assertThat(slow.get().statusCode()).isEqualTo(200);
        awaitMetric("aigw_requests_in_flight", Map.of(), () -> 0);
    }

    @Test
    void placeholders_for_circuit_breakers_and_the_audit_queue_are_exposed() {
        String text = scrape();

        assertThat(text).contains("aigw_circuit_breaker_state{backend=\"openai-compatible\"} 0.0");
        assertThat(text).contains("aigw_audit_queue_depth 0.0");
    }

    @Test
    void every_metric_the_grafana_dashboard_queries_is_exported() throws Exception {
        streams_report_time_to_first_token_and_one_backend_call();
        request_latency_tokens_and_backend_metrics_move_after_a_completion();
        String text = scrape();
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/grafana/ai-gateway-dashboard.json").toFile());
        List<String> queried = new ArrayList<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher metric = Pattern.compile("\\b(aigw_\\w+|jvm_\\w+)\\b").matcher(expr.asText());
            while (metric.find()) {
                queried.add(metric.group(1));
            }
        }

        assertThat(queried).hasSizeGreaterThan(10).allSatisfy(name ->
                assertThat(text).as(name).containsPattern("(?m)^" + name + "[{ ]"));
    }

    @Test
    void metrics_listener_serves_only_metrics() {
        HttpResponse<String> response = metricsPort.get("/monitoring/healthz");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(metricsPort.get("/metrics").headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void ready_when_every_route_has_started() {
        HttpResponse<String> response = gateway.get("/monitoring/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"ready\",\"checks\":{\"routes\":\"ok\",\"audit_log\":\"ok\",\"gitlab_keys\":\"ok\"}}");
    }

    @Test
    void not_ready_names_a_stopped_route() throws Exception {
        context.getRouteController().stopRoute("code-completions-v2-alias");

        HttpResponse<String> response = gateway.get("/monitoring/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).contains("\"status\":\"not ready\"")
                .contains("\"routes\":\"route code-completions-v2-alias is Stopped\"");
    }

    @Test
    void not_ready_names_a_registered_check_that_fails_while_liveness_stays_ok() {
        readinessChecks.register("test", () -> "signing keys not loaded");

        HttpResponse<String> ready = gateway.get("/monitoring/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo(
                "{\"status\":\"not ready\",\"checks\":{\"routes\":\"ok\",\"audit_log\":\"ok\",\"gitlab_keys\":\"ok\",\"test\":\"signing keys not loaded\"}}");
        HttpResponse<String> live = gateway.get("/monitoring/healthz");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    private String completion(String family, boolean stream) {
        return """
                {"current_file": {"file_name": "calc.py", "content_above_cursor": "def add(a, b):\\n    ",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": %s,
                 "model_endpoint": "http://127.0.0.1:%d/v1", "model_name": "%s",
                 "model_identifier": "custom_openai/Codestral-22B-v0.1", "model_api_key": "sk-test"}
                """.formatted(stream, vllm.getPort(), family);
    }

    private String scrape() {
        HttpResponse<String> response = metricsPort.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private double metric(String name, Map<String, String> labels) {
        return PrometheusText.value(scrape(), name, labels);
    }

    /** Metrics are recorded when the exchange completes, which may be just after GitLab got its answer. */
    private void awaitMetric(String name, Map<String, String> labels, DoubleSupplier expected) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        double actual = metric(name, labels);
        while (actual != expected.getAsDouble() && Instant.now().isBefore(deadline)) {
            Thread.onSpinWait();
            actual = metric(name, labels);
        }
        assertThat(actual).as(name + labels).isEqualTo(expected.getAsDouble());
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(name, value);
        return all;
    }
}
