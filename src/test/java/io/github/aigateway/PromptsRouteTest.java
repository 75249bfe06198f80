package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
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
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Named prompts (/v1 and /v2) and the legacy chat API against WireMock as vLLM. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15107", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
            "gateway.timeouts.prompts=first-byte=3s, idle=3s, total=3s"})
class PromptsRouteTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayClient gateway = new GatewayClient(15107);

    @BeforeEach
    void answerLikeVllm() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"}}],"
                        + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}")));
    }

    private String vllmEndpoint() {
        return "http://127.0.0.1:" + vllm.getPort() + "/v1";
    }

    private String metadata(String family, String identifier) {
        return """
                {"name": "%s", "endpoint": "http://127.0.0.1:%d/v1", "api_key": "key",
                 "provider": "openai", "identifier": "%s"}""".formatted(family, vllm.getPort(), identifier);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/prompts/model_configuration%2Fcheck", "/v1/prompts/model_configuration/check"})
    void answers_gitlabs_test_connection_with_the_models_text(String path) {
        HttpResponse<String> response = gateway.post(path,
                UpstreamFixture.named("v1-prompts/model-configuration-check").requestBody(vllmEndpoint()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("\"Hello!\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "model_configuration/check | {}",
        "chat/explain_code | {\"input\": \"Explain the selected code\", \"selected_text\": \"def foo; end\", \"file_content\": \"class A\\n  def foo; end\\nend\", \"language_info\": \"The code is written in Ruby.\", \"file_content_reuse\": \"\"}",
        "chat/write_tests | {\"input\": \"Use RSpec\", \"selected_text\": \"def add(a, b) = a + b\", \"language_info\": \"The code is written in Ruby.\"}",
        "chat/refactor_code | {\"selected_text\": \"if x == true then y end\"}",
        "chat/fix_code | {\"selected_text\": \"for i in 0..n do a[i+1] end\", \"file_content\": \"\"}",
        "chat/troubleshoot_job | {\"job_log\": \"$ bundle install\\nGem::MissingSpecError\"}",
        "chat/explain_vulnerability | {\"input\": \"/vulnerability_explain\", \"title\": \"SQL injection\", \"identifiers\": \"CWE-89\", \"vulnerability_info\": \"The file \\\"db.rb\\\" has this vulnerable code:\\n\\n```\\nquery(params[:q])\\n```\\n\", \"vulnerability_description\": \"User input reaches a query.\", \"selected_text\": \"\", \"file_content\": \"\", \"language_info\": \"The code is written in Ruby and stored as db.rb\"}",
        "chat/summarize_comments | {\"notes_content\": \"Alice: ship it\\nBob: not before the fix\"}",
        "generate_commit_message | {\"diff\": \"-a = 1\\n+a = 2\"}",
        "summarize_new_merge_request | {\"source_branch\": \"fix-login\", \"target_branch\": \"main\", \"extracted_diff\": \"+retry()\"}"})
    void renders_each_prompt_from_gitlabs_inputs(String promptId, String inputs) throws Exception {
        HttpResponse<String> response = gateway.post("/v1/prompts/" + promptId, """
                {"inputs": %s, "prompt_version": "^1.0.0", "model_metadata": %s}
                """.formatted(inputs, metadata("mistral", "custom_openai/Mistral-7B-Instruct-v0.3")));

        assertThat(response.statusCode()).isEqualTo(200);
        ObjectNode sent = (ObjectNode) JSON.readTree(onlyRequest().getBodyAsString());
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sent) + "\n";
        assertThat(sent).isEqualTo(JSON.readTree(GoldenFiles.expected("prompts/" + promptId.replace('/', '.') + ".json", pretty)));
    }

    @Test
    void streams_gitlabs_explain_code_slash_command() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"It defines \"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"foo.\"}}]}\n\ndata: [DONE]\n\n")));

        HttpResponse<String> response = gateway.post("/v1/prompts/chat/explain_code",
                UpstreamFixture.named("v1-prompts/chat-explain-code-stream").requestBody(vllmEndpoint()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(response.body()).isEqualTo("It defines foo.");
    }

    @Test
    void answers_v2_with_content_and_usage() {
        HttpResponse<String> response = gateway.post("/v2/prompts/generate_commit_message", """
                {"inputs": {"diff": "+x"}, "model_metadata": %s}
                """.formatted(metadata("mixtral", "custom_openai/Mixtral-8x7B-Instruct-v0.1")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"content\":\"Hello!\",\"usage\":{\"Mixtral-8x7B-Instruct-v0.1\":"
                + "{\"input_tokens\":9,\"output_tokens\":2}}}");
    }

    @Test
    void streams_v1_as_raw_text_and_v2_as_json_lines() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\ndata: [DONE]\n\n")));
        String body = """
                {"inputs": {}, "stream": true, "model_metadata": %s}
                """.formatted(metadata("codestral", "custom_openai/Codestral-22B-v0.1"));

        HttpResponse<String> v1 = gateway.post("/v1/prompts/model_configuration/check", body);
        HttpResponse<String> v2 = gateway.post("/v2/prompts/model_configuration/check", body);

        assertThat(v1.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(v1.body()).isEqualTo("Hello");
        assertThat(v2.body()).isEqualTo("{\"content\":\"Hel\"}\n{\"content\":\"lo\"}\n");
    }

    @Test
    void answers_an_unknown_prompt_with_404() {
        HttpResponse<String> response = gateway.post("/v1/prompts/chat/no_such_prompt", """
                {"inputs": {}, "model_metadata": %s}""".formatted(metadata("mistral", "custom_openai/m")));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Prompt 'chat/no_such_prompt' not found\"}");
    }

    @Test
    void answers_a_missing_input_with_422() {
        HttpResponse<String> response = gateway.post("/v1/prompts/chat/explain_code", """
                {"inputs": {"input": "explain"}, "model_metadata": %s}""".formatted(metadata("mistral", "custom_openai/m")));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body())
                .isEqualTo("{\"detail\":\"Prompt template 'chat/explain_code/default' needs the input 'selected_text'\"}");
        vllm.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void answers_a_bad_version_constraint_with_422_and_an_unmatched_one_with_400() {
        HttpResponse<String> bad = gateway.post("/v1/prompts/generate_commit_message", """
                {"inputs": {"diff": "+x"}, "prompt_version": "not-a-version", "model_metadata": %s}"""
                .formatted(metadata("mistral", "custom_openai/m")));
        HttpResponse<String> unmatched = gateway.post("/v1/prompts/generate_commit_message", """
                {"inputs": {"diff": "+x"}, "prompt_version": "^2.0.0", "model_metadata": %s}"""
                .formatted(metadata("mistral", "custom_openai/m")));

        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).isEqualTo("{\"detail\":\"Invalid version constraint\"}");
        assertThat(unmatched.statusCode()).isEqualTo(400);
        assertThat(unmatched.body()).isEqualTo("{\"detail\":\"No prompt version found matching the query: ^2.0.0\"}");
    }

    @Test
    void passes_a_model_http_error_on_as_421_with_the_statuss_own_reason() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(404)
                .withStatusMessage("No such model").withBody("{\"detail\":\"Not Found\"}")));

        HttpResponse<String> response = gateway.post("/v1/prompts/model_configuration%2Fcheck", """
                {"inputs": {}, "model_metadata": %s}""".formatted(metadata("mistral", "custom_openai/m")));

        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(response.body()).isEqualTo("{\"detail\":\"404: Not Found\"}");
    }

    @Test
    void passes_a_model_that_does_not_answer_in_time_on_as_421_request_timeout() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(6000).withHeader("Content-Type", "application/json").withBody("{}")));

        HttpResponse<String> response = gateway.post("/v1/prompts/model_configuration%2Fcheck",
                UpstreamFixture.named("v1-prompts/model-configuration-check").requestBody(vllmEndpoint()));

        // LiteLLM's status for a timeout, as GitLab's gateway reports it
        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(response.body()).isEqualTo("{\"detail\":\"408: Request Timeout\"}");
    }

    @Test
    void refuses_a_prompt_the_family_has_no_template_for() {
        HttpResponse<String> response = gateway.post("/v1/prompts/chat/explain_code", """
                {"inputs": {"selected_text": "x"}, "model_metadata": %s}"""
                .formatted(metadata("deepseekcoder", "custom_openai/deepseek-coder-33b-instruct")));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo(
                "{\"detail\":\"Prompt 'chat/explain_code' is not available for model family 'deepseekcoder'\"}");
    }

    @Test
    void answers_the_legacy_chat_smoke_test() throws Exception {
        // contract §7.4, as GitLab's troubleshooting guide sends it
        HttpResponse<String> response = gateway.post("/v1/chat/agent", """
                {"prompt_components": [{"type": "prompt", "metadata": {"source": "GitLab EE", "version": "17.3.0"},
                   "payload": {"content": [{"role": "user", "content": "Hello"}], "provider": "litellm",
                               "model": "mistral", "model_endpoint": "http://127.0.0.1:%d/v1",
                               "model_api_key": "key", "model_identifier": "custom_openai/Mistral-7B"}}],
                 "stream": false}
                """.formatted(vllm.getPort()));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("response").asText()).isEqualTo("Hello!");
        assertThat(answer.path("metadata").path("provider").asText()).isEqualTo("litellm");
        assertThat(answer.path("metadata").path("model").asText()).isEqualTo("mistral");
        assertThat(answer.path("metadata").path("timestamp").isNumber()).isTrue();
        JsonNode sent = JSON.readTree(onlyRequest().getBodyAsString());
        assertThat(sent.path("messages")).isEqualTo(JSON.readTree("[{\"role\":\"user\",\"content\":\"Hello\"}]"));
        assertThat(sent.path("model").asText()).isEqualTo("Mistral-7B");
    }

    @Test
    void answers_an_unknown_legacy_chat_invokable_with_404() {
        HttpResponse<String> response = gateway.post("/v1/chat/make_coffee", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Not found\"}");
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = vllm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }
}
