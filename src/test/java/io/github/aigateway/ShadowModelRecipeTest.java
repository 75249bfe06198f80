package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * recipes/shadow-model.camel.yaml, loaded with every recipe: code suggestions also go to a candidate model, and
 * GitLab's answer and audit record are those of the model GitLab named, whatever the candidate does.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=16004", "camel.server.host=127.0.0.1",
                "gateway.auth.bypass-external=true", "gateway.audit.file=target/shadow-model-recipe-test/audit.log",
                "camel.main.routesIncludePattern=file:routes/*.camel.yaml,file:recipes/*.camel.yaml",
                "AIGW_SHADOW_MODEL_ENDPOINT=http://127.0.0.1:16006/v1",
                "AIGW_SHADOW_MODEL_IDENTIFIER=custom_openai/candidate",
                "AIGW_SHADOW_MODEL_API_KEY=sk-candidate"})
class ShadowModelRecipeTest {

    @RegisterExtension
    static WireMockExtension primary = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** The candidate, at AIGW_SHADOW_MODEL_ENDPOINT. */
    @RegisterExtension
    static WireMockExtension candidate = WireMockExtension.newInstance().options(wireMockConfig().port(16006)).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AUDIT = Path.of("target/shadow-model-recipe-test/audit.log");

    private final GatewayClient gateway = new GatewayClient(16004);
    private final String id = "shadow-" + UUID.randomUUID();

    @BeforeEach
    void answerLikeVllm() {
        primary.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(answer("return a + b"))));
        primary.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return a + b\"}}]}\n\n"
                                + "data: [DONE]\n\n")));
        candidate.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(answer("return b + a"))));
    }

    private static String answer(String text) {
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"}}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4}}";
    }

    private String completion() {
        return """
                {"current_file": {"file_name": "calc.py", "content_above_cursor": "def add(a, b):\\n    ",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "model_name": "codestral", "model_api_key": "sk-gitlab",
                 "model_identifier": "custom_openai/Codestral-22B-v0.1", "model_endpoint": "http://127.0.0.1:%d/v1"}
                """.formatted(primary.getPort());
    }

    private String body(String shape) {
        String endpoint = "http://127.0.0.1:" + primary.getPort() + "/v1";
        return switch (shape) {
            case "v2-completion" -> completion();
            case "v2-generation" -> """
                    {"current_file": {"file_name": "calc.py", "content_above_cursor": "# add two numbers\\n",
                      "content_below_cursor": ""},
                     "model_provider": "litellm", "prompt_version": 2, "prompt": "", "model_name": "codestral",
                     "model_identifier": "custom_openai/Codestral-22B-v0.1", "model_endpoint": "%s"}
                    """.formatted(endpoint);
            case "v3-generation" -> UpstreamFixture.named("v3-code-completions/self-hosted-generation").requestBody(endpoint);
            case "v3-generation-stream" -> UpstreamFixture.named("v3-code-completions/self-hosted-generation-stream")
                    .requestBody(endpoint);
            default -> throw new IllegalArgumentException(shape);
        };
    }

    /** redact-secrets and this recipe share seam-before-model-call: both run, redaction first (files load by name). */
    @Test
    void the_candidate_gets_the_prompt_redact_secrets_redacted_as_the_model_gitlab_named_does() throws Exception {
        String token = "glpat-" + "AbCdEfGhIjKlMnOpQrSt";
        String withSecret = completion().replace("def add(a, b):\\n    ", "TOKEN = '" + token + "'\\ndef add(a, b):\\n    ");

        HttpResponse<String> response = gateway.post("/v2/code/completions", withSecret, "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        String sentToCandidate = awaitCandidateRequest().getBodyAsString();
        String sentToPrimary = primary.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("X-Request-ID", equalTo(id))).get(0).getBodyAsString();
        assertThat(sentToCandidate).contains("TOKEN = '[REDACTED]'").doesNotContain(token);
        assertThat(sentToPrimary).contains("TOKEN = '[REDACTED]'").doesNotContain(token);
        assertThat(lines(id)).filteredOn(line -> !line.has("event")).singleElement()
                .satisfies(record -> assertThat(record.path("redacted").asInt()).isEqualTo(1));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "/v2/code/completions, v2-completion",
        "/v2/code/generations, v2-generation",
        "/v3/code/completions, v3-generation",
        "/v4/code/suggestions, v3-generation",
        "/v3/code/completions, v3-generation-stream",
        "/v4/code/suggestions, v3-generation-stream"})
    void sends_each_code_suggestion_to_the_candidate_with_the_same_messages(String path, String shape) throws Exception {
        HttpResponse<String> response = gateway.post(path, body(shape), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("return a + b").doesNotContain("return b + a");
        LoggedRequest shadowed = awaitCandidateRequest();
        ObjectNode expected = (ObjectNode) JSON.readTree(primary.getAllServeEvents().get(0).getRequest().getBodyAsString());
        expected.put("model", "candidate").put("stream", false).remove("stream_options");
        assertThat(JSON.readTree(shadowed.getBodyAsString())).isEqualTo(expected);
        assertThat(shadowed.getHeader("Authorization")).isEqualTo("Bearer sk-candidate");
        JsonNode line = awaitShadowLine();
        assertThat(line.path("status_code").asInt()).isEqualTo(200);
        assertThat(line.path("path").asText()).isEqualTo(path);
        assertThat(line.path("model_identifier").asText()).isEqualTo("custom_openai/candidate");
        assertThat(line.path("output_tokens").asInt()).isEqualTo(4);
        assertThat(line.path("duration_s").asDouble()).isPositive();
    }

    @Test
    void gitlab_has_its_answer_before_a_candidate_that_takes_5_s() throws Exception {
        candidate.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(okJson(answer("return b + a")).withFixedDelay(5_000)));

        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).isEqualTo("return a + b");
        assertThat(lines(id)).noneMatch(line -> line.has("event"));
        awaitCandidateRequest();
        JsonNode line = awaitShadowLine();
        assertThat(line.path("status_code").asInt()).isEqualTo(200);
        assertThat(line.path("duration_s").asDouble()).isGreaterThanOrEqualTo(5.0);
    }

    @Test
    void a_failing_candidate_leaves_gitlabs_answer_and_record_as_they_are() throws Exception {
        candidate.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500)));

        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).isEqualTo("return a + b");
        JsonNode line = awaitShadowLine();
        assertThat(line.path("status_code").asInt()).isEqualTo(500);
        assertThat(line.path("error_class").asText()).isEqualTo("HttpOperationFailedException");
        List<JsonNode> records = lines(id).stream().filter(record -> !record.has("event")).toList();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).path("status_code").asInt()).isEqualTo(200);
        assertThat(records.get(0).path("backend_status").asInt()).isEqualTo(200);
        assertThat(records.get(0).path("model_identifier").asText()).isEqualTo("custom_openai/Codestral-22B-v0.1");
        assertThat(Files.readString(AUDIT)).doesNotContain("sk-candidate").doesNotContain("sk-gitlab");
    }

    @Test
    void duo_chat_is_not_shadowed() throws Exception {
        String chatId = id + "-chat";
        HttpResponse<String> chat = gateway.post("/v1/chat/agent",
                UpstreamFixture.named("v1-chat-agent/litellm-complete").requestBody(
                        "http://127.0.0.1:" + primary.getPort() + "/v1"), "X-Request-ID", chatId);
        // a shadow of the chat would have been handed to the shadow threads before this request was sent
        gateway.post("/v2/code/completions", completion(), "X-Request-ID", id);

        assertThat(chat.statusCode()).isEqualTo(200);
        awaitShadowLine();
        assertThat(candidate.getAllServeEvents()).hasSize(1);
        assertThat(lines(chatId)).hasSize(1).noneMatch(line -> line.has("event"));
    }

    /** The candidate's endpoint is checked like GitLab's: a metadata address is never called. */
    @Nested
    @CamelMainTest(properties = "AIGW_SHADOW_MODEL_ENDPOINT=http://169.254.169.254/v1")
    class AtARefusedEndpoint {

        @Test
        void the_shadow_call_is_refused_and_its_audit_line_says_why() throws Exception {
            HttpResponse<String> response = gateway.post("/v2/code/completions", completion(), "X-Request-ID", id);

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode line = awaitShadowLine();
            assertThat(line.path("status_code").asInt()).isZero();
            assertThat(line.path("error_message").asText()).isEqualTo("model_endpoint host '169.254.169.254' is"
                    + " refused: it is a link-local or cloud metadata address (169.254.169.254)");
        }
    }

    private LoggedRequest awaitCandidateRequest() {
        await().atMost(Duration.ofSeconds(10)).until(() -> candidate.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("X-Request-ID", equalTo(id))).size() == 1);
        return candidate.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).get(0);
    }

    private JsonNode awaitShadowLine() {
        return await().atMost(Duration.ofSeconds(15)).until(() -> lines(id).stream()
                .filter(line -> line.path("event").asText().equals("shadow")).findFirst().orElse(null), line -> line != null);
    }

    /** The audit lines of a request (its record and event lines), as written so far. */
    private static List<JsonNode> lines(String correlationId) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(AUDIT)) {
            for (String text : Files.readAllLines(AUDIT)) {
                JsonNode line = JSON.readTree(text);
                if (line.path("correlation_id").asText().equals(correlationId)) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }
}
