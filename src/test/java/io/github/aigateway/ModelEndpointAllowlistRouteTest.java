package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.http.HttpResponse;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With AIGW_MODEL_ENDPOINT_ALLOWLIST set, only listed endpoints are called. The fake model listens on
 * loopback: reached as {@code localhost} (listed) it answers; reached as {@code 127.0.0.1} (not listed) it must
 * never see the request, nor the key in it.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15256", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
            "gateway.model-endpoint.allowlist=10.0.0.0/8, localhost"})
class ModelEndpointAllowlistRouteTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final GatewayClient gateway = new GatewayClient(15256);

    @BeforeEach
    void answerLikeVllm() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"choices":[{"index":0,"message":{"role":"assistant","content":"x = 1"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":1,"completion_tokens":1}}""")));
    }

    @Test
    void an_endpoint_outside_the_allowlist_is_refused_and_never_receives_the_key() {
        HttpResponse<String> response = gateway.post("/v2/code/completions",
                ModelEndpointSafetyRouteTest.completion("http://127.0.0.1:" + vllm.getPort() + "/v1", false));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo(
                "{\"detail\":\"model_endpoint host '127.0.0.1' is refused: it is not in AIGW_MODEL_ENDPOINT_ALLOWLIST\"}");
        assertThat(vllm.getAllServeEvents()).isEmpty();
    }

    @Test
    void an_endpoint_on_the_allowlist_is_called() {
        HttpResponse<String> response = gateway.post("/v2/code/completions",
                ModelEndpointSafetyRouteTest.completion("http://localhost:" + vllm.getPort() + "/v1", false));

        assertThat(response.statusCode()).isEqualTo(200);
        vllm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-secret")));
    }
}
