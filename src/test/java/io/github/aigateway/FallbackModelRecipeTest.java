package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.aigateway.FaultyModel.reset;
import static io.github.aigateway.FaultyModel.status;
import static io.github.aigateway.FaultyModel.stream;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * recipes/fallback-model.camel.yaml, loaded with every recipe (only this one configured): a model that cannot
 * answer is replaced by the fallback model, as long as nothing reached GitLab yet.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=16008", "camel.server.host=127.0.0.1",
                "gateway.auth.bypass-external=true", "gateway.audit.file=target/fallback-model-recipe-test/audit.log",
                "gateway.retry.max-attempts=2", "gateway.retry.backoff-ms=20",
                "camel.main.routesIncludePattern=file:routes/*.camel.yaml,file:recipes/*.camel.yaml",
                "AIGW_FALLBACK_MODEL_ENDPOINT=http://127.0.0.1:16010/v1",
                "AIGW_FALLBACK_MODEL_IDENTIFIER=custom_openai/fallback",
                "AIGW_FALLBACK_MODEL_FAMILY=codestral",
                "AIGW_FALLBACK_MODEL_API_KEY=sk-fallback"})
class FallbackModelRecipeTest {

    /** The fallback, at AIGW_FALLBACK_MODEL_ENDPOINT. */
    @RegisterExtension
    static WireMockExtension fallback = WireMockExtension.newInstance().options(wireMockConfig().port(16010)).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AUDIT = Path.of("target/fallback-model-recipe-test/audit.log");

    private final GatewayClient gateway = new GatewayClient(16008);
    private final String id = "fallback-" + UUID.randomUUID();
    private final List<FaultyModel> models = new ArrayList<>();

    @BeforeEach
    void answerLikeVllm() {
        fallback.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"return b + a\"}}]}")));
    }

    @AfterEach
    void stopModels() throws Exception {
        for (FaultyModel model : models) {
            model.close();
        }
    }

    @Test
    void a_model_answering_503_after_its_retries_is_replaced_by_the_fallback() throws Exception {
        FaultyModel primary = model(status(503, "{\"error\":{\"message\":\"restarting\"}}"));

        HttpResponse<String> response = complete(primary.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).isEqualTo("return b + a");
        assertThat(primary.requests()).isEqualTo(2);
        LoggedRequest served = onlyFallbackRequest();
        ObjectNode expected = (ObjectNode) JSON.readTree(primary.bodies().get(0));
        expected.put("model", "fallback");
        assertThat(JSON.readTree(served.getBodyAsString())).isEqualTo(expected);
        assertThat(served.getHeader("Authorization")).isEqualTo("Bearer sk-fallback");
        assertThat(served.getHeader("X-Request-ID")).isEqualTo(id);
        JsonNode record = awaitRecord();
        assertThat(record.path("status_code").asInt()).isEqualTo(200);
        assertThat(record.path("fallback_from").asText()).isEqualTo("custom_openai/Codestral-22B-v0.1");
        assertThat(record.path("model_identifier").asText()).isEqualTo("custom_openai/fallback");
        assertThat(record.has("error_class")).isFalse();
        // every recipe is loaded, only this one is configured: the others leave no trace
        assertThat(lines()).hasSize(1);
        assertThat(Files.readString(AUDIT)).doesNotContain("sk-fallback").doesNotContain("sk-gitlab");
    }

    @Test
    void a_model_refusing_connections_is_replaced_by_the_fallback() throws Exception {
        String refused = FaultyModel.refusedEndpoint();

        HttpResponse<String> response = complete(refused, false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).isEqualTo("return b + a");
        assertThat(awaitRecord().path("fallback_from").asText()).isEqualTo("custom_openai/Codestral-22B-v0.1");
    }

    @Test
    void a_stream_that_broke_off_after_it_started_is_not_sent_to_the_fallback() throws Exception {
        FaultyModel primary = model(stream(List.of("return a"), 0, false, reset()));

        HttpResponse<String> response = complete(primary.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("return a");
        assertThat(fallback.getAllServeEvents()).isEmpty();
        assertThat(awaitRecord().has("fallback_from")).isFalse();
    }

    @Test
    void a_stream_whose_model_failed_before_its_first_token_is_served_by_the_fallback() throws Exception {
        FaultyModel primary = model(status(502, "{}"));
        fallback.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return b + a\"}}]}\n\n"
                                + "data: [DONE]\n\n")));

        HttpResponse<String> response = complete(primary.endpoint(), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("return b + a");
    }

    @Test
    void duo_chat_whose_model_failed_before_its_first_event_is_served_by_the_fallback() throws Exception {
        FaultyModel primary = model(status(500, "{\"message\":\"CUDA out of memory\"}"));
        fallback.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"thought\\nFinal Answer: 4\"}}]}\n\n"
                                + "data: [DONE]\n\n")));

        HttpResponse<String> response = gateway.post("/v2/chat/agent",
                UpstreamFixture.named("v2-chat-agent/model-fails-before-answering").requestBody(primary.endpoint()),
                "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"4\"}}\n");
        assertThat(awaitRecord().path("fallback_from").asText()).isEqualTo("custom_openai/Mistral-Small-3.2-24B-Instruct-2506");
    }

    @Test
    void the_fallback_failing_too_gives_gitlab_the_usual_error() throws Exception {
        FaultyModel primary = model(status(503, "{}"));
        fallback.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503)));

        HttpResponse<String> response = complete(primary.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference failed\"}");
        assertThat(fallback.getAllServeEvents()).hasSize(2);
        JsonNode record = awaitRecord();
        assertThat(record.path("fallback_from").asText()).isEqualTo("custom_openai/Codestral-22B-v0.1");
        assertThat(record.path("backend_status").asInt()).isEqualTo(503);
    }

    @Test
    void a_request_the_model_refused_is_not_sent_to_the_fallback() throws Exception {
        FaultyModel primary = model(status(400, "{\"error\":{\"message\":\"the prompt is too long\"}}"));

        HttpResponse<String> response = complete(primary.endpoint(), false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("the prompt is too long");
        assertThat(fallback.getAllServeEvents()).isEmpty();
    }

    private FaultyModel model(FaultyModel.Behaviour behaviour) throws Exception {
        FaultyModel model = new FaultyModel(behaviour);
        models.add(model);
        return model;
    }

    private HttpResponse<String> complete(String endpoint, boolean stream) {
        return gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "calc.py", "content_above_cursor": "def add(a, b):\\n    ",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "stream": %s, "model_name": "codestral",
                 "model_api_key": "sk-gitlab", "model_identifier": "custom_openai/Codestral-22B-v0.1",
                 "model_endpoint": "%s"}
                """.formatted(stream, endpoint), "X-Request-ID", id);
    }

    private static LoggedRequest onlyFallbackRequest() {
        assertThat(fallback.getAllServeEvents()).hasSize(1);
        return fallback.getAllServeEvents().get(0).getRequest();
    }

    private JsonNode awaitRecord() {
        return await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream().findFirst().orElse(null), line -> line != null);
    }

    /** The audit lines of this test's request, as written so far. */
    private List<JsonNode> lines() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(AUDIT)) {
            for (String text : Files.readAllLines(AUDIT)) {
                JsonNode line = JSON.readTree(text);
                if (line.path("correlation_id").asText().equals(id)) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }
}
