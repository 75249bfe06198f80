package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Azure OpenAI deployments behind the shared OpenAI-compatible template, with WireMock as Azure and as Entra ID. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15108", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "gateway.azure.authority-host=http://127.0.0.1:15109", "gateway.azure.tenant-id=tenant-1",
                "gateway.azure.client-id=gateway-app", "gateway.azure.client-secret=entra-client-secret"})
class AzureOpenAiRouteTest {

    @RegisterExtension
    static WireMockExtension azure = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension entra = WireMockExtension.newInstance().options(wireMockConfig().port(15109)).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEPLOYMENT_PATH = "/openai/deployments/gpt-4o-prod/chat/completions";

    private final GatewayClient gateway = new GatewayClient(15108);

    @BeforeEach
    void answerLikeAzure() {
        azure.stubFor(post(urlPathEqualTo(DEPLOYMENT_PATH)).willReturn(okJson("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06",
                 "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}],
                 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"return a + b"},
                             "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],
                 "usage":{"prompt_tokens":30,"completion_tokens":4,"total_tokens":34}}""")));
    }

    private String generation(String identifier, String key) {
        return """
                {"current_file": {"file_name": "calc.py", "content_above_cursor": "# add two numbers\\ndef add(a, b):\\n",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt_id": "code_suggestions/generations",
                 "prompt": "Generate the function body", "stream": false,
                 "model_endpoint": "http://127.0.0.1:%d/", "model_name": "gpt", "model_identifier": "%s"%s}
                """.formatted(azure.getPort(), identifier, key == null ? "" : ", \"model_api_key\": \"" + key + "\"");
    }

    @Test
    void calls_the_deployment_with_its_key_and_answers_gitlab() throws Exception {
        HttpResponse<String> response = gateway.post("/v2/code/generations", generation("azure/gpt-4o-prod", "azure-key-1"),
                "Authorization", "Bearer gitlab-jwt");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("choices").path(0).path("text").asText()).isEqualTo("return a + b");
        assertThat(answer.path("model").path("name").asText()).isEqualTo("GPT Code Generations");
        // GitLab's v2 generations report no token counts
        assertThat(answer.path("model").path("tokens_consumption_metadata").isNull()).isTrue();
        LoggedRequest sent = onlyAzureRequest();
        assertThat(sent.getUrl()).isEqualTo(DEPLOYMENT_PATH + "?api-version=2024-10-21");
        assertThat(sent.getHeader("api-key")).isEqualTo("azure-key-1");
        assertThat(sent.containsHeader("Authorization")).isFalse();
        // the same prompt as for GPT served by vLLM, addressed to the deployment
        ObjectNode expected = (ObjectNode) JSON.readTree(GoldenFiles.read("code_generations/gpt.json"))
                .path("vllm_request");
        expected.put("model", "gpt-4o-prod");
        assertThat(JSON.readTree(sent.getBodyAsString())).isEqualTo(expected);
    }

    @Test
    void sends_the_parameters_the_catalog_names_for_reasoning_deployments() throws Exception {
        azure.stubFor(post(urlPathEqualTo("/openai/deployments/o3-mini/chat/completions"))
                .willReturn(okJson("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"x\"}}]}")));

        gateway.post("/v2/code/generations", generation("azure/o3-mini", "k"));

        JsonNode sent = JSON.readTree(azure.findAll(postRequestedFor(
                urlPathEqualTo("/openai/deployments/o3-mini/chat/completions"))).get(0).getBodyAsString());
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(512);
        assertThat(sent.has("max_tokens")).isFalse();
        assertThat(sent.has("temperature")).isFalse();
    }

    /**
     * GitLab 18.9's GPT rows complete code on Azure: the GPT completion prompt addressed to the deployment, with
     * GPT-5-class deployments getting {@code max_completion_tokens} and GitLab's temperature (1 for 5.1 and 5.2,
     * none for the others), which Azure requires of them.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "none", value = {
        "gpt-4-turbo, max_tokens, 0.0",
        "gpt-4o, max_tokens, 0.0",
        "gpt-4o-mini, max_tokens, 0.0",
        "gpt-5, max_completion_tokens, none",
        "gpt-5-mini, max_completion_tokens, none",
        "gpt-5-codex, max_completion_tokens, none",
        "gpt-5.1, max_completion_tokens, 1.0",
        "gpt-5.2, max_completion_tokens, 1.0"})
    void completes_code_with_each_gpt_deployment_of_gitlab_18(String deployment, String maxTokensField,
                                                             Double temperature) throws Exception {
        String path = "/openai/deployments/" + deployment + "/chat/completions";
        azure.stubFor(post(urlPathEqualTo(path)).willReturn(okJson("""
                {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"return a + b"}}],
                 "usage":{"prompt_tokens":21,"completion_tokens":4,"total_tokens":25}}""")));

        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "calc.py", "language_identifier": "python",
                  "content_above_cursor": "def add(a, b):\\n    ", "content_below_cursor": "\\n\\nprint(add(1, 2))\\n"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": false,
                 "model_endpoint": "http://127.0.0.1:%d", "model_name": "gpt", "model_identifier": "azure/%s",
                 "model_api_key": "k"}""".formatted(azure.getPort(), deployment));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("choices").path(0).path("text").asText()).isEqualTo("return a + b");
        // the GPT completion prompt of the golden file, as the catalog adapts it to the deployment
        ObjectNode expected = (ObjectNode) JSON.readTree(GoldenFiles.read("code_completions/gpt.gpt-oss-120b.json"))
                .path("vllm_request");
        expected.put("model", deployment);
        expected.remove("max_tokens");
        expected.remove("temperature");
        expected.put(maxTokensField, 64);
        if (temperature != null) {
            expected.put("temperature", temperature);
        }
        List<LoggedRequest> sent = azure.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertThat(sent).hasSize(1);
        assertThat(JSON.readTree(sent.get(0).getBodyAsString())).isEqualTo(expected);
    }

    @Test
    void chats_with_a_gpt_5_1_deployment_on_gitlabs_terms() throws Exception {
        try (ScriptedStreamingModel model = new ScriptedStreamingModel().azureFilterResultsFirst()) {
            model.clientSawFirstToken();
            model.tokens("Thought: I know this.\nFinal Answer: Run", " git rebase main.");

            HttpResponse<String> response = gateway.post("/v2/chat/agent", """
                    {"messages": [{"role": "user", "content": "How do I rebase?", "context": null,
                                   "current_file": null, "additional_context": []}],
                     "model_metadata": {"api_key": "k", "endpoint": "%s", "name": "gpt", "provider": "openai",
                                        "identifier": "azure/gpt-5.1"},
                     "unavailable_resources": []}""".formatted(model.base()));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"Run\"}}\n"
                    + "{\"type\": \"final_answer_delta\", \"data\": {\"text\": \" git rebase main.\"}}\n");
            assertThat(model.requestPaths())
                    .containsExactly("/openai/deployments/gpt-5.1/chat/completions?api-version=2024-10-21");
            JsonNode sent = JSON.readTree(model.requestBodies().get(0));
            assertThat(sent.path("model").asText()).isEqualTo("gpt-5.1");
            assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(2048);
            assertThat(sent.has("max_tokens")).isFalse();
            assertThat(sent.path("temperature").asDouble()).isEqualTo(1.0);
            assertThat(sent.path("stop")).containsExactly(JSON.getNodeFactory().textNode("Observation:"));
            assertThat(sent.path("messages")).extracting(m -> m.path("role").asText()).containsExactly("system", "user");
            // GitLab's gateway has no GPT chat prompt and uses its Mistral-style one: so does the catalog
            assertThat(sent.path("messages").path(0).path("content").asText())
                    .contains("Tools GitLab can run for you:\n- issue_reader: Reads a GitLab issue.");
            assertThat(sent.path("messages").path(1).path("content").asText()).isEqualTo("Question: How do I rebase?");
        }
    }

    @Test
    void fetches_an_entra_id_token_once_and_reuses_it_when_gitlab_sends_no_key() {
        entra.stubFor(post(urlEqualTo("/tenant-1/oauth2/v2.0/token")).willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"entra-access-token\"}")));

        HttpResponse<String> first = gateway.post("/v2/code/generations", generation("azure/gpt-4o-prod", null));
        HttpResponse<String> second = gateway.post("/v2/code/generations", generation("azure/gpt-4o-prod", null));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        entra.verify(1, postRequestedFor(urlEqualTo("/tenant-1/oauth2/v2.0/token"))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("client_id=gateway-app"))
                .withRequestBody(containing("scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default")));
        azure.verify(2, postRequestedFor(urlPathEqualTo(DEPLOYMENT_PATH))
                .withHeader("Authorization", equalTo("Bearer entra-access-token"))
                .withHeader("api-key", absent()));
    }

    @Test
    void streams_the_first_chunk_before_azure_has_finished() throws Exception {
        try (ScriptedStreamingModel model = new ScriptedStreamingModel().azureFilterResultsFirst()) {
            String body = generation("azure/gpt-4o-prod", "azure-key-1")
                    .replace("\"stream\": false", "\"stream\": true")
                    .replace("http://127.0.0.1:" + azure.getPort() + "/", model.base());
            HttpResponse<InputStream> response = gateway.postStreaming("/v2/code/generations", body);

            byte[] first = new byte[5];
            int read = response.body().readNBytes(first, 0, 5);
            assertThat(new String(first, 0, read, StandardCharsets.UTF_8)).isEqualTo("Hello");
            assertThat(model.finished()).isFalse();
            model.clientSawFirstToken();
            assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(" world");
            assertThat(model.requestPaths()).containsExactly(DEPLOYMENT_PATH + "?api-version=2024-10-21");
        }
    }

    @Test
    void passes_a_429_on_with_azures_retry_after() {
        azure.stubFor(post(urlPathEqualTo(DEPLOYMENT_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("retry-after", "37").withHeader("retry-after-ms", "36500")
                .withBody("{\"error\":{\"code\":\"429\",\"message\":\"Requests have exceeded token rate limit.\"}}")));

        HttpResponse<String> response = gateway.post("/v2/code/generations", generation("azure/gpt-4o-prod", "k"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("37");
        assertThat(response.body()).isEqualTo("{\"detail\":\"Too many requests. Please try again later.\"}");
    }

    @Test
    void says_the_key_was_rejected_without_showing_it() {
        azure.stubFor(post(urlPathEqualTo(DEPLOYMENT_PATH)).willReturn(aResponse().withStatus(401).withBody(
                "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key azure-key-1.\"}}")));

        HttpResponse<String> response = gateway.post("/v2/code/generations", generation("azure/gpt-4o-prod", "azure-key-1"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body())
                .isEqualTo("{\"detail\":\"Inference failed: the model server rejected the API key (HTTP 401)\"}");
    }

    @Test
    void names_a_missing_deployment() {
        azure.stubFor(post(urlPathEqualTo("/openai/deployments/gpt-5-typo/chat/completions")).willReturn(aResponse()
                .withStatus(404).withBody("{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment"
                        + " for this resource does not exist.\"}}")));

        HttpResponse<String> response = gateway.post("/v2/code/generations", generation("azure/gpt-5-typo", "k"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference failed: Azure OpenAI has no deployment"
                + " 'gpt-5-typo' at this endpoint (HTTP 404)\"}");
    }

    @Test
    void answers_a_filtered_code_suggestion_with_an_empty_suggestion() throws Exception {
        azure.stubFor(post(urlPathEqualTo(DEPLOYMENT_PATH)).willReturn(okJson("""
                {"choices":[{"index":0,"finish_reason":"content_filter","message":{"role":"assistant","content":""},
                  "content_filter_results":{"violence":{"filtered":true,"severity":"medium"}}}]}""")));

        HttpResponse<String> response = gateway.post("/v2/code/generations", generation("azure/gpt-4o-prod", "k"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("choices")).isEmpty();
    }

    @Test
    void answers_a_filtered_prompt_with_a_clear_error() {
        azure.stubFor(post(urlPathEqualTo(DEPLOYMENT_PATH)).willReturn(okJson("""
                {"choices":[{"index":0,"finish_reason":"content_filter","message":{"role":"assistant"}}]}""")));

        HttpResponse<String> response = gateway.post("/v1/prompts/generate_commit_message", """
                {"inputs": {"diff": "+x"}, "model_metadata": {"name": "gpt", "provider": "openai", "api_key": "k",
                 "endpoint": "http://127.0.0.1:%d", "identifier": "azure/gpt-4o-prod"}}""".formatted(azure.getPort()));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"The model's content filter withheld the answer\"}");
    }

    private static LoggedRequest onlyAzureRequest() {
        List<LoggedRequest> requests = azure.findAll(postRequestedFor(urlPathEqualTo(DEPLOYMENT_PATH)));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }
}
