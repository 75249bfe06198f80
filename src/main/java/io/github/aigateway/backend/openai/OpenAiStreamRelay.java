package io.github.aigateway.backend.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.resilience.ModelCallControl;
import io.github.aigateway.resilience.StopReason;
import io.github.aigateway.stream.TokenStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays an OpenAI-style SSE stream ({@code data: {...}} lines, {@code data: [DONE]}) token by token to the
 * {@link TokenStream} of the exchange. The body is the {@link ModelStream} {@code model-stream:} opened: its lines
 * are read on the event loop that serves GitLab's request, and each token is written to GitLab there, as it arrives;
 * the route's thread only waits for the end, then reports a failure the way the stream allows (an HTTP error before
 * the first token, the stream's own error form after it).
 */
public class OpenAiStreamRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiStreamRelay.class);
    /** Each event read straight into the few fields the relay needs: a tree of every event cost 2 KB of garbage. */
    private static final ObjectReader CHUNKS = OpenAiChat.JSON.readerFor(StreamChunk.class);

    private long maxResponseBytes = Long.MAX_VALUE;

    /** Generated text relayed per stream at most (UTF-8 bytes); the stream is cut after it. */
    public void setMaxResponseBytes(long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    /** What reads the events of the exchange's stream, on the event loop, from its first byte on ({@code model-stream:}). */
    ModelStream.LineHandler events(Exchange exchange) {
        Events events = new Events(exchange, exchange.getProperty(ExchangeProperties.RESPONSE_STREAM, TokenStream.class),
                exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class));
        return events::line;
    }

    /** After the retry loop: waits for the end of the stream {@code model-stream:} relays, and reports how it ended. */
    public void relay(Exchange exchange) throws Exception {
        TokenStream out = exchange.getProperty(ExchangeProperties.RESPONSE_STREAM, TokenStream.class);
        ModelCallControl control = exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class);
        if (!(exchange.getMessage().getBody() instanceof ModelStream stream)) {
            throw new GatewayException(503, "Inference failed: the model server sent no stream");
        }
        try {
            if (!stream.awaitRelayed()) {
                // vLLM always closes with [DONE]: without it the model server died or the connection was cut
                throw new IOException("the model stream ended without [DONE]");
            }
        } catch (IOException | RuntimeException e) {
            StopReason stopped = control.stopReason();
            if (!out.started()) {
                // a stop by the gateway (timeout, GitLab gone) shows as a closed connection: say which it was
                if (stopped != null) {
                    throw control.failure(null);
                }
                throw e;
            }
            String outcome = stopped != null ? stopped.outcome() : "failed: " + e.getMessage();
            exchange.setProperty(ExchangeProperties.STREAM_OUTCOME, outcome);
            if (stopped == StopReason.CLIENT_DISCONNECTED) {
                return;
            }
            LOG.warn("Model stream ended early after it started: {}", outcome);
            out.abort(stopped != null ? "the model stopped sending (" + stopped.outcome() + ")" : e.getMessage());
        }
    }

    /** The stream's events as they arrive, on the event loop. */
    private final class Events {

        private final Exchange exchange;
        private final TokenStream out;
        private final ModelCallControl control;
        private long relayed;

        Events(Exchange exchange, TokenStream out, ModelCallControl control) {
            this.exchange = exchange;
            this.out = out;
            this.control = control;
        }

        /** One line of the stream; false once {@code [DONE]} has ended it. */
        boolean line(String line) throws IOException {
            if (out.clientGone()) {
                // the disconnect normally stopped the call already; this covers a response without a close handler
                control.stop(StopReason.CLIENT_DISCONNECTED);
                throw new IOException("GitLab closed the connection");
            }
            if (!line.startsWith("data:")) {
                return true;
            }
            control.chunkArrived();
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                out.end();
                return false;
            }
            StreamChunk chunk = chunk(data);
            Choice choice = chunk.choices() == null || chunk.choices().isEmpty() ? Choice.NONE : chunk.choices().get(0);
            String text = choice.delta() == null || choice.delta().content() == null ? "" : choice.delta().content();
            relayed += text.getBytes(StandardCharsets.UTF_8).length;
            if (relayed > maxResponseBytes) {
                throw new GatewayException(503, "Inference failed: the model's answer exceeds "
                        + maxResponseBytes + " bytes (AIGW_MODEL_MAX_RESPONSE_BYTES)");
            }
            out.write(text);
            if (OpenAiChat.CONTENT_FILTER.equals(choice.finishReason())) {
                OpenAiChat.contentFiltered(exchange, out.started() ? "streamed" : text);
            }
            if (chunk.usage() != null) {
                exchange.setProperty(ExchangeProperties.MODEL_ANSWER, chunk.usage().answer());
            }
            return true;
        }
    }

    /**
     * One stream event; an in-band error event fails the stream. Chunks without choices (usage, Azure
     * filter results) carry no text.
     */
    static StreamChunk chunk(String data) {
        StreamChunk chunk;
        try {
            chunk = CHUNKS.readValue(data);
        } catch (JsonProcessingException e) {
            throw new GatewayException(503, "Inference failed: the model server sent an invalid stream event");
        }
        JsonNode error = chunk.error();
        if (error != null && !error.isNull()) {
            String message = error.isObject() ? error.path("message").asText("model error") : error.asText();
            throw new GatewayException(503, "Inference failed: " + message);
        }
        return chunk;
    }

    /** What the relay reads of a chat completion chunk. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StreamChunk(List<Choice> choices, Usage usage, JsonNode error) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Choice(Delta delta, @JsonProperty("finish_reason") String finishReason) {
        static final Choice NONE = new Choice(null, null);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Delta(String content) {
    }

    /** Token counts of the stream's last chunk. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Usage(@JsonProperty("prompt_tokens") Integer promptTokens,
                 @JsonProperty("completion_tokens") Integer completionTokens) {

        /** The counts as the audit log and metrics take them: -1 for one the model left out. */
        ModelAnswer answer() {
            return new ModelAnswer("", promptTokens == null ? -1 : promptTokens, completionTokens == null ? -1 : completionTokens);
        }
    }
}
