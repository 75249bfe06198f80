package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * recipes/redact-secrets.camel.yaml, loaded with every other recipe: the messages a model receives carry no
 * secret, whether the call is complete or streamed, and the audit record counts what was redacted.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=16060", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "camel.main.routesIncludePattern=file:routes/*.camel.yaml,file:recipes/*.camel.yaml",
                "gateway.audit.file=target/redact-secrets-recipe-test/audit.log"})
class RedactSecretsRecipeTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SECRETS = List.of("AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A",
            "glpat-xK9mQ2vL8nR4tP6wZ1aB", "glrt-t1_Fq8Lm3Nx7Rv2Wy5Zb9Cd", "gldt-Hq3Xv9Lm2Np8Rt4Wz6Yb",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXZhbHVl", "hunter2", "s3cr3t", "tk-1",
            "tok-123", "xyz789", "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu",
            "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY");

    private final GatewayClient gateway = new GatewayClient(16060);
    private final AuditFile audit = new AuditFile("target/redact-secrets-recipe-test/audit.log");
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private String endpoint() {
        return "http://127.0.0.1:" + vllm.getPort() + "/v1";
    }

    @Test
    void a_completion_reaches_the_model_with_every_kind_of_secret_redacted_and_the_rest_as_it_was() throws Exception {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"42\"}}]}")));
        String code = """
                aws_key_id = "AKIAIOSFODNN7EXAMPLE"
                session_key = ASIAY34FZKBOKMUTVV7A
                gitlab = "glpat-xK9mQ2vL8nR4tP6wZ1aB"
                runner = 'glrt-t1_Fq8Lm3Nx7Rv2Wy5Zb9Cd'
                jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXZhbHVl"
                password = "hunter2"
                config = {"password": "s3cr3t", "token": "tk-1"}
                api_token: tok-123
                SECRET=xyz789
                KEY = \"""-----BEGIN RSA PRIVATE KEY-----
                MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu
                KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==
                -----END RSA PRIVATE KEY-----\"""
                password_field_label = "Password"
                payload = "aGVsbG8gd29ybGQ="
                tokenizer = AutoTokenizer.from_pretrained("bert")
                token = os.getenv("TOKEN")
                def login(user: str, password: str, token: Optional[str] = None):
                    max_tokens = 512
                    pem = "-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49""";
        String id = run + "-completion";

        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(code), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode messages = JSON.readTree(onlyModelRequest().getBodyAsString()).path("messages");
        assertThat(messages.path(messages.size() - 1).path("content").asText()).isEqualTo("<s>[SUFFIX][PREFIX]" + """
                aws_key_id = "[REDACTED]"
                session_key = [REDACTED]
                gitlab = "[REDACTED]"
                runner = '[REDACTED]'
                jwt = "[REDACTED]"
                password = "[REDACTED]"
                config = {"password": "[REDACTED]", "token": "[REDACTED]"}
                api_token: [REDACTED]
                SECRET=[REDACTED]
                KEY = \"""[REDACTED]\"""
                password_field_label = "Password"
                payload = "aGVsbG8gd29ybGQ="
                tokenizer = AutoTokenizer.from_pretrained("bert")
                token = os.getenv("TOKEN")
                def login(user: str, password: str, token: Optional[str] = None):
                    max_tokens = 512
                    pem = "[REDACTED]""");
        assertThat(audit.awaitRecord(id).path("redacted").asInt()).isEqualTo(12);
    }

    @Test
    void a_completion_without_secrets_reaches_the_model_unchanged_and_counts_none() throws Exception {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"42\"}}]}")));
        String id = run + "-clean";

        gateway.post("/v2/code/completions", completion("answer = "), "X-Request-ID", id);

        JsonNode messages = JSON.readTree(onlyModelRequest().getBodyAsString()).path("messages");
        assertThat(messages.path(messages.size() - 1).path("content").asText()).isEqualTo("<s>[SUFFIX][PREFIX]answer = ");
        assertThat(audit.awaitRecord(id).path("redacted").asInt()).isZero();
    }

    @Test
    void a_streamed_v4_generation_reaches_the_model_redacted() throws Exception {
        streamFromModel("puts 'hello'");
        ObjectNode body = JSON.createObjectNode();
        ObjectNode payload = body.putArray("prompt_components").addObject().put("type", "code_editor_generation")
                .putObject("payload");
        payload.put("file_name", "deploy.rb").put("content_above_cursor", "DEPLOY_TOKEN = \"gldt-Hq3Xv9Lm2Np8Rt4Wz6Yb\"\n")
                .put("content_below_cursor", "").put("language_identifier", "ruby").put("stream", true)
                .put("prompt_id", "code_suggestions/generations").put("prompt_version", "^1.0.0")
                .putObject("prompt_enhancer").put("user_instruction", "log in as admin, password: hunter2, with AKIAIOSFODNN7EXAMPLE");
        body.put("stream", true);
        body.putObject("model_metadata").put("provider", "openai").put("name", "codestral").put("endpoint", endpoint())
                .put("identifier", "custom_openai/Codestral-22B-v0.1");
        String id = run + "-v4";

        HttpResponse<String> response = gateway.post("/v4/code/suggestions", body.toString(), "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().replaceAll("\"timestamp\":\\d+", "\"timestamp\":0")).isEqualTo("""
                event: stream_start
                data: {"metadata":{"model":{"engine":"agent","name":"Codestral 22B Code Generations"},\
                "timestamp":0,"enabled_feature_flags":[],"region":"us-central1"}}

                event: content_chunk
                data: {"choices":[{"delta":{"content":"puts 'hello'"},"index":0}]}

                event: stream_end
                data: null

                """.replace("\n", "\r\n"));
        String sent = onlyModelRequest().getBodyAsString();
        assertThat(JSON.readTree(sent).path("stream").asBoolean()).isTrue();
        assertThat(sent).contains("DEPLOY_TOKEN = \\\"[REDACTED]\\\"").contains("log in as admin, password: [REDACTED], with [REDACTED]");
        assertThat(audit.awaitRecord(id).path("redacted").asInt()).isEqualTo(3);
    }

    @Test
    void a_duo_chat_question_reaches_the_model_redacted() throws Exception {
        streamFromModel("Final Answer: Your token has expired.");
        String body = """
                {"messages": [{"role": "user", "content": "Why does curl -H 'PRIVATE-TOKEN: glpat-xK9mQ2vL8nR4tP6wZ1aB' fail?",
                               "context": null, "current_file": null, "additional_context": []}],
                 "model_metadata": {"api_key": "test_token", "endpoint": "%s", "name": "mistral", "provider": "openai",
                                    "identifier": "custom_openai/Mistral-7B-Instruct-v0.3"},
                 "unavailable_resources": []}
                """.formatted(endpoint());
        String id = run + "-chat";

        HttpResponse<String> response = gateway.post("/v2/chat/agent", body, "X-Request-ID", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"Your token has expired.\"}}\n");
        JsonNode messages = JSON.readTree(onlyModelRequest().getBodyAsString()).path("messages");
        assertThat(messages.path(messages.size() - 1).path("content").asText())
                .contains("Why does curl -H 'PRIVATE-TOKEN: [REDACTED]' fail?");
        assertThat(messages.toString()).doesNotContain("glpat-xK9mQ2vL8nR4tP6wZ1aB");
        assertThat(audit.awaitRecord(id).path("redacted").asInt()).isEqualTo(1);
    }

    private String completion(String codeAboveCursor) {
        ObjectNode body = JSON.createObjectNode().put("prompt_version", 2).put("model_name", "codestral")
                .put("model_identifier", "custom_openai/Codestral-22B-v0.1").put("model_endpoint", endpoint());
        body.putObject("current_file").put("file_name", "app.py").put("content_above_cursor", codeAboveCursor)
                .put("content_below_cursor", "");
        return body.toString();
    }

    private void streamFromModel(String text) {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":" + JSON.valueToTree(text) + "}}]}\n\n"
                        + "data: [DONE]\n\n")));
    }

    private LoggedRequest onlyModelRequest() {
        List<LoggedRequest> requests = vllm.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(requests).hasSize(1);
        String sent = requests.get(0).getBodyAsString();
        assertThat(SECRETS).noneMatch(sent::contains);
        return requests.get(0);
    }
}
