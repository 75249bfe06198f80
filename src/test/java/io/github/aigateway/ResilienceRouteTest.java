package io.github.aigateway;

import static io.github.aigateway.FaultyModel.completion;
import static io.github.aigateway.FaultyModel.completionThenSilentClose;
import static io.github.aigateway.FaultyModel.reset;
import static io.github.aigateway.FaultyModel.silence;
import static io.github.aigateway.FaultyModel.status;
import static io.github.aigateway.FaultyModel.stream;
import static io.github.aigateway.FaultyModel.streamThenSilentClose;
import static io.github.aigateway.FaultyModel.truncated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.aigateway.metrics.GatewayMetrics;
import io.github.aigateway.resilience.CircuitBreakers;
import io.github.aigateway.resilience.ModelCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault injection against a model server that misbehaves at the socket level: every fault gives GitLab
 * the right status (before a stream started) or the stream's own ending (after), within the configured
 * timeouts; retries, circuit breakers, limits and cancellation behave as README "Resilience" says.
 * Timeouts are short here: completions and chat first byte 1.5 s, idle 0.7 s, total 4 s (completions also
 * connect 300 ms); generations are long (10 s / 10 s / 30 s), so what cuts them is something else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15350", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "gateway.audit.file=target/resilience-route-test/audit.log",
                "gateway.timeouts.code-completions=connect=300ms, first-byte=1500ms, idle=700ms, total=4s",
                "gateway.timeouts.chat=first-byte=1500ms, idle=700ms, total=4s",
                "gateway.timeouts.code-generations=first-byte=10s, idle=10s, total=30s",
                "gateway.retry.max-attempts=3", "gateway.retry.backoff-ms=50", "gateway.retry.max-backoff-ms=1500",
                "gateway.circuit-breaker.failure-threshold=5", "gateway.circuit-breaker.open-ms=1500",
                "gateway.backend.concurrency-limit=2", "gateway.backend.max-connections-per-host=1",
                "camel.component.http.connectionRequestTimeout=20000",
                "camel.server.maxBodySize=20000", "gateway.backend.max-response-bytes=2000"})
class ResilienceRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AUDIT = Path.of("target/resilience-route-test/audit.log");

    private final GatewayClient gateway = new GatewayClient(15350);
    private final List<FaultyModel> models = new ArrayList<>();

    @BeanInject
    ModelCalls modelCalls;

    @BeanInject
    CircuitBreakers circuitBreakers;

    @BeanInject
    GatewayMetrics gatewayMetrics;

    @AfterEach
    void stopModels() throws Exception {
        for (FaultyModel model : models) {
            model.close();
        }
        models.clear();
    }

    // ---- connections and retries ----

    @Test
    void answers_503_when_the_model_server_refuses_connections() throws Exception {
        long started = System.nanoTime();

        HttpResponse<String> response = complete(FaultyModel.refusedEndpoint(), false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference failed\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void retries_a_503_and_answers_with_the_next_attempt() throws Exception {
        FaultyModel model = model(n -> n == 1 ? status(503, "{\"error\":{\"message\":\"restarting\"}}") : completion("ok"));

        HttpResponse<String> response = complete(model.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"text\":\"ok\"");
        assertThat(model.requests()).isEqualTo(2);
        assertThat(model.bodies().get(1)).isEqualTo(model.bodies().get(0));
    }

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void a_model_that_closes_kept_alive_connections_unannounced_answers_every_request(boolean stream) throws Exception {
        FaultyModel model = model(n -> stream ? streamThenSilentClose("ok") : completionThenSilentClose("ok"));

        for (int i = 1; i <= 6; i++) {
            HttpResponse<String> response = complete(model.endpoint(), stream);

            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(response.body()).as("request %d", i).contains("ok");
            Thread.sleep(300);
        }
        assertThat(model.requests()).isEqualTo(6);
    }

    @Test
    void honours_retry_after_of_a_429_burst_within_the_time_budget() throws Exception {
        FaultyModel model = model(n -> n <= 2 ? status(429, "{}", "Retry-After", "1") : completion("after the burst"));
        long started = System.nanoTime();

        HttpResponse<String> response = complete(model.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("after the burst");
        assertThat(model.requests()).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void answers_429_at_once_when_retry_after_is_longer_than_the_longest_backoff() throws Exception {
        FaultyModel model = model(n -> status(429, "{}", "Retry-After", "2"));
        long started = System.nanoTime();

        HttpResponse<String> response = complete(model.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(response.body()).isEqualTo("{\"detail\":\"Too many requests. Please try again later.\"}");
        assertThat(model.requests()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void retries_a_connection_that_is_not_up_within_the_features_connect_timeout_then_answers_504(boolean stream)
            throws Exception {
        try (BlackholedPort blackhole = new BlackholedPort()) {
            long started = System.nanoTime();

            HttpResponse<String> response = complete(blackhole.endpoint(), stream);

            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(response.body()).isEqualTo("{\"detail\":\"Inference timed out\"}");
            // three attempts of 300 ms and two short waits; the global connect timeout (5 s) would take 15 s
            assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(3000));
        }
    }

    // ---- timeouts ----

    @Test
    void answers_504_when_the_model_accepts_and_then_says_nothing() throws Exception {
        FaultyModel model = model(n -> silence());
        long started = System.nanoTime();

        HttpResponse<String> response = complete(model.endpoint(), false);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference timed out\"}");
        // the total cap of completions (4 s) cut it, not camel-http's 50-s read timeout
        assertThat(took).isBetween(Duration.ofMillis(3500), Duration.ofSeconds(8));
        assertThat(model.awaitClosedByGateway(2000)).isTrue();
        assertThat(model.requests()).isEqualTo(1);
    }

    @Test
    void answers_504_when_a_stream_sends_no_token_within_the_first_byte_timeout() throws Exception {
        FaultyModel model = model(n -> stream(List.of(), 0, false, silence()));
        long started = System.nanoTime();

        HttpResponse<String> response = complete(model.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference timed out\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1400), Duration.ofMillis(3500));
        assertThat(model.awaitClosedByGateway(2000)).isTrue();
    }

    @Test
    void ends_a_text_stream_that_stays_silent_longer_than_the_idle_timeout() throws Exception {
        FaultyModel model = model(n -> stream(List.of("Hel", "lo"), 0, false, silence()));
        String id = requestId();

        HttpResponse<String> response = complete(model.endpoint(), true, "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello");
        assertThat(model.awaitClosedByGateway(2000)).isTrue();
        assertThat(auditRecord(id).path("stream_outcome").asText()).isEqualTo("idle_timeout");
    }

    @Test
    void keeps_a_slow_stream_whose_gaps_stay_under_the_idle_timeout() throws Exception {
        FaultyModel model = model(n -> stream(List.of("a", "b", "c", "d", "e", "f"), 300, true, null));

        HttpResponse<String> response = complete(model.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("abcdef");
        assertThat(model.closedByGateway()).isZero();
    }

    @Test
    void cuts_a_slow_stream_whose_gap_exceeds_the_idle_timeout() throws Exception {
        FaultyModel model = model(n -> stream(List.of("a", "b", "c"), 1500, true, null));

        HttpResponse<String> response = complete(model.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("a");
        assertThat(model.awaitClosedByGateway(3000)).isTrue();
    }

    @Test
    void caps_a_stream_that_never_pauses_at_the_total_timeout() throws Exception {
        List<String> endless = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            endless.add("x");
        }
        FaultyModel model = model(n -> stream(endless, 50, true, null));
        long started = System.nanoTime();

        HttpResponse<String> response = complete(model.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSizeBetween(40, 90).matches("x+");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(3500), Duration.ofSeconds(7));
        assertThat(model.awaitClosedByGateway(2000)).isTrue();
    }

    @Test
    void chat_ends_with_an_error_event_when_the_model_goes_silent_mid_stream() throws Exception {
        FaultyModel model = model(n -> stream(List.of("Final Answer: Par"), 0, false, silence()));

        HttpResponse<String> response = gateway.post("/v2/chat/agent", chatBody(model.endpoint()));

        assertThat(response.statusCode()).isEqualTo(200);
        String[] events = response.body().split("\n");
        assertThat(events).hasSize(2);
        assertThat(events[0]).isEqualTo("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"Par\"}}");
        JsonNode error = JSON.readTree(events[1]);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("data").path("message").asText()).contains("idle_timeout");
    }

    @Test
    void chat_answers_a_model_silent_from_the_start_with_an_error_event_in_a_200_stream() throws Exception {
        FaultyModel model = model(n -> stream(List.of(), 0, false, silence()));
        String id = requestId();

        HttpResponse<String> response = gateway.post("/v2/chat/agent", chatBody(model.endpoint()), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson; charset=utf-8");
        assertThat(response.body())
                .isEqualTo("{\"type\": \"error\", \"data\": {\"message\": \"Inference timed out\", \"retryable\": false}}\n");
        assertThat(auditRecord(id).path("stream_outcome").asText()).isEqualTo("first_byte_timeout");
    }

    // ---- broken answers ----

    @Test
    void ends_a_text_stream_that_the_model_resets_mid_stream() throws Exception {
        FaultyModel model = model(n -> stream(List.of("Hel", "lo"), 0, false, reset()));
        String id = requestId();

        HttpResponse<String> response = complete(model.endpoint(), true, "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello");
        assertThat(auditRecord(id).path("stream_outcome").asText()).startsWith("failed: ");
    }

    @Test
    void answers_503_when_the_model_resets_before_answering() throws Exception {
        FaultyModel model = model(n -> reset());

        HttpResponse<String> response = complete(model.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference failed\"}");
    }

    @Test
    void answers_503_for_an_answer_that_is_not_json() throws Exception {
        FaultyModel model = model(n -> status(200, "<html>502 Bad Gateway</html>"));

        HttpResponse<String> response = complete(model.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo(
                "{\"detail\":\"Inference failed: the model server sent an answer that is not a chat completion\"}");
    }

    @Test
    void answers_503_for_a_truncated_answer() throws Exception {
        FaultyModel model = model(n -> truncated());

        HttpResponse<String> response = complete(model.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference failed: the model server cut its answer off\"}");
    }

    @Test
    void answers_503_for_a_stream_of_garbage_before_any_token() throws Exception {
        FaultyModel model = model(n -> (socket, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: {\"choi"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
        });

        HttpResponse<String> response = complete(model.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference failed: the model server sent an invalid stream event\"}");
    }

    @Test
    void ends_a_stream_that_closes_without_done() throws Exception {
        FaultyModel model = model(n -> stream(List.of("Hel", "lo"), 0, false, null));

        HttpResponse<String> response = complete(model.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello");
    }

    @Test
    void refuses_an_answer_over_the_response_size_cap() throws Exception {
        FaultyModel model = model(n -> completion("y".repeat(3000)));

        HttpResponse<String> response = complete(model.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference failed: the model's answer exceeds 2000 bytes"
                + " (AIGW_MODEL_MAX_RESPONSE_BYTES)\"}");
    }

    @Test
    void cuts_a_stream_at_the_response_size_cap() throws Exception {
        FaultyModel model = model(n -> stream(List.of("z".repeat(500), "z".repeat(500), "z".repeat(500), "z".repeat(500),
                "z".repeat(500), "z".repeat(500)), 0, true, null));

        HttpResponse<String> response = complete(model.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("z".repeat(2000));
    }

    // ---- circuit breakers ----

    @Test
    void opens_the_circuit_after_a_503_storm_and_closes_it_once_the_server_recovers() throws Exception {
        FaultyModel model = model(n -> status(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        String endpoint = model.endpoint();

        // 3 attempts, then 2 more: the fifth failure in a row opens the breaker, the sixth attempt is refused
        assertThat(complete(endpoint, false).statusCode()).isEqualTo(503);
        HttpResponse<String> opening = complete(endpoint, false);
        assertThat(model.requests()).isEqualTo(5);
        String breakerDetail = "{\"detail\":\"Inference failed: the model server " + endpoint
                + " is failing; the gateway stopped calling it for 1 s (circuit breaker open)\"}";
        assertThat(opening.body()).isEqualTo(breakerDetail);
        assertThat(circuitBreakers.stateOf(endpoint)).isEqualTo(2);
        assertThat(gatewayMetrics.scrape()).contains("aigw_circuit_breaker_state{backend=\"openai-compatible\"} 2.0");

        long started = System.nanoTime();
        HttpResponse<String> whileOpen = complete(endpoint, false);
        assertThat(whileOpen.statusCode()).isEqualTo(503);
        assertThat(whileOpen.body()).isEqualTo(breakerDetail);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
        assertThat(model.requests()).isEqualTo(5);

        model.behave(n -> completion("recovered"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> complete(endpoint, false).statusCode() == 200);
        assertThat(circuitBreakers.stateOf(endpoint)).isZero();
        assertThat(model.requests()).isEqualTo(6);
        assertThat(complete(endpoint, false).statusCode()).isEqualTo(200);
    }

    @Test
    void counts_streams_the_model_breaks_off_after_they_started_against_its_breaker() throws Exception {
        FaultyModel model = model(n -> stream(List.of("Hel", "lo"), 0, false, reset()));
        String endpoint = model.endpoint();

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = complete(endpoint, true);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("Hello");
        }

        // the relay counts the failure once GitLab has the end of the stream
        await().atMost(Duration.ofSeconds(2)).until(() -> circuitBreakers.stateOf(endpoint) == 2);
        HttpResponse<String> refused = complete(endpoint, true);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).isEqualTo("{\"detail\":\"Inference failed: the model server " + endpoint
                + " is failing; the gateway stopped calling it for 1 s (circuit breaker open)\"}");
        assertThat(model.requests()).isEqualTo(5);
    }

    @Test
    void does_not_count_model_4xx_answers_as_failures() throws Exception {
        FaultyModel model = model(n -> status(400,
                "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens\"}}"));

        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = complete(model.endpoint(), false);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("refused the request (HTTP 400): This model's maximum context length");
        }

        assertThat(model.requests()).isEqualTo(8);
        assertThat(circuitBreakers.stateOf(model.endpoint())).isZero();
    }

    // ---- limits and disconnects ----

    @Test
    void refuses_calls_over_the_endpoint_concurrency_limit_with_429() throws Exception {
        FaultyModel model = model(n -> silence());
        List<CompletableFuture<HttpResponse<String>>> held = List.of(generateAsync(model.endpoint()), generateAsync(model.endpoint()));
        await().atMost(Duration.ofSeconds(5)).until(() -> modelCalls.inFlight(model.endpoint()) == 2);
        long started = System.nanoTime();

        HttpResponse<String> refused = complete(model.endpoint(), false);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).isEqualTo("{\"detail\":\"Too many requests. Please try again later.\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
        model.close();
        for (CompletableFuture<HttpResponse<String>> call : held) {
            assertThat(call.get().statusCode()).isEqualTo(503);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> modelCalls.inFlight(model.endpoint()) == 0);
    }

    @Test
    void cancels_the_model_call_when_gitlab_disconnects_mid_stream() throws Exception {
        FaultyModel model = model(n -> stream(List.of("Hello"), 0, false, silence()));
        String id = requestId();

        try (Socket gitlab = new Socket(InetAddress.getLoopbackAddress(), 15350)) {
            sendRaw(gitlab, "/v2/code/generations", generationBody(model.endpoint(), true), id);
            readUntil(gitlab.getInputStream(), "Hello");
        }

        // the generation's idle timeout is 10 s: only the disconnect can close the model's connection this soon
        assertThat(model.awaitClosedByGateway(3000)).isTrue();
        assertThat(auditRecord(id).path("stream_outcome").asText()).isEqualTo("client_disconnected");
    }

    @Test
    void drops_a_request_whose_client_left_while_it_waited_for_a_model_connection() throws Exception {
        FaultyModel model = model(n -> silence());
        // one connection per model server in this test class: the first call holds it
        CompletableFuture<HttpResponse<String>> first = generateAsync(model.endpoint());
        await().atMost(Duration.ofSeconds(5)).until(() -> model.requests() == 1);

        try (Socket gitlab = new Socket(InetAddress.getLoopbackAddress(), 15350)) {
            sendRaw(gitlab, "/v2/code/generations", generationBody(model.endpoint(), true), requestId());
            await().atMost(Duration.ofSeconds(5)).until(() -> modelCalls.inFlight(model.endpoint()) == 2);
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> modelCalls.inFlight(model.endpoint()) == 1);

        first.cancel(true);
        model.close();
        assertThat(model.requests()).isEqualTo(1);
    }

    @Test
    void answers_413_in_gitlabs_shape_for_a_body_over_the_limit() {
        String big = "{\"current_file\": {\"file_name\": \"a.py\", \"content_above_cursor\": \"" + "a".repeat(30000) + "\"}}";

        HttpResponse<String> response = gateway.post("/v2/code/completions", big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"detail\":\"Request body is larger than 20000 bytes\"}");
    }

    // ---- helpers ----

    /**
     * A loopback port whose connections never come up: a listening socket that never accepts, with its
     * accept queue filled, so Linux drops further SYNs and a connect waits until its own timeout.
     */
    private static final class BlackholedPort implements AutoCloseable {

        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final List<Socket> queued = new ArrayList<>();

        BlackholedPort() throws IOException {
            for (int i = 0; i < 10; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(listener.getLocalSocketAddress(), 200);
                    queued.add(socket);
                } catch (SocketTimeoutException e) {
                    socket.close();
                    return;
                }
            }
            throw new IllegalStateException("the accept queue never filled; cannot blackhole a port here");
        }

        String endpoint() {
            return "http://127.0.0.1:" + listener.getLocalPort() + "/v1";
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : queued) {
                socket.close();
            }
            listener.close();
        }
    }

    private FaultyModel model(java.util.function.IntFunction<FaultyModel.Behaviour> script) throws Exception {
        FaultyModel model = new FaultyModel(script);
        models.add(model);
        return model;
    }

    private HttpResponse<String> complete(String endpoint, boolean stream, String... headers) {
        return gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "print(", "content_below_cursor": ")"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": %s,
                 "model_endpoint": "%s", "model_name": "codestral", "model_identifier": "custom_openai/Codestral-22B-v0.1"}
                """.formatted(stream, endpoint), headers);
    }

    private static String generationBody(String endpoint, boolean stream) {
        return """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "# hello\\n", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "stream": %s,
                 "prompt": "", "model_endpoint": "%s", "model_name": "codestral",
                 "model_identifier": "custom_openai/Codestral-22B-v0.1"}
                """.formatted(stream, endpoint);
    }

    private CompletableFuture<HttpResponse<String>> generateAsync(String endpoint) {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v2/code/generations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(generationBody(endpoint, true)))
                .build();
        return gateway.http().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String chatBody(String endpoint) {
        return """
                {"messages": [{"role": "user", "content": "Summarize issue #12", "context": null,
                               "current_file": null, "additional_context": []}],
                 "model_metadata": {"api_key": "k", "endpoint": "%s", "name": "mistral",
                                    "provider": "openai", "identifier": "custom_openai/Mistral-7B-Instruct-v0.3"},
                 "unavailable_resources": []}
                """.formatted(endpoint);
    }

    static void sendRaw(Socket socket, String path, String body, String requestId) throws Exception {
        socket.setSoTimeout(30_000); // an answer that never comes fails the test instead of hanging the build
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Request-ID: "
                + requestId + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
        out.flush();
    }

    static void readUntil(InputStream in, String expected) throws Exception {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (!seen.toString().contains(expected)) {
            int read = in.read(buffer);
            if (read < 0) {
                throw new AssertionError("the stream ended before '" + expected + "': " + seen);
            }
            seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
        }
    }

    private static String requestId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** The audit record of a request, once the asynchronous audit log has written it. */
    private static JsonNode auditRecord(String correlationId) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!Files.exists(AUDIT)) {
                return null;
            }
            for (String line : Files.readAllLines(AUDIT)) {
                JsonNode record = JSON.readTree(line);
                if (record.path("correlation_id").asText().equals(correlationId)) {
                    return record;
                }
            }
            return null;
        }, record -> record != null);
    }
}
