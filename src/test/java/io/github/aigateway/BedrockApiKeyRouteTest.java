package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Bedrock API key ({@code AWS_BEARER_TOKEN_BEDROCK}, here its JVM property {@code aws.bearerTokenBedrock})
 * goes to Bedrock Runtime as {@code Authorization: Bearer} instead of a SigV4 signature, even with access keys
 * in the credentials chain, as GitLab's gateway uses it.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15207", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "gateway.bedrock.region=eu-west-3"})
class BedrockApiKeyRouteTest {

    private static final String API_KEY = "ABSKQmVkcm9ja0FQSUtleS1mYWtlLWtleS1mb3ItdGVzdHM=";
    static final FakeBedrock BEDROCK = BedrockTestSetup.fakeBedrock();

    private final GatewayClient gateway = new GatewayClient(15207);

    @BeforeAll
    static void useFakeBedrockWithAnApiKey() {
        BedrockTestSetup.use();
        System.setProperty("aws.bearerTokenBedrock", API_KEY);
        BEDROCK.acceptsApiKey(API_KEY);
    }

    @AfterAll
    static void forgetBedrock() {
        BedrockTestSetup.clear();
        System.clearProperty("aws.bearerTokenBedrock");
        BEDROCK.acceptsApiKey(null);
    }

    @BeforeEach
    void resetBedrock() {
        BEDROCK.reset();
    }

    @Test
    void sends_the_api_key_as_a_bearer_token_for_complete_answers() {
        BEDROCK.answers(BedrockRouteTest.CLAUDE_ANSWER);

        HttpResponse<String> response = gateway.post("/v2/code/generations", BedrockRouteTest.generation("claude_3",
                "bedrock/global.anthropic.claude-sonnet-4-5-20250929-v1:0", false), "Authorization", "Bearer gitlab-jwt");

        assertThat(response.statusCode()).isEqualTo(200);
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.headers()).containsEntry("authorization", "Bearer " + API_KEY);
        assertThat(sent.rawPath()).isEqualTo("/model/global.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke");
    }

    @Test
    void sends_the_api_key_as_a_bearer_token_for_streams() throws Exception {
        BEDROCK.streams(BedrockStreamingRouteTest.CLAUDE_STREAM);
        BEDROCK.clientSawFirstToken();

        HttpResponse<String> response = gateway.post("/v2/code/generations", BedrockRouteTest.generation("claude_3",
                "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0", true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello world");
        FakeBedrock.Received sent = BEDROCK.onlyRequest();
        assertThat(sent.headers()).containsEntry("authorization", "Bearer " + API_KEY);
        assertThat(sent.operation()).isEqualTo("invoke-with-response-stream");
    }
}
