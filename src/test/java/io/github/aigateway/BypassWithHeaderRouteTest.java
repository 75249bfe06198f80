package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/** AIGW_AUTH__BYPASS_EXTERNAL_WITH_HEADER: only requests with {@code Bypass-Auth: true} skip authentication. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15253", "camel.server.host=127.0.0.1",
            "gateway.auth.bypass-external-with-header=true"})
class BypassWithHeaderRouteTest {

    private final GatewayClient gateway = new GatewayClient(15253);

    @Test
    void a_request_with_bypass_auth_true_passes_without_a_token() {
        HttpResponse<String> response = gateway.post("/v2/code/generations", "{}", "Bypass-Auth", "true");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Validation error\"}");
    }

    @Test
    void a_request_without_the_header_still_needs_a_token() {
        HttpResponse<String> response = gateway.post("/v2/code/generations", "{}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"error\":\"No authorization header presented\"}");
    }

    @Test
    void any_other_bypass_auth_value_still_needs_a_token() {
        HttpResponse<String> response = gateway.post("/v2/code/generations", "{}", "Bypass-Auth", "yes");

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void the_gateway_is_not_ready_without_gitlabs_keys() {
        assertThat(gateway.get("/monitoring/ready").statusCode()).isEqualTo(503);
    }
}
