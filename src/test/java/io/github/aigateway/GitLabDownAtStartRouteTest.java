package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GitLab unreachable while the gateway starts: it starts anyway, is not ready, refuses tokens, then recovers. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15251", "camel.server.host=127.0.0.1",
            "gateway.auth.gitlab-url={{sys:aigw.test.down.gitlab-url}}", "gateway.auth.keys-retry-seconds=1"})
class GitLabDownAtStartRouteTest {

    @RegisterExtension
    static WireMockExtension gitlabServer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final GatewayClient gateway = new GatewayClient(15251);

    @BeforeAll
    static void gitlabIsDown() {
        System.setProperty("aigw.test.down.gitlab-url", "http://127.0.0.1:" + gitlabServer.getPort());
        gitlabServer.stubFor(get(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    @Test
    void the_gateway_starts_fails_closed_and_serves_once_gitlab_answers_without_a_restart() {
        gitlabServer.stubFor(get(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"choices":[{"index":0,"message":{"role":"assistant","content":"x = 1"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":1,"completion_tokens":1}}""")));
        RSAKey key = FakeGitLab.newKey("gitlab-key-1");
        String body = """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "x = ", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "model_name": "codestral",
                 "model_endpoint": "http://127.0.0.1:%d/v1", "model_identifier": "custom_openai/codestral"}
                """.formatted(vllm.getPort());

        assertThat(gateway.get("/monitoring/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> notReady = gateway.get("/monitoring/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("{\"status\":\"not ready\",\"checks\":{\"routes\":\"ok\",\"audit_log\":\"ok\","
                + "\"gitlab_keys\":\"GitLab's JWT signing keys are not loaded yet (AIGW_GITLAB_URL)\"}}");
        HttpResponse<String> refused = gateway.post("/v2/code/completions", body,
                FakeGitLab.headers(FakeGitLab.token(key)));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).isEqualTo("{\"error\":\"No keys founds in JWKS; are OIDC providers up?\"}");
        assertThat(vllm.getAllServeEvents()).isEmpty();

        gitlabServer.resetAll();
        new FakeGitLab(gitlabServer).publish(key);
        await().atMost(Duration.ofSeconds(15)).until(() -> gateway.get("/monitoring/ready").statusCode() == 200);

        HttpResponse<String> served = gateway.post("/v2/code/completions", body,
                FakeGitLab.headers(FakeGitLab.token(key)));
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).contains("\"text\":\"x = 1\"");
    }
}
