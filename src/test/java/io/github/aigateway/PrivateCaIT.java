package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GitLab and a model server behind a private CA, as the packaged jar meets them: with the CA's PEM bundle in
 * {@code SSL_CERT_FILE} the gateway loads GitLab's keys and calls the model over TLS (complete and streamed);
 * without it, the same servers are not trusted.
 */
class PrivateCaIT {

    private static final int PORT = 15196;
    private static final Path DIR = Path.of("target/private-ca");
    private static final String COMPLETION = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"return 1\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";

    private static WireMockServer tls;
    private static FakeGitLab gitlab;
    private static final RSAKey KEY = FakeGitLab.newKey("private-ca-key");
    private Process gateway;

    @BeforeAll
    static void serveGitLabAndAModelWithAPrivateCertificate() throws Exception {
        Files.createDirectories(DIR);
        Files.deleteIfExists(DIR.resolve("server.p12"));
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=gitlab.internal.test", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-keystore", DIR.resolve("server.p12").toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", DIR.resolve("server.p12").toString(),
                "-storepass", "changeit", "-file", DIR.resolve("ca.pem").toString());
        tls = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
                .keystorePath(DIR.resolve("server.p12").toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit"));
        tls.start();
        gitlab = new FakeGitLab(tls, "https://localhost:" + tls.httpsPort());
        gitlab.publish(KEY);
        tls.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(COMPLETION)));
        tls.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(
                        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return \"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"2\"}}]}\n\n"
                        + "data: [DONE]\n\n")));
    }

    @AfterAll
    static void stopServers() {
        tls.stop();
    }

    @AfterEach
    void stopGateway() throws InterruptedException {
        if (gateway != null) {
            gateway.destroy();
            gateway.waitFor();
        }
    }

    @Test
    void trusts_the_bundle_in_ssl_cert_file_for_gitlabs_keys_and_the_model() throws Exception {
        GatewayClient client = start(Map.of("SSL_CERT_FILE", DIR.resolve("ca.pem").toAbsolutePath().toString()));

        assertThat(awaitReady(client)).as("GitLab's keys loaded over TLS").isEqualTo(200);
        String[] headers = FakeGitLab.headers(FakeGitLab.token(KEY));
        HttpResponse<String> complete = client.post("/v2/code/completions", completion(false), headers);
        assertThat(complete.statusCode()).isEqualTo(200);
        assertThat(complete.body()).contains("\"text\":\"return 1\"");
        HttpResponse<String> streamed = client.post("/v2/code/completions", completion(true), headers);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).isEqualTo("return 2");
        tls.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(Files.readString(DIR.resolve("gateway.log"))).contains("Trusting the CA bundle SSL_CERT_FILE=");
    }

    @Test
    void without_the_bundle_the_same_gitlab_is_not_trusted() throws Exception {
        GatewayClient client = start(Map.of());

        assertThat(awaitReady(client)).isEqualTo(503);
        assertThat(Files.readString(DIR.resolve("gateway.log"))).contains("PKIX path building failed");
    }

    private GatewayClient start(Map<String, String> env) throws IOException, InterruptedException {
        Path jar = Path.of("target/ai-gateway.jar").toAbsolutePath();
        ProcessBuilder start = new ProcessBuilder(java(), "-jar", jar.toString())
                .directory(Files.createTempDirectory("ai-gateway-ca").toFile())
                .redirectErrorStream(true)
                .redirectOutput(DIR.resolve("gateway.log").toFile());
        start.environment().put("AIGW_FASTAPI__API_PORT", String.valueOf(PORT));
        start.environment().put("AIGW_FASTAPI__API_HOST", "127.0.0.1");
        start.environment().put("AIGW_GITLAB_URL", gitlab.url());
        start.environment().put("AIGW_AUTH__KEYS_RETRY_SECONDS", "1");
        start.environment().putAll(env);
        gateway = start.start();
        GatewayClient client = new GatewayClient(PORT);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try {
                if (client.get("/monitoring/healthz").statusCode() == 200) {
                    return client;
                }
            } catch (RuntimeException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the gateway did not start; see " + DIR.resolve("gateway.log"));
    }

    /** Readiness once GitLab's keys had a few tries to load: 200 when they did. */
    private static int awaitReady(GatewayClient client) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        int status = client.get("/monitoring/ready").statusCode();
        while (status != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            status = client.get("/monitoring/ready").statusCode();
        }
        return status;
    }

    private static String completion(boolean stream) {
        return """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "def one():\\n    ", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": %s, "model_name": "codestral",
                 "model_endpoint": "https://localhost:%d/v1", "model_identifier": "custom_openai/Codestral-22B-v0.1",
                 "model_api_key": "sk-model"}
                """.formatted(stream, tls.httpsPort());
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(java()).resolveSibling("keytool");
        Process process = new ProcessBuilder(concat(keytool.toString(), args)).redirectErrorStream(true)
                .redirectOutput(new File("target/private-ca/keytool.log")).start();
        assertThat(process.waitFor()).as("keytool %s", List.of(args)).isZero();
    }

    private static List<String> concat(String first, String... rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), java.util.stream.Stream.of(rest)).toList();
    }
}
