package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.camel.main.KameletMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same {@code routes/} and {@code application.properties} under camel-kamelet-main, the runtime
 * {@code camel run} (Camel JBang) starts, configured as
 * {@code camel run routes/*.camel.yaml routes.d/*.camel.yaml application.properties} configures it (the core routes,
 * then a site's extension routes), except that nothing is downloaded: the beans' classes are on the class path as
 * the project's jar would be with {@code --dep}.
 */
class CamelRunCompatibilityTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private KameletMain main;

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void routes_answer_a_completion_under_the_camel_run_runtime() throws Exception {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"return a + b\"}}]}")));
        main = new KameletMain("ai-gateway");
        main.setDownload(false);
        main.setPropertyPlaceholderLocations("file:application.properties");
        main.addOverrideProperty("camel.main.routesIncludePattern",
                "file:routes/*.camel.yaml,file:src/test/resources/extensions/*.camel.yaml");
        main.addOverrideProperty("camel.server.port", "15310");
        main.addOverrideProperty("gateway.metrics.port", "15311");
        main.addOverrideProperty("camel.server.host", "127.0.0.1");
        main.addOverrideProperty("gateway.auth.bypass-external", "true");
        main.start();

        HttpResponse<String> response = new GatewayClient(15310).post("/v2/code/completions", """
                {"current_file": {"file_name": "calc.py", "content_above_cursor": "def add(a, b):\\n    ",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": false,
                 "model_endpoint": "http://127.0.0.1:%d/v1", "model_name": "codestral",
                 "model_identifier": "custom_openai/Codestral-22B-v0.1"}
                """.formatted(vllm.getPort()));

        // set by KameletMain itself, so the routes really ran under its configuration
        assertThat(main.getCamelContext().getPropertiesComponent().resolveProperty("camel.component.kamelet.location"))
                .isPresent();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"choices\":[{\"text\":\"return a + b\"");
        vllm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        HttpResponse<String> extension = new GatewayClient(15310).get("/site/ping");
        assertThat(extension.statusCode()).isEqualTo(200);
        assertThat(extension.body()).isEqualTo("{\"site\":\"ok\"}");
        // a request is counted when its exchange completes, just after GitLab has its answer
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(new GatewayClient(15311).get("/metrics").body())
                .contains("aigw_request_duration_seconds_count"));
    }
}
