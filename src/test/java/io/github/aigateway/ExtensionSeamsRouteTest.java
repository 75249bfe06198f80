package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.aigateway.model.ModelAnswer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each seam of the core routes, used from an extension file loaded after them
 * (src/test/resources/seams/seam-probe.camel.yaml): what the model receives, what GitLab gets, what each seam saw.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=16000", "camel.server.host=127.0.0.1",
                "gateway.auth.bypass-external=true", "gateway.retry.max-attempts=1",
                "gateway.audit.file=target/extension-seams-route-test/audit.log",
                "camel.main.routesIncludePattern=file:routes/*.camel.yaml,file:src/test/resources/seams/*.camel.yaml"})
class ExtensionSeamsRouteTest {

    @RegisterExtension
    static WireMockExtension model = WireMockExtension.newInstance().options(wireMockConfig().port(16001)).build();

    /** The probe's standby model, at the endpoint seam-probe.camel.yaml names. */
    @RegisterExtension
    static WireMockExtension standby = WireMockExtension.newInstance().options(wireMockConfig().port(16002)).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayClient gateway = new GatewayClient(16000);
    private final String id = "seams-" + UUID.randomUUID();

    @BeanInject
    CamelContext context;

    @BeforeEach
    void resetMocks() {
        MockEndpoint.resetMocks(context);
    }

    private static String answer(String text) {
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"}}]}";
    }

    private static String completion(String fileName) {
        return """
                {"current_file": {"file_name": "%s", "content_above_cursor": "def add(a, b):\\n    ",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "model_name": "codestral",
                 "model_identifier": "custom_openai/Codestral-22B-v0.1", "model_endpoint": "http://127.0.0.1:16001/v1"}
                """.formatted(fileName);
    }

    @Test
    void the_prompt_set_before_the_model_call_is_what_the_model_receives() throws Exception {
        model.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(answer("return a + b"))));

        HttpResponse<String> response = gateway.post("/v2/code/completions", completion("calc.py"), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode sent = JSON.readTree(model.getAllServeEvents().get(0).getRequest().getBodyAsString());
        assertThat(sent.get("messages")).isEqualTo(JSON.readTree("""
                [{"role": "system", "content": "You complete code at ACME. Answer with code only."},
                 {"role": "user", "content": "<s>[SUFFIX][PREFIX]def add(a, b):\\n    "}]"""));
        // second-extension.camel.yaml attaches at the same seam and ran too
        assertThat(new AuditFile("target/extension-seams-route-test/audit.log").awaitRecord(id).path("probe_model").asText())
                .isEqualTo("custom_openai/Codestral-22B-v0.1");
    }

    @Test
    void request_accepted_sees_the_typed_request_and_refuses_it_in_gitlabs_error_shape() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", completion("secrets.env"), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Code suggestions are off for secrets.env\"}");
        assertThat(response.headers().firstValue("X-Request-ID")).hasValue(id);
        assertThat(model.getAllServeEvents()).isEmpty();
    }

    @Test
    void after_answer_sees_the_model_answer() {
        model.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(answer("return a + b"))));

        gateway.post("/v2/code/completions", completion("calc.py"), "X-Request-ID", id);

        Exchange seen = context.getEndpoint("mock:seam-after-answer", MockEndpoint.class).getReceivedExchanges().get(0);
        assertThat(seen.getProperty("modelAnswer", ModelAnswer.class).text()).isEqualTo("return a + b");
    }

    @Test
    void audit_record_receives_the_line_written() throws Exception {
        model.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(answer("return a + b"))));

        gateway.post("/v2/code/completions", completion("calc.py"), "X-Request-ID", id);

        MockEndpoint records = context.getEndpoint("mock:seam-audit-record", MockEndpoint.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> records.getReceivedCounter() == 1);
        JsonNode record = JSON.readTree(records.getReceivedExchanges().get(0).getMessage().getBody(String.class));
        assertThat(record.path("correlation_id").asText()).isEqualTo(id);
        assertThat(record.path("path").asText()).isEqualTo("/v2/code/completions");
        assertThat(record.path("status_code").asInt()).isEqualTo(200);
    }

    @Test
    void model_failed_serves_the_request_from_another_model() throws Exception {
        model.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503)));
        standby.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(answer("return b + a"))));

        HttpResponse<String> response = gateway.post("/v2/code/completions", completion("calc.py"), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).isEqualTo("return b + a");
        standby.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("X-Request-ID", equalTo(id)));
        JsonNode primary = JSON.readTree(model.getAllServeEvents().get(0).getRequest().getBodyAsString());
        JsonNode fallback = JSON.readTree(standby.getAllServeEvents().get(0).getRequest().getBodyAsString());
        assertThat(fallback.get("model").asText()).isEqualTo("standby");
        assertThat(fallback.get("messages")).isEqualTo(primary.get("messages"));
    }
}
