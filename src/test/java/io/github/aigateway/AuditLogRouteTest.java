package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every GitLab request leaves exactly one audit record, with its correlation ID and no secret. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15104", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true", "gateway.audit.file=target/audit-route-test/audit.log"})
class AuditLogRouteTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AUDIT = Path.of("target/audit-route-test/audit.log");
    private static final String KEY = "sk-live-0123456789abcdef";
    private static final String GITLAB_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJpbnN0YW5jZSJ9.c2lnbmF0dXJl";

    private final GatewayClient gateway = new GatewayClient(15104);
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void answerLikeVllm() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"42\"}}],"
                        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":1}}")));
    }

    private String completion() {
        return """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "answer = ", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "model_name": "codestral",
                 "model_identifier": "custom_openai/Codestral-22B-v0.1", "model_api_key": "%s",
                 "model_endpoint": "http://127.0.0.1:%d/v1"}
                """.formatted(KEY, vllm.getPort());
    }

    @Test
    void writes_one_record_per_request_under_a_concurrent_burst() throws Exception {
        int requests = 2_000;
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            String id = run + "-burst-" + i;
            sent.add(id);
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v2/code/completions"))
                    .header("Content-Type", "application/json").header("X-Request-ID", id)
                    .POST(HttpRequest.BodyPublishers.ofString(completion())).build();
            responses.add(gateway.http().sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release()));
        }
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertThat(response.get().statusCode()).isEqualTo(200);
        }

        List<JsonNode> records = awaitRecords(r -> r.path("correlation_id").asText().startsWith(run + "-burst-"), requests);

        assertThat(records).hasSize(requests);
        assertThat(records).extracting(r -> r.path("correlation_id").asText()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.path("status_code").asInt()).isEqualTo(200);
            assertThat(r.path("backend_status").asInt()).isEqualTo(200);
            assertThat(r.path("input_tokens").asInt()).isEqualTo(12);
        });
    }

    @Test
    void records_the_fields_administrators_follow_a_request_by() throws Exception {
        String id = run + "-fields";
        gateway.post("/v2/code/completions", completion(), "X-Request-ID", id, "X-Gitlab-Instance-Id", "inst-9",
                "X-Gitlab-Global-User-Id", "user-9", "X-Gitlab-Realm", "self-managed",
                "X-Gitlab-Host-Name", "gitlab.example.com", "X-Gitlab-Version", "18.3.1");

        JsonNode record = awaitRecord(id);

        assertThat(record.path("method").asText()).isEqualTo("POST");
        assertThat(record.path("path").asText()).isEqualTo("/v2/code/completions");
        assertThat(record.path("status_code").asInt()).isEqualTo(200);
        assertThat(record.path("duration_s").asDouble()).isPositive();
        assertThat(record.path("backend_duration_s").asDouble()).isPositive();
        assertThat(record.path("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(record.path("gitlab_instance_id").asText()).isEqualTo("inst-9");
        assertThat(record.path("gitlab_global_user_id").asText()).isEqualTo("user-9");
        assertThat(record.path("gitlab_realm").asText()).isEqualTo("self-managed");
        assertThat(record.path("gitlab_host_name").asText()).isEqualTo("gitlab.example.com");
        assertThat(record.path("gitlab_version").asText()).isEqualTo("18.3.1");
        assertThat(record.path("feature").asText()).isEqualTo("code_completions");
        assertThat(record.path("model_family").asText()).isEqualTo("codestral");
        assertThat(record.path("model_identifier").asText()).isEqualTo("custom_openai/Codestral-22B-v0.1");
        assertThat(record.path("provider").asText()).isEqualTo("openai_compatible");
        assertThat(record.path("output_tokens").asInt()).isEqualTo(1);
        assertThat(record.has("prompt")).isFalse();
        assertThat(record.has("response")).isFalse();
        vllm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("X-Request-ID", equalTo(id)));
    }

    @Test
    void logs_prompt_and_response_only_when_gitlab_asks_for_verbose_logs() throws Exception {
        String id = run + "-verbose";
        gateway.post("/v2/code/completions", completion(), "X-Request-ID", id,
                "x-gitlab-enabled-instance-verbose-ai-logs", "true");

        JsonNode record = awaitRecord(id);

        assertThat(record.path("prompt").path(1).path("content").asText()).isEqualTo("<s>[SUFFIX][PREFIX]answer = ");
        assertThat(record.path("response").asText()).isEqualTo("42");
    }

    @Test
    void masks_every_secret_on_a_failing_request() throws Exception {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"message\":\"api_key " + KEY + " is not valid for Bearer " + GITLAB_JWT + "\"}}")));
        String id = run + "-masked";

        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(), "X-Request-ID", id,
                "Authorization", "Bearer " + GITLAB_JWT, "x-gitlab-enabled-instance-verbose-ai-logs", "true");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).doesNotContain(KEY).doesNotContain(GITLAB_JWT);
        JsonNode record = awaitRecord(id);
        assertThat(record.path("error_class").asText()).isEqualTo("HttpOperationFailedException");
        assertThat(record.path("backend_status").asInt()).isEqualTo(400);
        assertThat(Files.readString(AUDIT)).doesNotContain(KEY).doesNotContain(GITLAB_JWT);
    }

    @Test
    void puts_the_correlation_id_on_application_log_lines() throws Exception {
        String id = run + "-mdc";
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500)));
        try (CapturedLog log = CapturedLog.capture()) {
            gateway.post("/v2/code/completions", completion(), "X-Request-ID", id);

            assertThat(log.lines()).anySatisfy(line -> {
                assertThat(line.message()).startsWith("Model server answered HTTP 500");
                assertThat(line.correlationId()).isEqualTo(id);
            });
        }
    }

    @Test
    void records_bad_input_with_its_error() throws Exception {
        String id = run + "-bad";
        gateway.post("/v2/code/completions", "{\"current_file\": 7}", "X-Request-ID", id);

        JsonNode record = awaitRecord(id);

        assertThat(record.path("status_code").asInt()).isEqualTo(422);
        assertThat(record.path("error_class").asText()).isEqualTo("RequestValidationException");
        assertThat(record.has("backend_status")).isFalse();
    }

    @Test
    void replaces_a_correlation_id_that_could_forge_log_lines() throws Exception {
        // quotes, spaces and length are legal in an HTTP header; control characters Vert.x refuses itself
        String forged = run + "-forged\",\"status_code\":500} " + "x".repeat(200);
        String status;
        String echoed;
        try (Socket socket = new Socket("127.0.0.1", 15104)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /monitoring/healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: " + forged
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            status = in.readLine();
            echoed = in.lines().filter(l -> l.toLowerCase().startsWith("x-request-id:")).findFirst().orElse("");
        }
        String id = echoed.substring("x-request-id:".length()).strip();

        assertThat(status).contains("200");
        assertThat(id).matches("[0-9a-f]{32}");
        JsonNode record = awaitRecord(id);
        assertThat(record.path("path").asText()).isEqualTo("/monitoring/healthz");
        assertThat(Files.readString(AUDIT)).doesNotContain(run + "-forged");
    }

    @Test
    void reports_ready_while_the_audit_log_is_writable() {
        HttpResponse<String> ready = gateway.get("/monitoring/ready");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"checks\":{\"routes\":\"ok\",\"audit_log\":\"ok\",\"gitlab_keys\":\"ok\"}}");
    }

    private JsonNode awaitRecord(String correlationId) throws Exception {
        return awaitRecords(r -> r.path("correlation_id").asText().equals(correlationId), 1).get(0);
    }

    /** Polls the audit file until {@code count} matching records are there (records are written asynchronously). */
    private static List<JsonNode> awaitRecords(java.util.function.Predicate<JsonNode> match, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<JsonNode> found = List.of();
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(AUDIT)) {
                List<JsonNode> records = new ArrayList<>();
                for (String line : Files.readAllLines(AUDIT)) {
                    JsonNode record = JSON.readTree(line);
                    if (match.test(record)) {
                        records.add(record);
                    }
                }
                found = records;
                if (found.size() >= count) {
                    Thread.sleep(300); // a duplicate would arrive right after; give it the chance to show
                    return awaitOnce(match);
                }
            }
            Thread.sleep(50);
        }
        return found;
    }

    private static List<JsonNode> awaitOnce(java.util.function.Predicate<JsonNode> match) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(AUDIT)) {
            JsonNode record = JSON.readTree(line);
            if (match.test(record)) {
                records.add(record);
            }
        }
        return records;
    }
}
