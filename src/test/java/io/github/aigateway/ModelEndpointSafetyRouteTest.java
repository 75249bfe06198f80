package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.aigateway.auth.ModelEndpointGuard;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model endpoint GitLab sends with each request, without an allowlist: metadata and link-local
 * targets are refused with 403 before any call, while loopback (and private networks) stay usable.
 * Authentication is bypassed on loopback here; it is not what these tests are about.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15255", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true"})
class ModelEndpointSafetyRouteTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final GatewayClient gateway = new GatewayClient(15255);

    @BeanInject
    ModelEndpointGuard guard;

    @BeforeEach
    void answerLikeVllm() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"choices":[{"index":0,"message":{"role":"assistant","content":"x = 1"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":1,"completion_tokens":1}}""")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://169.254.169.254/latest/meta-data | 169.254.169.254 | link-local or cloud metadata address (169.254.169.254)",
        "http://2852039166/v1                    | 2852039166      | link-local or cloud metadata address (169.254.169.254)",
        "http://[::ffff:169.254.169.254]/v1      | ::ffff:169.254.169.254 | link-local or cloud metadata address (169.254.169.254)",
        "http://metadata.google.internal/v1      | metadata.google.internal | cloud metadata service",
        "http://[::ffff:0:169.254.169.254]/v1    | ::ffff:0:169.254.169.254 | link-local or cloud metadata address (0:0:0:0:ffff:0:a9fe:a9fe)",
        "http://[64:ff9b:1::a9fe:a9fe]/v1        | 64:ff9b:1::a9fe:a9fe | link-local or cloud metadata address (64:ff9b:1:0:0:0:a9fe:a9fe)",
        "http://[2002:a9fe:a9fe::]/v1            | 2002:a9fe:a9fe:: | link-local or cloud metadata address (2002:a9fe:a9fe:0:0:0:0:0)"})
    void metadata_targets_are_refused_with_403(String endpoint, String host, String why) {
        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(endpoint, false));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("{\"detail\":\"model_endpoint host '" + host + "' is refused: it is a "
                + why + "\"}");
    }

    @Test
    void a_streamed_request_to_a_metadata_target_is_refused_before_the_stream_starts() {
        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("http://169.254.169.254/v1", true));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void the_model_metadata_endpoint_of_gitlab_18_is_checked_too() {
        HttpResponse<String> response = gateway.post("/v4/code/suggestions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "x", "content_below_cursor": ""},
                 "prompt_components": [{"type": "code_editor_generation",
                   "payload": {"file_name": "a.py", "content_above_cursor": "x", "content_below_cursor": ""}}],
                 "model_metadata": {"provider": "openai", "name": "codestral", "endpoint": "http://[fe80::a9fe]:80/v1",
                                    "api_key": "sk-secret", "identifier": "custom_openai/codestral"}}
                """);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("{\"detail\":\"model_endpoint host 'fe80::a9fe' is refused: it is a "
                + "link-local or cloud metadata address (fe80:0:0:0:0:0:0:a9fe)\"}");
    }

    @Test
    void loopback_stays_allowed_and_gets_its_key() {
        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("http://127.0.0.1:" + vllm.getPort() + "/v1", false));

        assertThat(response.statusCode()).isEqualTo(200);
        vllm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-secret")));
    }

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void the_model_is_called_at_the_address_the_guard_checked_under_its_host_name(boolean stream) {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"stream\":true"))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"1\"}}]}\n\ndata: [DONE]\n\n")));
        // .invalid never resolves (RFC 6761): only the guard's answer can bring the call to the model
        guard.setResolver(host -> host.equals("vllm.invalid") ? new InetAddress[]{InetAddress.getLoopbackAddress()}
                : InetAddress.getAllByName(host));
        try {
            HttpResponse<String> response = gateway.post("/v2/code/completions",
                    completion("http://vllm.invalid:" + vllm.getPort() + "/v1", stream));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("1");
            vllm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                    .withHeader("Host", equalTo("vllm.invalid:" + vllm.getPort())));
        } finally {
            guard.setResolver(InetAddress::getAllByName);
        }
    }

    static String completion(String endpoint, boolean stream) {
        return """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "x = ", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "model_name": "codestral", "stream": %s,
                 "model_endpoint": "%s", "model_identifier": "custom_openai/codestral", "model_api_key": "sk-secret"}
                """.formatted(stream, endpoint);
    }
}
