package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/**
 * AIGW_AUTH__BYPASS_JWT_SIGNATURE: a token signed by any key is accepted, but everything else about it is
 * still checked (times, audience, headers, scopes).
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15254", "camel.server.host=127.0.0.1", "gateway.auth.bypass-jwt-signature=true"})
class BypassJwtSignatureRouteTest {

    private final GatewayClient gateway = new GatewayClient(15254);
    private final RSAKey unknownKey = FakeGitLab.newKey("nobody-published-this");

    @Test
    void a_token_signed_by_an_unknown_key_is_accepted() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", "{}",
                FakeGitLab.headers(FakeGitLab.token(unknownKey)));

        assertThat(response.statusCode()).isEqualTo(422);
    }

    @Test
    void an_expired_token_is_still_refused() {
        Instant issued = Instant.now().minusSeconds(7200);
        String token = FakeGitLab.token(unknownKey, claims -> claims.issueTime(Date.from(issued))
                .notBeforeTime(Date.from(issued)).expirationTime(Date.from(issued.plusSeconds(3600))));

        HttpResponse<String> response = gateway.post("/v2/code/completions", "{}", FakeGitLab.headers(token));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"error\":\"Forbidden by auth provider\"}");
    }

    @Test
    void a_token_for_another_audience_is_still_refused() {
        String token = FakeGitLab.token(unknownKey, claims -> claims.audience("someone-else"));

        assertThat(gateway.post("/v2/code/completions", "{}", FakeGitLab.headers(token)).statusCode()).isEqualTo(401);
    }

    @Test
    void scopes_are_still_required() {
        String token = FakeGitLab.token(unknownKey, claims -> claims.claim("scopes", List.of("duo_chat")));

        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "x", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "model_name": "codestral",
                 "model_endpoint": "http://127.0.0.1:9/v1", "model_identifier": "custom_openai/codestral"}
                """, FakeGitLab.headers(token));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Unauthorized to access code completions\"}");
    }
}
