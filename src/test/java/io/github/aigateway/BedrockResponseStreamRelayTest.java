package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.backend.bedrock.BedrockClientBuilder;
import io.github.aigateway.backend.bedrock.BedrockResponseStreamRelay;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelUsage;
import io.github.aigateway.model.Feature;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.resilience.ModelCalls;
import io.github.aigateway.stream.TokenStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/** The relay against the fake Bedrock's event stream: tokens in order, usage for metrics, and cancellation. */
class BedrockResponseStreamRelayTest {

    private static final ModelCatalog CATALOG = new ModelCatalog();

    private static FakeBedrock bedrock;
    private static BedrockRuntimeAsyncClient client;
    /** Short model call timeouts for every feature: first chunk 3 s, silence 500 ms, 5 s in all. */
    private static ModelCalls modelCalls;

    private final BedrockResponseStreamRelay relay = new BedrockResponseStreamRelay();

    @BeforeAll
    static void startClient() {
        bedrock = BedrockTestSetup.fakeBedrock();
        BedrockTestSetup.use();
        BedrockClientBuilder builder = new BedrockClientBuilder();
        builder.setRegion(BedrockTestSetup.REGION);
        builder.setEndpointOverride(bedrock.endpoint());
        client = builder.streamingClient();
        modelCalls = new ModelCalls();
        String timeouts = "first-byte=3s, idle=500ms, total=5s";
        modelCalls.setCodeCompletionsTimeouts(timeouts);
        modelCalls.setCodeGenerationsTimeouts(timeouts);
        modelCalls.setChatTimeouts(timeouts);
        modelCalls.setPromptsTimeouts(timeouts);
        modelCalls.start();
    }

    @AfterAll
    static void stopClient() {
        client.close();
        modelCalls.stop();
        BedrockTestSetup.clear();
    }

    @BeforeEach
    void setUp() {
        bedrock.reset();
        relay.setClient(client);
    }

    private static Exchange exchange(String modelId, TokenStream out) {
        ModelSelection model = CATALOG.select("claude_3", null, null, "bedrock/" + modelId);
        ModelCall call = new ModelCall(Feature.CODE_GENERATIONS, model, "Claude", List.of(
                new ChatMessage("system", "Write code."), new ChatMessage("user", "add two numbers")),
                0.2, 128, List.of(), true);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty("modelCall", call);
        exchange.setProperty("responseStream", out);
        exchange.setProperty(ExchangeProperties.MODEL_ENDPOINT, bedrock.endpoint());
        modelCalls.begin(exchange);
        return exchange;
    }

    /** What the route does: one attempt opens the stream, then the relay writes it. */
    private void openAndRelay(Exchange exchange) throws InterruptedException {
        relay.open(exchange);
        relay.relay(exchange);
    }

    @Test
    void writes_claude_text_deltas_in_order_and_leaves_the_usage_for_metrics() throws Exception {
        bedrock.streams(BedrockStreamingRouteTest.CLAUDE_STREAM);
        bedrock.clientSawFirstToken();
        RecordingStream out = new RecordingStream(Integer.MAX_VALUE);
        Exchange exchange = exchange("anthropic.claude-3-5-sonnet-20240620-v1:0", out);

        openAndRelay(exchange);

        assertThat(out.written).containsExactly("Hello", " world");
        assertThat(out.ended).isTrue();
        assertThat(exchange.getProperty("modelUsage")).isEqualTo(new ModelUsage(57, 2));
    }

    @Test
    void reads_mistral_usage_from_bedrocks_invocation_metrics() throws Exception {
        bedrock.streams(BedrockStreamingRouteTest.MIXTRAL_STREAM);
        bedrock.clientSawFirstToken();
        RecordingStream out = new RecordingStream(Integer.MAX_VALUE);
        Exchange exchange = exchange("mistral.mixtral-8x7b-instruct-v0:1", out);

        openAndRelay(exchange);

        assertThat(out.written).containsExactly("Hello", " world");
        assertThat(exchange.getProperty("modelUsage")).isEqualTo(new ModelUsage(31, 2));
    }

    @Test
    void stops_reading_when_gitlab_has_gone() throws Exception {
        bedrock.streams(BedrockStreamingRouteTest.CLAUDE_STREAM).holdsAfterChunk(BedrockStreamingRouteTest.CLAUDE_FIRST_TEXT);
        RecordingStream out = new RecordingStream(1);
        Exchange exchange = exchange("anthropic.claude-3-5-sonnet-20240620-v1:0", out);

        openAndRelay(exchange);

        assertThat(out.written).containsExactly("Hello");
        assertThat(out.ended).isFalse();
        assertThat(exchange.getProperty("streamOutcome")).isEqualTo("client_disconnected");
        assertThat(bedrock.finished()).isFalse();
    }

    @Test
    void a_silent_bedrock_is_a_timeout_before_the_first_token() {
        // the fake holds after the message_start chunk, which carries no text
        bedrock.streams(BedrockStreamingRouteTest.CLAUDE_STREAM).holdsAfterChunk(0);
        RecordingStream out = new RecordingStream(Integer.MAX_VALUE);

        assertThatThrownBy(() -> openAndRelay(exchange("anthropic.claude-3-5-sonnet-20240620-v1:0", out)))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getStatus()).isEqualTo(504));
        assertThat(out.started()).isFalse();
    }

    /** Records what the relay writes; GitLab "goes away" after {@code writesBeforeGone} writes. */
    private static final class RecordingStream implements TokenStream {
        final List<String> written = new ArrayList<>();
        final int writesBeforeGone;
        boolean ended;

        RecordingStream(int writesBeforeGone) {
            this.writesBeforeGone = writesBeforeGone;
        }

        @Override
        public void write(String text) {
            if (!text.isEmpty()) {
                written.add(text);
            }
        }

        @Override
        public void end() {
            ended = true;
        }

        @Override
        public void abort(String reason) {
            ended = true;
        }

        @Override
        public boolean started() {
            return !written.isEmpty();
        }

        @Override
        public boolean clientGone() {
            return written.size() >= writesBeforeGone;
        }
    }
}
