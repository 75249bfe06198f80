package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/** AIGW_AUTH__BYPASS_EXTERNAL on loopback: every request is served without a token, and no GitLab is needed. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15252", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true"})
class BypassExternalRouteTest {

    private final GatewayClient gateway = new GatewayClient(15252);

    @Test
    void requests_without_a_token_pass_authentication_and_authorization() {
        // 422 from reading the body proves authentication and the scope check let the request through
        HttpResponse<String> response = gateway.post("/v2/code/completions", "{}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Validation error\"}");
    }

    @Test
    void the_gateway_is_ready_without_gitlabs_keys() {
        assertThat(gateway.get("/monitoring/ready").statusCode()).isEqualTo(200);
    }
}
