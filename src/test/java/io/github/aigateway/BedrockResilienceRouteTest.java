package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.aigateway.resilience.CircuitBreakers;
import io.github.aigateway.resilience.ModelCalls;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bedrock calls, complete and streamed, under the gateway's resilience (README "Resilience"): the one retry
 * loop, the runtime endpoint's circuit breaker and concurrency limit, and the per-feature timeouts, against
 * the SigV4-checking fake Bedrock. Code generations here: first chunk 1.5 s, silence 700 ms, 4 s in all; two
 * calls at a time on the runtime endpoint, and one for Mixtral, which has a limit of its own.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15360", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "gateway.bedrock.region=eu-west-3",
                "gateway.audit.file=target/bedrock-resilience-route-test/audit.log",
                "gateway.timeouts.code-generations=first-byte=1500ms, idle=700ms, total=4s",
                "gateway.retry.max-attempts=3", "gateway.retry.backoff-ms=50", "gateway.retry.max-backoff-ms=1500",
                "gateway.circuit-breaker.failure-threshold=5", "gateway.circuit-breaker.open-ms=1500",
                "gateway.backend.concurrency-limit=2"})
class BedrockResilienceRouteTest {

    private static final FakeBedrock BEDROCK = BedrockTestSetup.fakeBedrock();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AUDIT = Path.of("target/bedrock-resilience-route-test/audit.log");
    private static final String CLAUDE = "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0";
    private static final String ENGINE_LIMITS = "AIGW_MODEL_ENGINE_CONCURRENCY_LIMITS";
    /** Claude's stream up to its first text ("Hello"). */
    private static final String[] CLAUDE_STREAM_TO_HELLO =
            Arrays.copyOf(BedrockStreamingRouteTest.CLAUDE_STREAM, BedrockStreamingRouteTest.CLAUDE_FIRST_TEXT + 1);

    private final GatewayClient gateway = new GatewayClient(15360);

    @BeanInject
    CircuitBreakers circuitBreakers;

    @BeanInject
    ModelCalls modelCalls;

    @BeforeAll
    static void useFakeBedrock() {
        BedrockTestSetup.use();
        // as GitLab's gateway reads it; the modelCalls bean falls back to a system property of that name
        System.setProperty(ENGINE_LIMITS, "{\"bedrock\": {\"mistral.mixtral-8x7b-instruct-v0:1\": 1}}");
    }

    @AfterAll
    static void forgetBedrock() {
        BedrockTestSetup.clear();
        System.clearProperty(ENGINE_LIMITS);
    }

    @BeforeEach
    void resetBedrock() {
        BEDROCK.reset();
    }

    // ---- the one retry loop ----

    @Test
    void retries_a_bedrock_503_once_and_answers_with_the_second_attempt() {
        BEDROCK.answers(BedrockRouteTest.CLAUDE_ANSWER)
                .failsFirst(1, 503, "ServiceUnavailableException", "Service Unavailable");

        HttpResponse<String> response = generate(false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"text\":\"\\n    return a + b\\n\"");
        List<FakeBedrock.Received> calls = BEDROCK.received();
        assertThat(calls).hasSize(2);
        assertThat(calls).allSatisfy(call -> assertThat(call.signatureProblem()).isNull());
        assertThat(calls.get(1).body()).isEqualTo(calls.get(0).body());
    }

    @Test
    void honours_retry_after_of_a_bedrock_throttling_burst() {
        BEDROCK.answers(BedrockRouteTest.CLAUDE_ANSWER)
                .failsFirst(2, 429, "ThrottlingException", "Too many requests, please wait", "Retry-After", "1");
        long started = System.nanoTime();

        HttpResponse<String> response = generate(false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(BEDROCK.received()).hasSize(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void retries_a_throttled_stream_before_it_starts() throws Exception {
        BEDROCK.streams(BedrockStreamingRouteTest.CLAUDE_STREAM).holdsAfterChunk(-1)
                .failsFirst(1, 429, "ThrottlingException", "Too many requests, please wait");

        HttpResponse<String> response = generate(true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello world");
        assertThat(BEDROCK.received()).extracting(FakeBedrock.Received::operation)
                .containsExactly("invoke-with-response-stream", "invoke-with-response-stream");
    }

    @Test
    void never_retries_nor_counts_a_bedrock_validation_error() {
        BEDROCK.fails(400, "ValidationException", "Input is too long for requested model.");

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = generate(false);
            assertThat(response.statusCode()).isEqualTo(422);
            assertThat(response.body())
                    .isEqualTo("{\"detail\":\"Bedrock refused the request: Input is too long for requested model.\"}");
        }

        assertThat(BEDROCK.received()).hasSize(6);
        assertThat(circuitBreakers.stateOf(BEDROCK.endpoint())).isZero();
    }

    @Test
    void never_retries_an_access_denied() {
        BEDROCK.fails(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.");

        HttpResponse<String> response = generate(false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).startsWith("{\"detail\":\"Inference failed: AWS denied access to Bedrock model");
        assertThat(BEDROCK.received()).hasSize(1);
        assertThat(circuitBreakers.stateOf(BEDROCK.endpoint())).isZero();
    }

    // ---- the runtime endpoint's circuit breaker ----

    @Test
    void opens_the_bedrock_breaker_after_a_503_storm_and_closes_it_once_bedrock_recovers() {
        BEDROCK.fails(503, "ServiceUnavailableException", "Service Unavailable");
        String breakerDetail = "{\"detail\":\"Inference failed: the model server " + BEDROCK.endpoint()
                + " is failing; the gateway stopped calling it for 1 s (circuit breaker open)\"}";

        // 3 attempts, then 2 more: the fifth failure in a row opens the breaker, the sixth attempt is refused
        HttpResponse<String> first = generate(false);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.body()).isEqualTo("{\"detail\":\"Inference failed: Bedrock is unavailable, try again later\"}");
        HttpResponse<String> opening = generate(false);
        assertThat(opening.statusCode()).isEqualTo(503);
        assertThat(opening.body()).isEqualTo(breakerDetail);
        assertThat(BEDROCK.received()).hasSize(5);
        assertThat(circuitBreakers.stateOf(BEDROCK.endpoint())).isEqualTo(2);

        long started = System.nanoTime();
        HttpResponse<String> whileOpen = generate(true);
        assertThat(whileOpen.statusCode()).isEqualTo(503);
        assertThat(whileOpen.body()).isEqualTo(breakerDetail);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
        assertThat(BEDROCK.received()).hasSize(5);

        BEDROCK.answers(BedrockRouteTest.CLAUDE_ANSWER);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> generate(false).statusCode() == 200);
        assertThat(BEDROCK.received()).hasSize(6);
        assertThat(circuitBreakers.stateOf(BEDROCK.endpoint())).isZero();
    }

    // ---- timeouts ----

    @Test
    void answers_504_when_a_bedrock_stream_is_accepted_and_then_silent() {
        BEDROCK.streamsThenStalls();
        long started = System.nanoTime();

        HttpResponse<String> response = generate(true);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference timed out\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1400), Duration.ofMillis(3500));
        assertThat(BEDROCK.received()).hasSize(1);
    }

    @Test
    void ends_a_bedrock_stream_that_goes_silent_longer_than_the_idle_timeout() {
        BEDROCK.streamsThenStalls(CLAUDE_STREAM_TO_HELLO);
        String id = requestId();
        long started = System.nanoTime();

        HttpResponse<String> response = generate(true, "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(650), Duration.ofMillis(3000));
        assertThat(auditRecord(id).path("stream_outcome").asText()).isEqualTo("idle_timeout");
    }

    @Test
    void cancels_the_bedrock_stream_when_gitlab_disconnects_mid_stream() throws Exception {
        // pings every 100 ms keep the idle timeout away: only the disconnect can close Bedrock's connection
        BEDROCK.streamsThenPings(CLAUDE_STREAM_TO_HELLO);
        String id = requestId();

        try (Socket gitlab = new Socket(InetAddress.getLoopbackAddress(), 15360)) {
            ResilienceRouteTest.sendRaw(gitlab, "/v2/code/generations", generationBody(true), id);
            ResilienceRouteTest.readUntil(gitlab.getInputStream(), "Hello");
        }

        assertThat(BEDROCK.awaitClosedByClient(3000)).isTrue();
        assertThat(auditRecord(id).path("stream_outcome").asText()).isEqualTo("client_disconnected");
        await().atMost(Duration.ofSeconds(3)).until(() -> modelCalls.inFlight(BEDROCK.endpoint()) == 0);
    }

    @Test
    void answers_504_within_the_total_budget_when_a_complete_answer_is_slower() {
        BEDROCK.answers(BedrockRouteTest.CLAUDE_ANSWER).answersAfter(8000);
        long started = System.nanoTime();

        HttpResponse<String> response = generate(false);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference timed out\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(3800), Duration.ofMillis(5000));
        assertThat(BEDROCK.received()).hasSize(1);
    }

    // ---- limits ----

    @Test
    void refuses_bedrock_calls_over_the_runtime_endpoints_concurrency_limit_with_429() throws Exception {
        // pings keep both streams going until their total timeout
        BEDROCK.streamsThenPings(CLAUDE_STREAM_TO_HELLO);
        List<CompletableFuture<HttpResponse<String>>> held = List.of(generateAsync(), generateAsync());
        await().atMost(Duration.ofSeconds(5)).until(() -> modelCalls.inFlight(BEDROCK.endpoint()) == 2);
        long started = System.nanoTime();

        HttpResponse<String> refused = generate(false);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).isEqualTo("{\"detail\":\"Too many requests. Please try again later.\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
        assertThat(BEDROCK.received()).hasSize(2);
        for (CompletableFuture<HttpResponse<String>> call : held) {
            assertThat(call.get().body()).isEqualTo("Hello");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> modelCalls.inFlight(BEDROCK.endpoint()) == 0);
    }

    @Test
    void a_model_with_its_own_engine_concurrency_limit_counts_on_its_own() throws Exception {
        String mixtral = "mistral.mixtral-8x7b-instruct-v0:1";
        BEDROCK.answers(BedrockRouteTest.CLAUDE_ANSWER).streamsThenPings(BedrockStreamingRouteTest.MIXTRAL_STREAM[0]);
        CompletableFuture<HttpResponse<String>> held = postAsync(BedrockRouteTest.generation("mixtral", "bedrock/" + mixtral, true));
        await().atMost(Duration.ofSeconds(5)).until(() -> modelCalls.inFlight(BEDROCK.endpoint(), mixtral) == 1);
        // Mixtral's call does not count against the runtime endpoint's limit
        assertThat(modelCalls.inFlight(BEDROCK.endpoint())).isZero();

        HttpResponse<String> refused = gateway.post("/v2/code/generations",
                BedrockRouteTest.generation("mixtral", "bedrock/" + mixtral, false));
        HttpResponse<String> claude = generate(false);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(claude.statusCode()).isEqualTo(200);
        assertThat(BEDROCK.received()).extracting(FakeBedrock.Received::modelId).containsExactly(mixtral,
                "anthropic.claude-3-5-sonnet-20240620-v1:0");
        assertThat(held.get().body()).isEqualTo("Hello");
        await().atMost(Duration.ofSeconds(3)).until(() -> modelCalls.inFlight(BEDROCK.endpoint(), mixtral) == 0);
    }

    // ---- helpers ----

    private HttpResponse<String> generate(boolean stream, String... headers) {
        return gateway.post("/v2/code/generations", generationBody(stream), headers);
    }

    private static String generationBody(boolean stream) {
        return BedrockRouteTest.generation("claude_3", CLAUDE, stream);
    }

    private CompletableFuture<HttpResponse<String>> generateAsync() {
        return postAsync(generationBody(true));
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String generation) {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v2/code/generations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(generation))
                .build();
        return gateway.http().sendAsync(request, HttpResponse.BodyHandlers.ofString());
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
