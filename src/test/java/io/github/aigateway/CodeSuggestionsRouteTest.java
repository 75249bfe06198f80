package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
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

/** The code suggestion routes against WireMock as vLLM: what vLLM receives and what GitLab gets back. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15101", "camel.server.host=127.0.0.1",
                "gateway.auth.bypass-external=true"})
class CodeSuggestionsRouteTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMPLETION_ANSWER =
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"return a + b\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4,\"total_tokens\":25}}";

    private final GatewayClient gateway = new GatewayClient(15101);

    @BeforeEach
    void answerLikeVllm() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Server", "uvicorn")
                .withHeader("X-Backend-Internal", "backend-only")
                .withBody(COMPLETION_ANSWER)));
    }

    private String endpoint() {
        return "http://127.0.0.1:" + vllm.getPort() + "/v1";
    }

    @ParameterizedTest(name = "{0} completion via {1}")
    @CsvSource({
        "codestral, custom_openai/Codestral-22B-v0.1",
        "mistral, custom_openai/Mistral-7B-v0.1",
        "mixtral, custom_openai/Mixtral-8x7B-v0.1",
        "codegemma, custom_openai/codegemma-2b",
        "codellama, custom_openai/CodeLlama-13b-hf",
        "deepseekcoder, custom_openai/deepseek-coder-33b-base",
        "llama3, custom_openai/Meta-Llama-3.1-8B-Instruct",
        "general, custom_openai/Qwen2.5-Coder-7B-Instruct"})
    void completion_prompts_each_family_as_the_catalog_says(String family, String identifier) throws Exception {
        completes_with_the_families_prompt(family, identifier, family);
    }

    /** GitLab 18.9's supported models that complete code, each with its family's prompt under its served name. */
    @ParameterizedTest(name = "{0} completion via {1}")
    @CsvSource({
        "gpt, custom_openai/openai/gpt-oss-120b, gpt.gpt-oss-120b",
        "gpt, custom_openai/openai/gpt-oss-20b, gpt.gpt-oss-20b",
        "mistral, custom_openai/mistralai/Mistral-Small-3.2-24B-Instruct-2506, mistral.mistral-small-24b",
        "llama3, custom_openai/meta-llama/Meta-Llama-3-8B-Instruct, llama3.llama-3-8b",
        "llama3, custom_openai/meta-llama/Meta-Llama-3-70B-Instruct, llama3.llama-3-70b",
        "llama3, custom_openai/meta-llama/Llama-3.1-70B-Instruct, llama3.llama-3.1-70b",
        "llama3, custom_openai/meta-llama/Llama-3.3-70B-Instruct, llama3.llama-3.3-70b",
        "claude_3, custom_openai/claude-sonnet-4-5, claude_3"})
    void completion_prompts_gitlab_18_models(String family, String identifier, String golden) throws Exception {
        completes_with_the_families_prompt(family, identifier, golden);
    }

    private void completes_with_the_families_prompt(String family, String identifier, String golden) throws Exception {
        String body = """
                {"current_file": {"file_name": "calc.py", "language_identifier": "python",
                  "content_above_cursor": "def add(a, b):\\n    ", "content_below_cursor": "\\n\\nprint(add(1, 2))\\n"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": false,
                 "model_endpoint": "%s", "model_name": "%s", "model_identifier": "%s", "model_api_key": "sk-test"}
                """.formatted(endpoint(), family, identifier);

        HttpResponse<String> response = gateway.post("/v2/code/completions", body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertGolden("code_completions/" + golden + ".json", onlyVllmRequest(), response.body());
    }

    @ParameterizedTest(name = "{0} generation via {1}")
    @CsvSource({
        "codestral, custom_openai/Codestral-22B-v0.1",
        "mistral, custom_openai/Mistral-7B-Instruct-v0.3",
        "mixtral, custom_openai/Mixtral-8x7B-Instruct-v0.1",
        "claude_3, custom_openai/claude-3-5-sonnet",
        "codegemma, custom_openai/codegemma-7b-it",
        "codellama, custom_openai/CodeLlama-13b-Instruct-hf",
        "deepseekcoder, custom_openai/deepseek-coder-33b-instruct",
        "gpt, custom_openai/gpt-4o",
        "llama3, custom_openai/Meta-Llama-3.1-70B-Instruct",
        "general, custom_openai/Qwen2.5-Coder-32B-Instruct"})
    void generation_prompts_each_family_as_the_catalog_says(String family, String identifier) throws Exception {
        generates_with_the_families_prompt(family, identifier, family);
    }

    /** GitLab 18.9's supported models that generate code on vLLM, each with its family's prompt. */
    @ParameterizedTest(name = "{0} generation via {1}")
    @CsvSource({
        "gpt, custom_openai/openai/gpt-oss-120b, gpt.gpt-oss-120b",
        "mistral, custom_openai/mistralai/Mistral-Small-3.2-24B-Instruct-2506, mistral.mistral-small-24b",
        "llama3, custom_openai/meta-llama/Llama-3.3-70B-Instruct, llama3.llama-3.3-70b"})
    void generation_prompts_gitlab_18_models(String family, String identifier, String golden) throws Exception {
        generates_with_the_families_prompt(family, identifier, golden);
    }

    private void generates_with_the_families_prompt(String family, String identifier, String golden) throws Exception {
        String body = """
                {"current_file": {"file_name": "calc.py", "content_above_cursor": "# add two numbers\\ndef add(a, b):\\n",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt_id": "code_suggestions/generations",
                 "prompt": "Generate the function body", "stream": false,
                 "model_endpoint": "%s", "model_name": "%s", "model_identifier": "%s", "model_api_key": "sk-test"}
                """.formatted(endpoint(), family, identifier);

        HttpResponse<String> response = gateway.post("/v2/code/generations", body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertGolden("code_generations/" + golden + ".json", onlyVllmRequest(), response.body());
    }

    @Test
    void answers_gitlabs_own_self_hosted_completion_example() throws Exception {
        String body = UpstreamFixture.named("v2-code-completions/rails-self-hosted-codellama").requestBody(endpoint());

        HttpResponse<String> response = gateway.post("/v2/code/completions", body);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode sent = JSON.readTree(onlyVllmRequest().getBodyAsString());
        assertThat(sent.path("model").asText()).isEqualTo("provider/some-model");
        assertThat(sent.path("messages")).hasSize(1);
        assertThat(sent.path("messages").path(0).path("content").asText()).isEqualTo("<PRE> sor <SUF>som <MID>");
        assertThat(onlyVllmRequest().getHeader("Authorization")).isEqualTo("Bearer token");
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("choices").path(0).path("text").asText()).isEqualTo("return a + b");
        assertThat(answer.path("model").path("lang").asText()).isEqualTo("python");
    }

    @Test
    void answers_gitlabs_admin_health_check_with_a_non_empty_suggestion() throws Exception {
        String body = UpstreamFixture.named("v2-code-completions/test-completion-health-check").requestBody(endpoint());

        HttpResponse<String> response = gateway.post("/v2/code/completions", body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("choices").path(0).path("text").asText()).isNotEmpty();
        JsonNode sent = JSON.readTree(onlyVllmRequest().getBodyAsString());
        assertThat(sent.path("messages").path(1).path("content").asText())
                .isEqualTo("<s>[SUFFIX][PREFIX]def hello_world");
    }

    @Test
    void answers_the_troubleshooting_generation_body_cleaned_as_gitlabs_v2_does() throws Exception {
        // contract §6.1 (GitLab's troubleshoot script), vLLM answering in a markdown fence with an echo
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                        + "\"Here it is:\\n```python\\ndef hello():\\n  print('hello')\\n```\\n\"}}]}")));
        String body = """
                {"project_path": "string", "project_id": 0,
                 "current_file": {"file_name": "test.py", "language_identifier": "python",
                                  "content_above_cursor": "def hello():\\n  ", "content_below_cursor": ""},
                 "model_provider": "litellm", "model_endpoint": "%s", "model_api_key": "<key>",
                 "model_identifier": "custom_openai/Mixtral-8x7B-Instruct-v0.1", "model_name": "mixtral",
                 "telemetry": [], "stream": false, "choices_count": 0, "context": [], "agent_id": "string",
                 "prompt_id": "code_suggestions/generations", "prompt_version": 2, "prompt": ""}
                """.formatted(endpoint());

        HttpResponse<String> response = gateway.post("/v2/code/generations", body);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        // GitLab's v2 cleanup: fence lines out, a newline first (the prefix ends mid-line); the model's words stay
        assertThat(answer.path("choices").path(0).path("text").asText())
                .isEqualTo("\nHere it is:\ndef hello():\n  print('hello')\n");
        assertThat(answer.path("model").path("name").asText()).isEqualTo("Mixtral Code Generations");
    }

    @Test
    void answers_gitlab_18_v3_generation_body_with_a_completion_response() throws Exception {
        HttpResponse<String> response = gateway.post("/v3/code/completions", railsGenerationBody());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        ObjectNode answer = (ObjectNode) JSON.readTree(response.body());
        assertThat(answer.path("metadata").path("timestamp").isNumber()).isTrue();
        ((ObjectNode) answer.path("metadata")).put("timestamp", 0);
        assertThat(answer).isEqualTo(JSON.readTree("""
                {"choices": [{"text": "return a + b", "index": 0, "finish_reason": "length"}],
                 "metadata": {"model": {"engine": "agent", "name": "Codestral 22B Code Generations", "lang": "python"},
                              "timestamp": 0, "enabled_feature_flags": [], "region": null},
                 "model": {"engine": "agent", "name": "Codestral 22B Code Generations", "lang": "python"}}
                """));
        JsonNode sent = JSON.readTree(onlyVllmRequest().getBodyAsString());
        assertThat(sent.path("model").asText()).isEqualTo("Codestral-22B-v0.1");
        assertThat(sent.path("messages").path(1).path("content").asText())
                .contains("some content_above_cursor")
                .contains("Instruction: Generate the best possible code based on instructions.");
    }

    @Test
    void answers_v4_without_streaming_like_v3() throws Exception {
        HttpResponse<String> response = gateway.post("/v4/code/suggestions", railsGenerationBody());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("choices").path(0).path("text").asText()).isEqualTo("return a + b");
        assertThat(answer.path("metadata").path("model").path("engine").asText()).isEqualTo("agent");
    }

    @Test
    void serves_the_short_completions_alias() {
        HttpResponse<String> response = gateway.post("/v2/completions", """
                {"prompt_version": 2, "current_file": {"file_name": "a.py", "content_above_cursor": "x = ", "content_below_cursor": ""},
                 "model_name": "codestral", "model_endpoint": "%s"}
                """.formatted(endpoint()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"text\":\"return a + b\"");
    }

    @Test
    void keeps_gitlab_headers_away_from_vllm_and_vllm_headers_away_from_gitlab() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"prompt_version": 2, "current_file": {"file_name": "a.py", "content_above_cursor": "x = ", "content_below_cursor": ""},
                 "model_name": "codestral", "model_endpoint": "%s"}
                """.formatted(endpoint()),
                "Authorization", "Bearer gitlab-instance-jwt",
                "X-Gitlab-Authentication-Type", "oidc",
                "X-Gitlab-Instance-Id", "instance-1",
                "X-Gitlab-Global-User-Id", "user-1",
                "X-Request-ID", "corr-123",
                "Cookie", "session=secret");

        assertThat(response.statusCode()).isEqualTo(200);
        LoggedRequest sent = onlyVllmRequest();
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer dummy_key");
        assertThat(sent.getHeaders().keys()).noneMatch(name -> name.toLowerCase().startsWith("x-gitlab")
                || name.equalsIgnoreCase("cookie"));
        assertThat(sent.getHeader("X-Request-ID")).isEqualTo("corr-123");
        assertThat(response.headers().firstValue("X-Request-ID")).hasValue("corr-123");
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.equalsIgnoreCase("server")
                || name.equalsIgnoreCase("x-backend-internal") || name.equalsIgnoreCase("authorization")
                || name.toLowerCase().startsWith("x-gitlab") || name.equalsIgnoreCase("cookie"));
    }

    @Test
    void a_streamed_call_sends_vllm_only_its_own_headers_and_gitlab_none_of_vllms() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withHeader("Server", "uvicorn")
                .withHeader("X-Backend-Internal", "backend-only")
                .withBody("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return a + b\"}}]}\n\n"
                        + "data: [DONE]\n\n")));

        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"prompt_version": 2, "current_file": {"file_name": "a.py", "content_above_cursor": "x = ", "content_below_cursor": ""},
                 "model_name": "codestral", "model_endpoint": "%s", "model_api_key": "sk-test", "stream": true}
                """.formatted(endpoint()),
                "Authorization", "Bearer gitlab-instance-jwt",
                "X-Gitlab-Authentication-Type", "oidc",
                "X-Gitlab-Instance-Id", "instance-1",
                "X-Request-ID", "corr-123",
                "Cookie", "session=secret");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("return a + b");
        LoggedRequest sent = onlyVllmRequest();
        assertThat(sent.getHeaders().keys()).map(String::toLowerCase)
                .containsExactlyInAnyOrder("host", "content-length", "content-type", "authorization", "x-request-id");
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(sent.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(sent.getHeader("X-Request-ID")).isEqualTo("corr-123");
        // the listener speaks HTTP/1.1: a stream goes out chunked
        assertThat(response.headers().map().keySet()).map(String::toLowerCase)
                .containsExactlyInAnyOrder("transfer-encoding", "content-type", "cache-control", "x-request-id",
                        "x-gateway-overhead-ms", "x-process-time");
    }

    @Test
    void reads_gitlab_headers_whatever_their_case() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"prompt_version": 2, "current_file": {"file_name": "a.py", "content_above_cursor": "x = ", "content_below_cursor": ""},
                 "model_name": "codestral", "model_endpoint": "%s", "some_future_field": {"ignored": true}}
                """.formatted(endpoint()), "x-request-id", "lower-case-id");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-ID")).hasValue("lower-case-id");
        assertThat(onlyVllmRequest().getHeader("X-Request-ID")).isEqualTo("lower-case-id");
    }

    @Test
    void answers_health_and_readiness_without_a_model() {
        HttpResponse<String> health = gateway.get("/monitoring/healthz");
        HttpResponse<String> ready = gateway.get("/monitoring/ready");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(health.headers().firstValue("X-Request-ID")).isPresent();
        assertThat(ready.statusCode()).isEqualTo(200);
        vllm.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    /** A self-hosted generation exactly as Rails 18.9 builds it, pointed at this test's vLLM. */
    private String railsGenerationBody() {
        return UpstreamFixture.named("v3-code-completions/self-hosted-generation").requestBody(endpoint());
    }

    private static LoggedRequest onlyVllmRequest() {
        List<LoggedRequest> requests = vllm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    /** The exact body vLLM received and the exact answer GitLab got, against a reviewed golden file. */
    private static void assertGolden(String name, LoggedRequest sent, String answer) throws Exception {
        ObjectNode actual = JSON.createObjectNode();
        actual.set("vllm_request", JSON.readTree(sent.getBodyAsString()));
        ObjectNode gitlab = (ObjectNode) JSON.readTree(answer);
        assertThat(gitlab.path("created").isNumber()).isTrue();
        gitlab.put("created", 0);
        actual.set("gitlab_response", gitlab);
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n";
        assertThat(actual).isEqualTo(JSON.readTree(GoldenFiles.expected(name, pretty)));
        vllm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Authorization", equalTo("Bearer sk-test"))
                .withRequestBody(equalToJson(actual.path("vllm_request").toString())));
    }
}
