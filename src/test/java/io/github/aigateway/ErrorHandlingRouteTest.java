package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input and failing models get GitLab's error shapes: a clear status and body, never a 500 or an empty 200. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15103", "camel.server.host=127.0.0.1",
                "gateway.auth.bypass-external=true", "gateway.backend.response-timeout-ms=1000"})
class ErrorHandlingRouteTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final GatewayClient gateway = new GatewayClient(15103);

    private String completion(String family, String identifier, String endpoint) {
        return """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "x = ", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "model_name": "%s",
                 "model_identifier": "%s", "model_endpoint": "%s", "model_api_key": "sk-secret-key"}
                """.formatted(family, identifier, endpoint);
    }

    private String vllmEndpoint() {
        return "http://127.0.0.1:" + vllm.getPort() + "/v1";
    }

    private static void assertGitLabError(HttpResponse<String> response, int status, String body) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
        assertThat(response.body()).isEqualTo(body);
    }

    @ParameterizedTest(name = "{0} ({1}) may not serve code completions")
    @CsvSource({
        "gpt, custom_openai/gpt-4, gpt-4",
        "claude_3, custom_openai/claude-3-5-sonnet-20240620, claude-3-5-sonnet-20240620",
        "mistral, custom_openai/Mistral-7B-Instruct-v0.3, Mistral-7B-Instruct-v0.3",
        "codegemma, custom_openai/codegemma-7b-it, codegemma-7b-it"})
    void refuses_a_family_the_catalog_marks_unsupported(String family, String identifier, String served) {
        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion(family, identifier, vllmEndpoint()));

        assertGitLabError(response, 422, "{\"detail\":\"Model family '" + family + "' ('" + served
                + "') does not support code completions in the model catalog\"}");
        vllm.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void refuses_a_family_missing_from_the_catalog() {
        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("falcon", "custom_openai/falcon-7b", vllmEndpoint()));

        assertGitLabError(response, 422, "{\"detail\":\"Model family 'falcon' is not in the model catalog\"}");
    }

    @Test
    void answers_malformed_json_with_gitlabs_validation_error() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", "{\"current_file\": ");

        assertGitLabError(response, 422, "{\"detail\":\"Validation error\"}");
    }

    @Test
    void answers_a_missing_current_file_with_gitlabs_validation_error() {
        HttpResponse<String> response = gateway.post("/v2/code/completions",
                "{\"prompt_version\": 2, \"model_name\": \"codestral\", \"model_endpoint\": \"" + vllmEndpoint() + "\"}");

        assertGitLabError(response, 422, "{\"detail\":\"Validation error\"}");
    }

    @Test
    void names_every_problem_at_once_as_python_prints_them_when_prompts_may_be_logged() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"prompt_version": 2, "current_file": {"file_name": "a.py", "content_above_cursor": 5},
                 "stream": "maybe", "model_name": "codestral", "model_endpoint": "%s"}
                """.formatted(vllmEndpoint()), "X-Gitlab-Enabled-Instance-Verbose-Ai-Logs", "true");

        assertGitLabError(response, 422, "{\"detail\":\"["
                + "{'type': 'string_type', 'loc': ('body', 2, 'current_file', 'content_above_cursor'),"
                + " 'msg': 'Input should be a valid string', 'input': 5},"
                + " {'type': 'missing', 'loc': ('body', 2, 'current_file', 'content_below_cursor'),"
                + " 'msg': 'Field required', 'input': {'file_name': 'a.py', 'content_above_cursor': 5}},"
                + " {'type': 'bool_parsing', 'loc': ('body', 2, 'stream'),"
                + " 'msg': 'Input should be a valid boolean, unable to interpret input', 'input': 'maybe'}]\"}");
    }

    @Test
    void reads_stream_as_pydantic_reads_a_boolean() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"1\"}}]}")));
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"prompt_version": 2, "current_file": {"file_name": "a.py", "content_above_cursor": "x = ",
                 "content_below_cursor": ""}, "stream": "no", "model_name": "codestral", "model_endpoint": "%s"}
                """.formatted(vllmEndpoint()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void answers_a_body_that_is_not_an_object_with_gitlabs_validation_error() {
        HttpResponse<String> response = gateway.post("/v2/code/generations", "[1, 2]");

        assertGitLabError(response, 422, "{\"detail\":\"Validation error\"}");
    }

    @Test
    void refuses_a_saas_model_provider() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"prompt_version": 2, "current_file": {"file_name": "a.py", "content_above_cursor": "x", "content_below_cursor": ""},
                 "model_provider": "anthropic", "model_name": "claude_3"}
                """);

        assertGitLabError(response, 422, "{\"detail\":\"model_provider 'anthropic' is not served here:"
                + " this gateway serves self-hosted models (model_provider litellm)\"}");
    }

    @ParameterizedTest(name = "model_endpoint {0}")
    @CsvSource({
        "'', model_endpoint is required for OpenAI-compatible (vLLM) models",
        "ftp://vllm/v1, 'model_endpoint must be an http(s) URL without query, fragment or credentials'",
        "http://vllm/v1?bridgeEndpoint=false, 'model_endpoint must be an http(s) URL without query, fragment or credentials'",
        "http://user:pw@vllm/v1, 'model_endpoint must be an http(s) URL without query, fragment or credentials'",
        "http://vllm/{{env:HOME}}, model_endpoint is not a valid URL"})
    void refuses_an_unusable_model_endpoint(String endpoint, String detail) {
        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral-22B-v0.1", endpoint));

        assertGitLabError(response, 422, "{\"detail\":\"" + detail + "\"}");
    }

    @Test
    void answers_503_at_once_when_the_model_refuses_connections() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long start = System.nanoTime();

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral-22B-v0.1", "http://127.0.0.1:" + closedPort + "/v1"));

        assertGitLabError(response, 503, "{\"detail\":\"Inference failed\"}");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void passes_a_model_429_on_with_its_retry_after() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "7").withBody("{\"error\":{\"message\":\"slow down\",\"code\":429}}")));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral-22B-v0.1", vllmEndpoint()));

        assertGitLabError(response, 429, "{\"detail\":\"Too many requests. Please try again later.\"}");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        // passed on at once: the HTTP client must not sleep Retry-After and ask again by itself
        vllm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void answers_503_inference_failed_when_the_model_fails() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":{\"message\":\"engine dead\"}}")));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral-22B-v0.1", vllmEndpoint()));

        assertGitLabError(response, 503, "{\"detail\":\"Inference failed\"}");
    }

    @Test
    void names_the_model_when_vllm_does_not_serve_it() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(404)
                .withBody("{\"object\":\"error\",\"message\":\"The model `Codestral` does not exist.\","
                        + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}")));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral", vllmEndpoint()));

        assertGitLabError(response, 503, "{\"detail\":\"Inference failed: the model server does not serve the model"
                + " 'Codestral' at this endpoint (HTTP 404)\"}");
    }

    @Test
    void explains_a_request_the_model_refuses_without_echoing_the_key() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"message\":\"This model's maximum context length is 2048 tokens.\","
                        + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}")));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral-22B-v0.1", vllmEndpoint()));

        assertGitLabError(response, 503, "{\"detail\":\"Inference failed: the model server refused the request"
                + " (HTTP 400): This model's maximum context length is 2048 tokens.\"}");
    }

    @Test
    void says_the_key_was_rejected_without_showing_it() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"Unauthorized\"}")));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral-22B-v0.1", vllmEndpoint()));

        assertGitLabError(response, 503,
                "{\"detail\":\"Inference failed: the model server rejected the API key (HTTP 401)\"}");
        assertThat(response.body()).doesNotContain("sk-secret-key");
    }

    @Test
    void answers_504_when_the_model_says_nothing_in_time() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(3_000).withBody("{\"choices\":[]}")));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral-22B-v0.1", vllmEndpoint()));

        assertGitLabError(response, 504, "{\"detail\":\"Inference timed out\"}");
    }

    @Test
    void never_answers_an_empty_200_for_a_garbled_model_answer() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withBody("<html>proxy error</html>")));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("codestral", "custom_openai/Codestral-22B-v0.1", vllmEndpoint()));

        assertGitLabError(response, 503, "{\"detail\":\"Inference failed: the model server sent an answer that is"
                + " not a chat completion\"}");
    }

    @Test
    void refuses_other_methods() {
        assertThat(gateway.get("/v2/code/completions").statusCode()).isEqualTo(405);
    }
}
