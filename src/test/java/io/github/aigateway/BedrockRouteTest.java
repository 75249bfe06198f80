package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Complete (non-streamed) answers from AWS Bedrock through the fake: the exact signed request Bedrock
 * receives per model, the exact answer GitLab gets, and each Bedrock error as GitLab sees it.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15200", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true", "gateway.bedrock.region=eu-west-3"})
class BedrockRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final FakeBedrock BEDROCK = BedrockTestSetup.fakeBedrock();

    private static final String CLAUDE_GENERATION_BODY = "{\"anthropic_version\":\"bedrock-2023-05-31\","
            + "\"max_tokens\":2048,\"system\":\"You write python code for a developer, straight into their editor at "
            + "the cursor. Follow their instruction and fit the code around the cursor: same style, same indentation,"
            + " no code that is already there.\\nPut the new code, and nothing else, between <new_code> and "
            + "</new_code>.\",\"messages\":[{\"role\":\"user\",\"content\":\"The file calc.py, up to the cursor:\\n"
            + "# add two numbers\\ndef add(a, b):\\n\\nInstruction: Generate the function body\"},"
            + "{\"role\":\"assistant\",\"content\":\"<new_code>\"}],\"temperature\":0.2,"
            + "\"stop_sequences\":[\"</new_code>\"]}";

    static final String CLAUDE_ANSWER = "{\"id\":\"msg_bdrk_01\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-3-5-sonnet\",\"content\":[{\"type\":\"text\",\"text\":\"\\n    return a + b\\n\"}],"
            + "\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"</new_code>\","
            + "\"usage\":{\"input_tokens\":57,\"output_tokens\":9}}";

    private final GatewayClient gateway = new GatewayClient(15200);

    @BeforeEach
    void resetBedrock() {
        BEDROCK.reset();
    }

    @BeforeAll
    static void useFakeBedrock() {
        BedrockTestSetup.use();
    }

    @AfterAll
    static void forgetBedrock() {
        BedrockTestSetup.clear();
    }

    static String generation(String family, String identifier, boolean stream) {
        return """
                {"current_file": {"file_name": "calc.py", "content_above_cursor": "# add two numbers\\ndef add(a, b):\\n",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt_id": "code_suggestions/generations",
                 "prompt": "Generate the function body", "stream": %s,
                 "model_endpoint": "http://bedrock.invalid", "model_name": "%s", "model_identifier": "%s"}
                """.formatted(stream, family, identifier);
    }

    static String completion(String family, String identifier) {
        return """
                {"current_file": {"file_name": "calc.py", "content_above_cursor": "def add(a, b):\\n    ",
                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": false,
                 "model_endpoint": "http://bedrock.invalid", "model_name": "%s", "model_identifier": "%s"}
                """.formatted(family, identifier);
    }

    /** GitLab's v2 answer with the clock taken out. */
    private static String withoutClock(String answer) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(answer);
        assertThat(body.path("created").isNumber()).isTrue();
        body.put("created", 0);
        return body.toString();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        "us.anthropic.claude-3-5-sonnet-20241022-v2:0"})
    void claude_3_5_generates_code_through_the_messages_api(String modelId) throws Exception {
        BEDROCK.answers(CLAUDE_ANSWER);

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                generation("claude_3", "bedrock/" + modelId, false));

        assertThat(response.statusCode()).isEqualTo(200);
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.rawPath()).isEqualTo("/model/" + modelId.replace(":", "%3A") + "/invoke");
        assertThat(sent.headers()).containsEntry("content-type", "application/json")
                .containsEntry("accept", "application/json");
        assertThat(sent.body()).isEqualTo(CLAUDE_GENERATION_BODY);
        assertThat(withoutClock(response.body())).isEqualTo("{\"id\":\"id\",\"model\":{\"engine\":\"agent\","
                + "\"name\":\"Claude 3 Code Generations Agent\",\"lang\":\"python\",\"tokens_consumption_metadata\":null,"
                + "\"region\":\"us-central1\"},"
                + "\"experiments\":[],\"object\":\"text_completion\",\"created\":0,\"choices\":[{\"text\":"
                + "\"\\n    return a + b\\n\",\"index\":0,\"finish_reason\":\"length\"}],"
                + "\"metadata\":{\"enabled_feature_flags\":[]}}");
    }

    @Test
    void mixtral_generates_code_from_an_instruction_prompt() throws Exception {
        BEDROCK.answers("{\"outputs\":[{\"text\":\"    return a + b\",\"stop_reason\":\"stop\"}]}");

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                generation("mixtral", "bedrock/mistral.mixtral-8x7b-instruct-v0:1", false));

        assertThat(response.statusCode()).isEqualTo(200);
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.rawPath()).isEqualTo("/model/mistral.mixtral-8x7b-instruct-v0%3A1/invoke");
        assertThat(sent.body()).isEqualTo("{\"prompt\":\"<s>[INST] You write python code for a developer, straight"
                + " into their editor at the cursor. Follow their instruction and fit the code around the cursor: same"
                + " style, same indentation, no code that is already there.\\nAnswer with the new code only: no"
                + " explanation and no markdown fences.\\n\\nThe file calc.py, up to the cursor:\\n# add two numbers"
                + "\\ndef add(a, b):\\n\\nInstruction: Generate the function body [/INST]\",\"max_tokens\":256,"
                + "\"temperature\":0.95}");
        assertThat(withoutClock(response.body())).isEqualTo("{\"id\":\"id\",\"model\":{\"engine\":\"agent\","
                + "\"name\":\"Mixtral Code Generations\",\"lang\":\"python\",\"tokens_consumption_metadata\":null,"
                + "\"region\":\"us-central1\"},"
                + "\"experiments\":[],\"object\":\"text_completion\",\"created\":0,\"choices\":[{\"text\":"
                + "\"    return a + b\",\"index\":0,\"finish_reason\":\"length\"}],"
                + "\"metadata\":{\"enabled_feature_flags\":[]}}");
    }

    @Test
    void answers_gitlab_18_generations_in_the_completion_v3_shape() throws Exception {
        BEDROCK.answers(CLAUDE_ANSWER);

        HttpResponse<String> response = gateway.post("/v4/code/suggestions", """
                {"prompt_components": [{"type": "code_editor_generation",
                   "payload": {"file_name": "calc.py", "content_above_cursor": "# add two numbers\\ndef add(a, b):\\n",
                               "content_below_cursor": "", "language_identifier": "python", "stream": false,
                               "prompt_id": "code_suggestions/generations", "prompt_version": "^1.0.0",
                               "prompt_enhancer": {"user_instruction": "Generate the function body"}}}],
                 "stream": false,
                 "model_metadata": {"provider": "litellm", "name": "claude_3", "endpoint": "http://bedrock.invalid",
                                    "identifier": "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0"}}
                """);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(BEDROCK.onlyRequest().body()).isEqualTo(CLAUDE_GENERATION_BODY);
        // v3 and v4 answer a generation as the model wrote it (GitLab's gateway only empties all-whitespace ones)
        assertThat(JSON.readTree(response.body()).path("choices").path(0).path("text").asText())
                .isEqualTo("\n    return a + b\n");
    }

    @ParameterizedTest(name = "{0} via {1}")
    @CsvSource({
        "claude_3, anthropic.claude-3-5-sonnet-20240620-v1:0",
        "claude_3, us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "mixtral, mistral.mixtral-8x7b-instruct-v0:1"})
    void refuses_code_completions_the_catalog_does_not_allow_without_calling_bedrock(String family, String modelId) {
        HttpResponse<String> response = gateway.post("/v2/code/completions", completion(family, "bedrock/" + modelId));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Model family '" + family + "' ('" + modelId
                + "') does not support code completions in the model catalog\"}");
        assertThat(BEDROCK.received()).isEmpty();
    }

    /** GitLab 18.9's Claude rows complete code, by model id or by region or global inference profile. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "anthropic.claude-sonnet-4-20250514-v1:0",
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "apac.anthropic.claude-haiku-4-5-20251001-v1:0",
        "global.anthropic.claude-opus-4-5-20251101-v1:0"})
    void claude_4_completes_code_through_the_messages_api(String modelId) throws Exception {
        BEDROCK.answers("{\"content\":[{\"type\":\"text\",\"text\":\"return a + b\"}],"
                + "\"usage\":{\"input_tokens\":40,\"output_tokens\":5}}");

        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "calc.py", "language_identifier": "python",
                  "content_above_cursor": "def add(a, b):\\n    ", "content_below_cursor": "\\n\\nprint(add(1, 2))\\n"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": false,
                 "model_endpoint": "http://bedrock.invalid", "model_name": "claude_3", "model_identifier": "bedrock/%s"}
                """.formatted(modelId));

        assertThat(response.statusCode()).isEqualTo(200);
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.rawPath()).isEqualTo("/model/" + modelId.replace(":", "%3A") + "/invoke");
        // the Claude completion prompt of the golden file, in the Messages API
        JsonNode prompt = JSON.readTree(GoldenFiles.read("code_completions/claude_3.json")).path("vllm_request");
        assertThat(sent.body()).isEqualTo("{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":128,"
                + "\"system\":" + prompt.path("messages").path(0).path("content") + ",\"messages\":[{\"role\":\"user\","
                + "\"content\":" + prompt.path("messages").path(1).path("content") + "}],\"temperature\":0.0}");
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("choices").path(0).path("text").asText()).isEqualTo("return a + b");
        assertThat(answer.path("model").path("name").asText()).isEqualTo("Claude 3 Code Completions");
        assertThat(answer.path("model").path("tokens_consumption_metadata").path("output_tokens").asInt()).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"us.meta.llama3-3-70b-instruct-v1:0", "meta.llama3-1-70b-instruct-v1:0"})
    void llama_generates_code_from_llama_3s_chat_template(String modelId) throws Exception {
        BEDROCK.answers("{\"generation\":\"    return a + b\",\"prompt_token_count\":61,"
                + "\"generation_token_count\":7,\"stop_reason\":\"stop\"}");

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                generation("llama3", "bedrock/" + modelId, false));

        assertThat(response.statusCode()).isEqualTo(200);
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.rawPath()).isEqualTo("/model/" + modelId.replace(":", "%3A") + "/invoke");
        assertThat(sent.body()).isEqualTo("{\"prompt\":\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>"
                + "\\n\\nYou write python code for a developer, straight into their editor at the cursor. Follow their"
                + " instruction and fit the code around the cursor: same style, same indentation, no code that is already"
                + " there.\\nAnswer with the new code only: no explanation and no markdown fences.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\\n\\nThe file calc.py, up to the cursor:\\n# add two numbers"
                + "\\ndef add(a, b):\\n\\nInstruction: Generate the function body<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\\n\\n\",\"max_gen_len\":512,\"temperature\":0.3}");
        assertThat(withoutClock(response.body())).isEqualTo("{\"id\":\"id\",\"model\":{\"engine\":\"agent\","
                + "\"name\":\"LLaMA3 Code Generations\",\"lang\":\"python\",\"tokens_consumption_metadata\":null,"
                + "\"region\":\"us-central1\"},"
                + "\"experiments\":[],\"object\":\"text_completion\",\"created\":0,\"choices\":[{\"text\":"
                + "\"    return a + b\",\"index\":0,\"finish_reason\":\"length\"}],"
                + "\"metadata\":{\"enabled_feature_flags\":[]}}");
    }

    @Test
    void refuses_a_bedrock_model_whose_body_format_it_does_not_know_without_calling_bedrock() {
        HttpResponse<String> response = gateway.post("/v2/code/generations",
                generation("general", "bedrock/amazon.titan-text-express-v1", false));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Bedrock model 'amazon.titan-text-express-v1' is not"
                + " supported by this gateway: use an Anthropic Claude (anthropic.*), Mistral (mistral.*) or Meta Llama 3"
                + " (meta.llama3*) model or inference profile\"}");
        assertThat(BEDROCK.received()).isEmpty();
    }

    @Test
    void signs_with_the_configured_region_and_never_forwards_gitlab_headers() {
        BEDROCK.answers(CLAUDE_ANSWER);

        gateway.post("/v2/code/generations", generation("claude_3", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
                false), "Authorization", "Bearer gitlab-jwt", "X-Gitlab-Instance-Id", "instance-1");

        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.signatureProblem()).isNull();
        assertThat(sent.headers().get("authorization"))
                .matches("AWS4-HMAC-SHA256 Credential=" + FakeBedrock.ACCESS_KEY
                        + "/\\d{8}/eu-west-3/bedrock/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}")
                .doesNotContain("gitlab-jwt");
        assertThat(sent.headers()).doesNotContainKey("x-gitlab-instance-id");
        // the gateway keeps one retry loop: the SDK makes one attempt only
        assertThat(sent.headers().get("amz-sdk-request")).isEqualTo("attempt=1; max=1");
    }

    @Test
    void bedrock_throttling_that_outlasts_the_retries_is_429_with_retry_after() {
        BEDROCK.fails(429, "ThrottlingException", "Too many requests, please wait before trying again.");

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                generation("claude_3", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", false));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.body()).isEqualTo("{\"detail\":\"Too many requests. Please try again later.\"}");
        // the gateway's retry loop tried three times (AIGW_MODEL_RETRY__MAX_ATTEMPTS), each one SDK attempt
        assertThat(BEDROCK.received()).hasSize(3)
                .allSatisfy(call -> assertThat(call.headers().get("amz-sdk-request")).isEqualTo("attempt=1; max=1"));
    }

    @Test
    void bedrock_throttling_passes_on_a_retry_after_bedrock_sent() {
        BEDROCK.fails(429, "ThrottlingException", "Too many requests", "Retry-After", "12");

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                generation("claude_3", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", false));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("12");
        // longer than the longest backoff: GitLab's to honour, not retried here
        assertThat(BEDROCK.received()).hasSize(1);
    }

    /** Bedrock's 503 is retried (three attempts in all), the other errors are not. */
    @ParameterizedTest(name = "{1} (HTTP {0})")
    @CsvSource(delimiter = '|', value = {
        "400|ValidationException|Input is too long for requested model.|422|"
            + "{\"detail\":\"Bedrock refused the request: Input is too long for requested model.\"}",
        "403|AccessDeniedException|You don't have access to the model with the specified model ID.|503|"
            + "{\"detail\":\"Inference failed: AWS denied access to Bedrock model 'anthropic.claude-3-5-sonnet-20240620-v1:0'."
            + " Grant the gateway's AWS identity bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on it and"
            + " enable the model under Bedrock model access in that region (You don't have access to the model with the"
            + " specified model ID.)\"}",
        "403|UnrecognizedClientException|The security token included in the request is invalid.|503|"
            + "{\"detail\":\"Inference failed: AWS rejected the gateway's credentials (UnrecognizedClientException)."
            + " Check the AWS credentials the gateway runs with (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
            + " AWS_PROFILE, or the pod's IAM role)\"}",
        "404|ResourceNotFoundException|Could not resolve the foundation model.|503|"
            + "{\"detail\":\"Inference failed: Bedrock has no model 'anthropic.claude-3-5-sonnet-20240620-v1:0' in the"
            + " configured region (AWS_REGION_NAME): Could not resolve the foundation model.\"}",
        "408|ModelTimeoutException|Model has timed out in processing the request.|504|"
            + "{\"detail\":\"Inference timed out\"}",
        "503|ServiceUnavailableException|Service Unavailable|503|"
            + "{\"detail\":\"Inference failed: Bedrock is unavailable, try again later\"}",
        "500|InternalServerException|Internal Server Error|503|"
            + "{\"detail\":\"Inference failed: InternalServerException: Internal Server Error\"}"})
    void bedrock_errors_get_gitlabs_status_and_detail(int bedrockStatus, String errorType, String message,
                                                      int gitlabStatus, String gitlabBody) {
        BEDROCK.fails(bedrockStatus, errorType, message);

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                generation("claude_3", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", false));

        assertThat(response.statusCode()).isEqualTo(gitlabStatus);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
        assertThat(response.body()).isEqualTo(gitlabBody).doesNotContain(FakeBedrock.SECRET_KEY);
        assertThat(BEDROCK.received()).hasSize(bedrockStatus == 503 ? 3 : 1);
    }

    @Test
    void an_answer_in_the_wrong_format_is_503_not_an_empty_suggestion() {
        BEDROCK.answers("{\"outputs\":[{\"text\":\"hello\"}]}");

        HttpResponse<String> response = gateway.post("/v2/code/generations",
                generation("claude_3", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", false));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Inference failed: Bedrock sent an answer that is not in"
                + " the format of anthropic.claude-3-5-sonnet-20240620-v1:0\"}");
    }
}
