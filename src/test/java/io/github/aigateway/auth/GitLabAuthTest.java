package io.github.aigateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.aigateway.GatewayApplication;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A troubleshooting bypass never silently serves a network: the gateway refuses to start unless told twice. */
class GitLabAuthTest {

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"external, 0.0.0.0", "header, 0.0.0.0", "signature, 0.0.0.0", "external, 10.1.2.3",
        "external, gateway.example.com", "external, ::"})
    void a_bypass_on_a_network_listener_refuses_to_start(String bypass, String host) {
        GitLabAuth auth = auth(bypass, host);

        assertThatThrownBy(auth::start).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Refusing to start: AIGW_AUTH__BYPASS_")
                .hasMessageContaining("AIGW_AUTH__ALLOW_BYPASS_ON_NETWORK=true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost", "LOCALHOST"})
    void a_bypass_on_loopback_starts(String host) {
        GitLabAuth auth = auth("external", host);

        assertThatCode(auth::start).doesNotThrowAnyException();
        auth.stop();
    }

    @Test
    void an_acknowledged_bypass_on_the_network_starts() {
        GitLabAuth auth = auth("external", "0.0.0.0");
        auth.setAllowBypassOnNetwork(true);

        assertThatCode(auth::start).doesNotThrowAnyException();
        assertThat(auth.ready()).isTrue();
        auth.stop();
    }

    @Test
    void without_a_bypass_any_listener_starts_but_is_not_ready_without_keys() throws Exception {
        GitLabAuth auth = new GitLabAuth();
        auth.setListenHost("0.0.0.0");

        auth.start();

        assertThat(auth.ready()).isFalse();
        auth.stop();
    }

    @Test
    void the_real_gateway_refuses_to_start_with_a_bypass_on_all_interfaces() {
        Main main = new Main(GatewayApplication.class);
        main.setPropertyPlaceholderLocations("file:application.properties");
        main.addOverrideProperty("camel.server.port", "15257");
        main.addOverrideProperty("camel.server.host", "0.0.0.0");
        main.addOverrideProperty("gateway.auth.bypass-external", "true");
        // should it start after all, it stops by itself rather than hang the build
        main.addOverrideProperty("camel.main.durationMaxSeconds", "2");

        assertThatThrownBy(() -> main.run(new String[0])).rootCause()
                .hasMessageStartingWith("Refusing to start: AIGW_AUTH__BYPASS_EXTERNAL would serve unauthenticated "
                        + "requests on 0.0.0.0");
    }

    private static GitLabAuth auth(String bypass, String host) {
        GitLabAuth auth = new GitLabAuth();
        auth.setListenHost(host);
        switch (bypass) {
            case "external" -> auth.setBypassExternal(true);
            case "header" -> auth.setBypassExternalWithHeader(true);
            default -> auth.setBypassJwtSignature(true);
        }
        return auth;
    }
}
