package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Authentication and authorization against a fake GitLab (contract §4): one test per rule, each asserting
 * the exact answer GitLab gets and that no model was called for a refused request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15250", "camel.server.host=127.0.0.1",
            "gateway.auth.gitlab-url={{sys:aigw.test.auth.gitlab-url}}",
            "gateway.auth.customer-portal-url={{sys:aigw.test.auth.customers-url}}",
            "gateway.auth.keys-retry-seconds=1"})
class AuthenticationRouteTest {

    @RegisterExtension
    static WireMockExtension gitlabServer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension customersServer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String ANSWER =
            "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"return 1\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";

    private final RSAKey gitlabKey = FakeGitLab.newKey("gitlab-key-1");
    private final RSAKey customersKey = FakeGitLab.newKey("customers-key-1");
    private final GatewayClient gateway = new GatewayClient(15250);
    private FakeGitLab gitlab;
    private FakeGitLab customers;

    @BeanInject
    CamelContext camel;

    @BeforeAll
    void pointTheGatewayAtTheFakes() {
        gitlab = new FakeGitLab(gitlabServer);
        customers = new FakeGitLab(customersServer);
        System.setProperty("aigw.test.auth.gitlab-url", gitlab.url());
        System.setProperty("aigw.test.auth.customers-url", customers.url());
    }

    @BeforeEach
    void publishKeysAndAnswerLikeVllm() {
        gitlab.publish(gitlabKey);
        customers.publish(customersKey);
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(ANSWER)));
        await().atMost(Duration.ofSeconds(20)).until(() -> gateway.get("/monitoring/ready").statusCode() == 200);
    }

    @Test
    void a_token_gitlab_signed_is_served_and_never_reaches_the_model() {
        String token = FakeGitLab.token(gitlabKey);

        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(), FakeGitLab.headers(token));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"text\":\"return 1\"");
        List<LoggedRequest> calls = vllm.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).getHeader("Authorization")).isEqualTo("Bearer sk-model");
        assertThat(calls.get(0).getBodyAsString()).doesNotContain(token);
        assertThat(calls.get(0).getAllHeaderKeys()).noneMatch(name -> name.toLowerCase().startsWith("x-gitlab"));
    }

    @Test
    void keys_of_the_customer_portal_are_accepted_too() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(),
                FakeGitLab.headers(FakeGitLab.token(customersKey)));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void missing_authorization_header_is_401() {
        assertRefused(gateway.post("/v2/code/completions", completion(), "X-Gitlab-Authentication-Type", "oidc"),
                401, "{\"error\":\"No authorization header presented\"}");
    }

    @Test
    void a_scheme_other_than_bearer_is_401() {
        String[] headers = FakeGitLab.headers(FakeGitLab.token(gitlabKey));
        headers[1] = "Basic " + headers[1].substring("Bearer ".length());

        assertRefused(gateway.post("/v2/code/completions", completion(), headers),
                401, "{\"error\":\"Invalid authorization header\"}");
    }

    @Test
    void bearer_is_case_insensitive() {
        String[] headers = FakeGitLab.headers(FakeGitLab.token(gitlabKey));
        headers[1] = "bEaReR " + headers[1].substring("Bearer ".length());

        assertThat(gateway.post("/v2/code/completions", completion(), headers).statusCode()).isEqualTo(200);
    }

    @Test
    void an_authentication_type_other_than_oidc_is_401() {
        String[] headers = FakeGitLab.headers(FakeGitLab.token(gitlabKey));
        headers[3] = "sast";

        assertRefused(gateway.post("/v2/code/completions", completion(), headers),
                401, "{\"error\":\"Invalid authentication token type - only OIDC is supported\"}");
    }

    @Test
    void a_signature_by_another_key_under_gitlabs_key_id_is_401() {
        RSAKey forger = FakeGitLab.newKey("forger");
        String token = FakeGitLab.sign(forger, gitlabKey.getKeyID(), FakeGitLab.claims().build());

        assertForbiddenByAuthProvider(token);
    }

    @Test
    void an_unsigned_token_alg_none_is_401() {
        String token = new PlainJWT(new PlainHeader.Builder().type(JOSEObjectType.JWT).build(),
                FakeGitLab.claims().build()).serialize();

        assertForbiddenByAuthProvider(token);
    }

    @Test
    void an_hs256_token_signed_with_gitlabs_public_key_is_401() throws Exception {
        // the classic confusion attack: HMAC "signed" with the RSA public key everybody can download
        byte[] secret = gitlabKey.toRSAPublicKey().getEncoded();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
                .keyID(gitlabKey.getKeyID()).build(), FakeGitLab.claims().build());
        jwt.sign(new MACSigner(secret));

        assertForbiddenByAuthProvider(jwt.serialize());
    }

    @Test
    void an_expired_token_is_401() {
        Instant issued = Instant.now().minusSeconds(7200);
        assertForbiddenByAuthProvider(FakeGitLab.token(gitlabKey, claims -> claims
                .issueTime(Date.from(issued)).notBeforeTime(Date.from(issued))
                .expirationTime(Date.from(issued.plusSeconds(3600)))));
    }

    @Test
    void a_token_without_expiry_is_401() {
        assertForbiddenByAuthProvider(FakeGitLab.token(gitlabKey, claims -> claims.expirationTime(null)));
    }

    @Test
    void a_token_not_yet_valid_is_401() {
        assertForbiddenByAuthProvider(FakeGitLab.token(gitlabKey, claims -> claims
                .notBeforeTime(Date.from(Instant.now().plusSeconds(600)))));
    }

    @Test
    void a_token_issued_in_the_future_is_401() {
        assertForbiddenByAuthProvider(FakeGitLab.token(gitlabKey, claims -> claims
                .issueTime(Date.from(Instant.now().plusSeconds(600)))));
    }

    @Test
    void a_token_for_another_audience_is_401() {
        assertForbiddenByAuthProvider(FakeGitLab.token(gitlabKey, claims -> claims.audience("gitlab-duo-workflow")));
    }

    @Test
    void a_token_within_the_clock_leeway_is_served() {
        Instant now = Instant.now();
        String token = FakeGitLab.token(gitlabKey, claims -> claims
                .notBeforeTime(Date.from(now.plusSeconds(3))).issueTime(Date.from(now.plusSeconds(3))));

        assertThat(gateway.post("/v2/code/completions", completion(), FakeGitLab.headers(token)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void a_realm_other_than_the_tokens_is_401() {
        String[] headers = FakeGitLab.headers(FakeGitLab.token(gitlabKey));
        headers[7] = "saas";

        assertRefused(gateway.post("/v2/code/completions", completion(), headers),
                401, "{\"error\":\"Header mismatch 'X-Gitlab-Realm'\"}");
    }

    @Test
    void an_instance_id_other_than_the_tokens_subject_is_401() {
        String[] headers = FakeGitLab.headers(FakeGitLab.token(gitlabKey));
        headers[5] = "another-instance";

        assertRefused(gateway.post("/v2/code/completions", completion(), headers),
                401, "{\"error\":\"Header mismatch 'X-Gitlab-Instance-Id'\"}");
    }

    @Test
    void an_instance_id_other_than_the_gitlab_instance_id_claim_is_401() {
        String token = FakeGitLab.token(gitlabKey, claims -> claims.claim("gitlab_instance_id", "another-instance"));

        assertRefused(gateway.post("/v2/code/completions", completion(), FakeGitLab.headers(token)),
                401, "{\"error\":\"Header mismatch 'X-Gitlab-Instance-Id'\"}");
    }

    @ParameterizedTest(name = "{0} without {1}")
    @CsvSource(delimiter = '|', value = {
        "/v2/code/completions | complete_code | v2-completion   | code completions",
        "/v2/completions      | complete_code | v2-completion   | code completions",
        "/v2/code/generations | generate_code | v2-generation   | code generations",
        "/v3/code/completions | complete_code | code_editor_completion | code suggestions",
        "/v3/code/completions | generate_code | code_editor_generation | code suggestions",
        "/v4/code/suggestions | complete_code | code_editor_completion | code suggestions",
        "/v4/code/suggestions | generate_code | code_editor_generation | code suggestions"})
    void a_token_without_the_endpoints_unit_primitive_is_403(String path, String scope, String shape, String thing) {
        List<String> others = new ArrayList<>(FakeGitLab.ALL_SCOPES);
        others.remove(scope);
        String token = FakeGitLab.token(gitlabKey, claims -> claims.claim("scopes", others));

        assertRefused(gateway.post(path, body(shape), FakeGitLab.headers(token)),
                403, "{\"detail\":\"Unauthorized to access " + thing + "\"}");
    }

    @ParameterizedTest(name = "{0} with only {1}")
    @CsvSource(delimiter = '|', value = {
        "/v2/code/completions | complete_code | v2-completion",
        "/v2/code/generations | generate_code | v2-generation",
        "/v3/code/completions | complete_code | code_editor_completion",
        "/v3/code/completions | generate_code | code_editor_generation",
        "/v4/code/suggestions | generate_code | code_editor_generation"})
    void the_endpoints_unit_primitive_alone_is_enough(String path, String scope, String shape) {
        String token = FakeGitLab.token(gitlabKey, claims -> claims.claim("scopes", List.of(scope)));

        assertThat(gateway.post(path, body(shape), FakeGitLab.headers(token)).statusCode()).isEqualTo(200);
    }

    @Test
    void chat_needs_duo_chat() {
        List<String> others = new ArrayList<>(FakeGitLab.ALL_SCOPES);
        others.remove("duo_chat");
        String token = FakeGitLab.token(gitlabKey, claims -> claims.claim("scopes", others));

        assertRefused(gateway.post("/v2/chat/agent", chat("[]"), FakeGitLab.headers(token)),
                403, "{\"detail\":\"Unauthorized to access duo chat\"}");
    }

    @Test
    void chat_needs_the_include_scope_of_each_attached_context() {
        String token = FakeGitLab.token(gitlabKey, claims -> claims.claim("scopes",
                List.of("duo_chat", "include_file_context")));

        assertRefused(gateway.post("/v2/chat/agent", chat("""
                [{"category": "file", "id": "a.py", "content": "x"}, {"category": "snippet", "id": "s", "content": "y"}]"""),
                FakeGitLab.headers(token)), 403, "{\"detail\":\"Unauthorized to access include_snippet_context\"}");
    }

    @Test
    void a_prompt_needs_its_unit_primitive() {
        List<String> others = new ArrayList<>(FakeGitLab.ALL_SCOPES);
        others.remove("explain_code");
        String token = FakeGitLab.token(gitlabKey, claims -> claims.claim("scopes", others));

        assertRefused(gateway.post("/v1/prompts/chat/explain_code", UpstreamFixture.named("v1-prompts/chat-explain-code-stream")
                        .requestBody("http://127.0.0.1:" + vllm.getPort() + "/v1"), FakeGitLab.headers(token)),
                403, "{\"detail\":\"Unauthorized to access 'chat/explain_code'\"}");
    }

    private String chat(String additionalContext) {
        return """
                {"messages": [{"role": "user", "content": "Hi", "additional_context": %s}],
                 "model_metadata": {"name": "mistral", "endpoint": "http://127.0.0.1:%d/v1",
                                    "identifier": "custom_openai/Mistral-7B-Instruct-v0.3"}}
                """.formatted(additionalContext, vllm.getPort());
    }

    @Test
    void a_rotated_key_is_fetched_once_on_its_first_use_and_unknown_ids_do_not_refetch_again() {
        RSAKey rotated = FakeGitLab.newKey("gitlab-key-2");
        gitlab.publish(gitlabKey, rotated);

        HttpResponse<String> first = gateway.post("/v2/code/completions", completion(),
                FakeGitLab.headers(FakeGitLab.token(rotated)));
        HttpResponse<String> unknown = gateway.post("/v2/code/completions", completion(),
                FakeGitLab.headers(FakeGitLab.token(FakeGitLab.newKey("never-published"))));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(unknown.statusCode()).isEqualTo(401);
        // one refetch for the rotated key; the second unknown id falls within the rate limit
        assertThat(gitlabServer.findAll(getRequestedFor(urlEqualTo("/oauth/discovery/keys")))).hasSize(1);
    }

    @Test
    void every_gitlab_route_but_monitoring_requires_a_token() {
        List<String> paths = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith("platform-http://") && !uri.startsWith("platform-http:///monitoring/")) {
                paths.add(uri.substring("platform-http://".length()).replaceAll("\\?.*", ""));
            }
        }

        assertThat(paths).contains("/v2/code/completions", "/v4/code/suggestions");
        for (String path : paths) {
            assertRefused(gateway.post(path, "{}"), 401, "{\"error\":\"No authorization header presented\"}");
        }
    }

    @Test
    void monitoring_needs_no_token() {
        assertThat(gateway.get("/monitoring/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = gateway.get("/monitoring/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"checks\":{\"routes\":\"ok\",\"audit_log\":\"ok\",\"gitlab_keys\":\"ok\"}}");
    }

    private void assertForbiddenByAuthProvider(String token) {
        assertRefused(gateway.post("/v2/code/completions", completion(), FakeGitLab.headers(token)),
                401, "{\"error\":\"Forbidden by auth provider\"}");
    }

    private void assertRefused(HttpResponse<String> response, int status, String body) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(vllm.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    private String completion() {
        return body("v2-completion");
    }

    private String body(String shape) {
        String endpoint = "http://127.0.0.1:" + vllm.getPort() + "/v1";
        return switch (shape) {
            case "v2-completion" -> """
                    {"current_file": {"file_name": "a.py", "content_above_cursor": "def f():\\n    ",
                                      "content_below_cursor": ""},
                     "model_provider": "litellm", "prompt_version": 2, "prompt": null, "model_name": "codestral",
                     "model_endpoint": "%s", "model_identifier": "custom_openai/codestral", "model_api_key": "sk-model"}
                    """.formatted(endpoint);
            case "v2-generation" -> """
                    {"current_file": {"file_name": "a.py", "content_above_cursor": "# f\\n", "content_below_cursor": ""},
                     "model_provider": "litellm", "prompt_version": 2, "prompt": "Write f", "model_name": "codestral",
                     "model_endpoint": "%s", "model_identifier": "custom_openai/codestral", "model_api_key": "sk-model"}
                    """.formatted(endpoint);
            default -> """
                    {"current_file": {"file_name": "a.py", "content_above_cursor": "def f():\\n", "content_below_cursor": ""},
                     "stream": false,
                     "prompt_components": [{"type": "%s",
                       "payload": {"file_name": "a.py", "content_above_cursor": "def f():\\n",
                                   "content_below_cursor": "", "language_identifier": "Python"}}],
                     "model_metadata": {"provider": "openai", "name": "codestral", "endpoint": "%s",
                                        "api_key": "sk-model", "identifier": "custom_openai/codestral"}}
                    """.formatted(shape, endpoint);
        };
    }
}
