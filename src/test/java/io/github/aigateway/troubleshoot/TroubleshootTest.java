package io.github.aigateway.troubleshoot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The troubleshoot command against WireMock as GitLab, as the gateway and as vLLM / Azure. */
class TroubleshootTest {

    @RegisterExtension
    static WireMockExtension gitlab = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension gateway = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension model = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String KEY = "sk-secret-4711-do-not-print";

    private final Map<String, String> env = new HashMap<>();
    private String output;

    @BeforeEach
    void healthySetup() throws Exception {
        env.put("AIGW_GITLAB_URL", gitlab.baseUrl());
        gitlab.stubFor(get(urlEqualTo("/.well-known/openid-configuration"))
                .willReturn(okJson("{\"issuer\":\"" + gitlab.baseUrl() + "\",\"jwks_uri\":\"" + gitlab.baseUrl()
                        + "/oauth/discovery/keys\"}")));
        gitlab.stubFor(get(urlEqualTo("/oauth/discovery/keys")).willReturn(okJson(jwks())));
        gateway.stubFor(get(urlEqualTo("/monitoring/healthz")).willReturn(okJson("{\"status\":\"ok\"}")));
        gateway.stubFor(get(urlEqualTo("/monitoring/ready")).willReturn(okJson("{\"status\":\"ready\"}")));
        gateway.stubFor(post(urlEqualTo("/v2/code/completions")).willReturn(okJson(
                "{\"choices\":[{\"text\":\"\\n  puts 'Hello, world!'\\nend\",\"index\":0}]}")));
        model.stubFor(get(urlEqualTo("/v1/models")).willReturn(okJson(
                "{\"object\":\"list\",\"data\":[{\"id\":\"Codestral-22B-v0.1\",\"object\":\"model\"}]}")));
    }

    @Test
    void happy_path_passes_every_check_and_exits_zero() {
        int exit = troubleshoot("--model-identifier", "custom_openai/Codestral-22B-v0.1");

        assertThat(exit).isZero();
        assertThat(output).doesNotContain("✖").contains("All checks passed.")
                .contains("✔  GitLab URL")
                .contains("✔  GitLab OIDC discovery")
                .containsPattern(row("✔", "GitLab signing keys", "1 RSA key(s) at " + gitlab.baseUrl() + "/oauth/discovery/keys"))
                .contains("✔  Gateway health")
                .contains("✔  Gateway readiness")
                .contains("✔  Model endpoint reachable")
                .containsPattern(row("✔", "Model served", "vLLM serves 'Codestral-22B-v0.1'"))
                .containsPattern(row("✔", "Model answers through the gateway", "suggested \"puts 'Hello, world!' end\""));
        model.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + KEY)));
        gateway.verify(postRequestedFor(urlEqualTo("/v2/code/completions")).withRequestBody(equalTo(
                "{\"model_provider\":\"litellm\",\"model_name\":\"codestral\",\"model_endpoint\":\"" + model.baseUrl()
                + "/v1\",\"model_identifier\":\"custom_openai/Codestral-22B-v0.1\",\"model_api_key\":\"" + KEY
                + "\",\"prompt_version\":1,\"current_file\":{\"file_name\":\"test.rb\",\"content_above_cursor\":\"def hello_world\"}}")));
    }

    @Test
    void a_wrong_model_endpoint_says_where_vllm_must_listen() throws Exception {
        int exit = troubleshoot("--model-endpoint", "http://127.0.0.1:" + closedPort() + "/v1");

        assertThat(exit).isEqualTo(1);
        assertThat(output).contains("✖  Model endpoint reachable")
                .contains("/v1/models: connection refused")
                .contains("fix: set the model endpoint in GitLab to where vLLM listens as the gateway reaches it, "
                        + "e.g. http://vllm:8000/v1, and check that vLLM is running");
    }

    @Test
    void an_endpoint_without_v1_is_told_to_add_it() {
        int exit = troubleshoot("--model-endpoint", model.baseUrl());

        assertThat(exit).isEqualTo(1);
        assertThat(output).contains("/models answered 404: not an OpenAI-compatible API")
                .contains("fix: add /v1 to the model endpoint in GitLab, e.g. " + model.baseUrl() + "/v1");
    }

    @Test
    void a_wrong_identifier_names_the_models_vllm_serves() {
        int exit = troubleshoot("--model-identifier", "custom_openai/codestral-latest");

        assertThat(exit).isEqualTo(1);
        assertThat(output).containsPattern(row("✖", "Model served", "vLLM serves [Codestral-22B-v0.1], not 'codestral-latest'"))
                .contains("fix: set the model identifier in GitLab to custom_openai/Codestral-22B-v0.1 "
                        + "(vLLM's --served-model-name), or serve the model under that name");
    }

    @Test
    void a_family_the_catalog_pins_is_checked_at_the_catalogs_endpoint_with_its_key(@TempDir Path folder) throws Exception {
        Path catalog = folder.resolve("models.yaml");
        Files.writeString(catalog, Files.readString(Path.of("catalog/models.yaml")).replaceFirst("(?m)^  codestral:\n",
                "  codestral:\n    endpoint: " + model.baseUrl() + "/v1\n    api_key_env: SITE_CODESTRAL_KEY\n"));
        env.put("AIGW_CATALOG_FILE", catalog.toString());
        env.put("SITE_CODESTRAL_KEY", "site-key-4711");
        String gitlabsEndpoint = "http://127.0.0.1:" + closedPort() + "/v1";

        troubleshoot("--model-endpoint", gitlabsEndpoint);

        assertThat(output).containsPattern(row("✔", "Model settings", "codestral → openai_compatible model"
                        + " 'Codestral-22B-v0.1' at " + model.baseUrl() + "/v1 (the catalog's endpoint:, not GitLab's "
                        + gitlabsEndpoint + ")"))
                .contains("✔  Model endpoint reachable").doesNotContain("site-key-4711");
        model.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer site-key-4711")));
    }

    @Test
    void missing_aws_credentials_and_region_are_named_for_bedrock_models() {
        int exit = troubleshoot("--model-family", "claude_3",
                "--model-identifier", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0");

        assertThat(exit).isEqualTo(1);
        assertThat(output).contains("✖  AWS credentials")
                .contains("fix: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or give the pod an IAM role: "
                        + "IRSA or EKS Pod Identity) for an identity allowed bedrock:InvokeModel")
                .contains("✖  AWS region")
                .contains("fix: set AWS_REGION_NAME to the region where the model is enabled in Bedrock, e.g. us-east-1");
        assertThat(model.getAllServeEvents()).isEmpty();
    }

    @Test
    void aws_credentials_and_region_present_pass_without_being_printed() {
        env.put("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE4711");
        env.put("AWS_SECRET_ACCESS_KEY", "aws-secret-value-4711");
        env.put("AWS_REGION", "eu-west-1");

        troubleshoot("--model-family", "claude_3", "--model-identifier", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0");

        assertThat(output).contains("✔  AWS credentials").contains("✔  AWS region").contains("eu-west-1")
                .contains("⚠  Bedrock call").doesNotContain("AKIAEXAMPLE4711").doesNotContain("aws-secret-value-4711")
                .contains("AWS_SECRET_ACCESS_KEY       set (hidden)");
    }

    @Test
    void a_down_gateway_is_told_to_start_or_point_at_it() throws Exception {
        int port = closedPort();

        int exit = troubleshoot("--endpoint", "127.0.0.1:" + port);

        assertThat(exit).isEqualTo(1);
        assertThat(output).contains("✖  Gateway health")
                .contains("http://127.0.0.1:" + port + "/monitoring/healthz: connection refused")
                .contains("fix: start the gateway, or pass --endpoint with the host and port it listens on "
                        + "(AIGW_FASTAPI__API_PORT, default 5052)")
                .doesNotContain("Model answers through the gateway");
    }

    @Test
    void a_gateway_that_is_not_ready_shows_what_it_waits_for() {
        gateway.stubFor(get(urlEqualTo("/monitoring/ready")).willReturn(aResponse().withStatus(503)
                .withBody("{\"status\":\"not ready\",\"checks\":{\"routes\":\"route openai-compatible is Stopped\"}}")));

        assertThat(troubleshoot()).isEqualTo(1);
        assertThat(output).contains("✖  Gateway readiness")
                .contains("answered 503 {\"status\":\"not ready\",\"checks\":{\"routes\":\"route openai-compatible is Stopped\"}}");
    }

    @Test
    void the_gateways_refusal_is_explained_with_its_detail() {
        gateway.stubFor(post(urlEqualTo("/v2/code/completions")).willReturn(aResponse().withStatus(503)
                .withBody("{\"detail\":\"Inference failed: the model server does not serve this model\"}")));

        troubleshoot();

        assertThat(output).containsPattern(row("✖", "Model answers through the gateway", "503 Inference failed: the model "
                + "server does not serve this model (request troubleshoot-"));
    }

    @Test
    void a_missing_gitlab_url_fails_and_a_bypass_is_flagged_as_a_risk() {
        env.remove("AIGW_GITLAB_URL");

        assertThat(troubleshoot()).isEqualTo(1);
        assertThat(output).contains("✖  GitLab URL")
                .contains("fix: set AIGW_GITLAB_URL to your GitLab's URL as the gateway reaches it");

        env.put("AIGW_AUTH__BYPASS_EXTERNAL", "true");
        assertThat(troubleshoot()).isZero();
        assertThat(output).doesNotContain("GitLab URL").contains("⚠  Authentication")
                .contains("anyone who reaches the gateway can use the models through it");
    }

    @Test
    void documentation_search_without_docs_is_flagged_and_named_in_the_summary() {
        assertThat(troubleshoot()).isZero();
        assertThat(output).containsPattern(row("⚠", "Documentation search", "AIGW_DOCS_DIR is not set: Duo Chat's "
                        + "documentation questions get no results and are answered from the model's own knowledge"))
                .contains("fix: set AIGW_DOCS_DIR to a copy of GitLab's doc folder")
                .containsPattern("(?m)^  AIGW_DOCS_DIR +not set$");
    }

    @Test
    void documentation_search_counts_the_pages_of_the_docs_folder() {
        env.put("AIGW_DOCS_DIR", "src/test/resources/gitlab-docs");

        assertThat(troubleshoot()).isZero();
        assertThat(output).containsPattern(row("✔", "Documentation search", "3 Markdown pages in src/test/resources/gitlab-docs"))
                .containsPattern("(?m)^  AIGW_DOCS_DIR +src/test/resources/gitlab-docs$");
    }

    @Test
    void documentation_search_on_a_missing_folder_fails(@TempDir Path empty) {
        env.put("AIGW_DOCS_DIR", empty.resolve("docs").toString());

        assertThat(troubleshoot()).isEqualTo(1);
        assertThat(output).containsPattern(row("✖", "Documentation search", "AIGW_DOCS_DIR=" + empty.resolve("docs")
                + " is not a readable folder, so the gateway refuses to start"));

        env.put("AIGW_DOCS_DIR", empty.toString());
        assertThat(troubleshoot()).isZero();
        assertThat(output).containsPattern(row("⚠", "Documentation search", empty + " holds no Markdown pages"));
    }

    @Test
    void gitlab_keys_that_do_not_parse_fail() {
        gitlab.stubFor(get(urlEqualTo("/oauth/discovery/keys")).willReturn(okJson(
                "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}")));

        assertThat(troubleshoot()).isEqualTo(1);
        assertThat(output).contains("✖  GitLab signing keys").contains("key k1 at");
    }

    @Test
    void the_api_key_never_appears_even_when_a_server_echoes_it() {
        model.stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(500)
                .withBody("bad key " + KEY)));
        gateway.stubFor(post(urlEqualTo("/v2/code/completions")).willReturn(aResponse().withStatus(503)
                .withBody("{\"detail\":\"Inference failed: rejected Bearer " + KEY + "\"}")));

        troubleshoot();

        assertThat(output).doesNotContain(KEY).doesNotContain("4711")
                .contains("model API key               given (hidden)")
                .contains("rejected Bearer ****");
    }

    @Test
    void says_which_ca_bundle_is_trusted_and_fails_on_one_it_cannot_read() {
        troubleshoot();
        assertThat(output).containsPattern(row("✔", "CA bundle", "the JVM's CAs only"));

        env.put("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem");
        assertThat(troubleshoot()).isEqualTo(1);
        assertThat(output).containsPattern(row("✖", "CA bundle",
                "cannot read the CA bundle REQUESTS_CA_BUNDLE=/nonexistent/ca.pem"))
                .contains("fix: point SSL_CERT_FILE (or REQUESTS_CA_BUNDLE) at a readable file of PEM certificates");
    }

    @Test
    void a_gitlab_whose_certificate_is_not_trusted_shows_the_certificate_error() throws Exception {
        WireMockServer untrusted = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort());
        untrusted.start();
        try {
            env.put("AIGW_GITLAB_URL", "https://localhost:" + untrusted.httpsPort());

            assertThat(troubleshoot()).isEqualTo(1);
            assertThat(output).contains("✖  GitLab OIDC discovery").contains("TLS handshake failed (").contains("PKIX path building failed")
                    .contains("the CA bundle (SSL_CERT_FILE: a PEM file with the CA that signed GitLab's certificate)");
        } finally {
            untrusted.stop();
        }
    }

    @Test
    void an_unknown_option_prints_usage_and_exits_two() {
        assertThat(troubleshoot("--model", "x")).isEqualTo(2);
        assertThat(output).contains("unknown option --model").contains("usage: java -jar ai-gateway.jar troubleshoot");
    }

    /** Runs the command with the model defaults below, overridden by {@code args}. */
    private int troubleshoot(String... args) {
        Map<String, String> options = new HashMap<>(Map.of("--endpoint", "127.0.0.1:" + gateway.getPort(),
                "--model-family", "codestral", "--model-endpoint", model.baseUrl() + "/v1",
                "--model-identifier", "custom_openai/Codestral-22B-v0.1", "--api-key", KEY));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        List<String> line = new ArrayList<>();
        options.forEach((name, value) -> {
            line.add(name);
            line.add(value);
        });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = Troubleshoot.run(line, env, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        output = bytes.toString(StandardCharsets.UTF_8);
        return exit;
    }

    /** One line of the table: status, check name, then the detail after the column padding. */
    private static String row(String status, String check, String detail) {
        return "(?m)^  " + status + "  " + Pattern.quote(check) + " +" + Pattern.quote(detail);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String jwks() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"gitlab-1\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + base64Url(key.getModulus()) + "\",\"e\":\"" + base64Url(key.getPublicExponent()) + "\"}]}";
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
