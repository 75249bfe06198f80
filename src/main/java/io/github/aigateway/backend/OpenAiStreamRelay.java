package io.github.aigateway.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.api.GatewayException;
import io.github.aigateway.resilience.ModelCallControl;
import io.github.aigateway.resilience.ModelCalls;
import io.github.aigateway.resilience.StopReason;
import io.github.aigateway.stream.TokenStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays an OpenAI-style SSE stream ({@code data: {...}} lines, {@code data: [DONE]}) token by token to
 * the {@link TokenStream} of the exchange. Needs the route's stream caching off and camel-http's
 * {@code disableStreamCache=true}, so the body is the live socket stream.
 */
public class OpenAiStreamRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiStreamRelay.class);
    /**
     * Characters read ahead. An event line is a few hundred bytes and arrives on its own, so the default
     * 8,192 only held 16 KB of heap per open stream (30 MB at 2,000 streams); longer lines still read whole.
     */
    private static final int READ_AHEAD = 1024;

    private long maxResponseBytes = Long.MAX_VALUE;

    /** Generated text relayed per stream at most (UTF-8 bytes); the stream is cut after it. */
    public void setMaxResponseBytes(long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    public void relay(Exchange exchange) throws IOException {
        TokenStream out = exchange.getProperty("responseStream", TokenStream.class);
        ModelCallControl control = exchange.getProperty(ModelCalls.CONTROL, ModelCallControl.class);
        InputStream in = exchange.getMessage().getBody(InputStream.class);
        if (in == null) {
            throw new GatewayException(503, "Inference failed: the model server sent no stream");
        }
        try (BufferedReader reader = lines(in)) {
            String line;
            boolean done = false;
            long relayed = 0;
            while ((line = reader.readLine()) != null) {
                if (out.clientGone()) {
                    abortUpstream(in);
                    exchange.setProperty("streamOutcome", StopReason.CLIENT_DISCONNECTED.outcome());
                    return;
                }
                if (!line.startsWith("data:")) {
                    continue;
                }
                control.chunkArrived();
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                JsonNode chunk = chunk(data);
                JsonNode choice = chunk.path("choices").path(0);
                String text = choice.path("delta").path("content").asText("");
                relayed += text.getBytes(StandardCharsets.UTF_8).length;
                if (relayed > maxResponseBytes) {
                    abortUpstream(in);
                    throw new GatewayException(503, "Inference failed: the model's answer exceeds "
                            + maxResponseBytes + " bytes (AIGW_MODEL_MAX_RESPONSE_BYTES)");
                }
                out.write(text);
                if (OpenAiChat.CONTENT_FILTER.equals(choice.path("finish_reason").asText())) {
                    OpenAiChat.contentFiltered(exchange, out.started() ? "streamed" : text);
                }
                if (chunk.hasNonNull("usage")) {
                    exchange.setProperty("modelAnswer", new ModelAnswer("",
                            chunk.path("usage").path("prompt_tokens").asInt(-1),
                            chunk.path("usage").path("completion_tokens").asInt(-1)));
                }
            }
            if (done) {
                out.end();
            } else {
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
            LOG.warn("Model stream ended early after it started: {}", outcome);
            exchange.setProperty("streamOutcome", outcome);
            if (stopped != StopReason.CLIENT_DISCONNECTED) {
                out.abort(stopped != null ? "the model stopped sending (" + stopped.outcome() + ")" : e.getMessage());
            }
        }
    }

    /**
     * The stream's lines, decoded as UTF-8 through small buffers: an {@code InputStreamReader} would keep an
     * 8 KiB byte buffer per open stream (16 MB at 2,000 streams) for events of a few hundred bytes.
     */
    private static BufferedReader lines(InputStream in) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new BufferedReader(Channels.newReader(Channels.newChannel(in), utf8, READ_AHEAD), READ_AHEAD);
    }

    /**
     * One stream event; an in-band error event fails the stream. Chunks without choices (usage, Azure
     * filter results) carry no text.
     */
    static JsonNode chunk(String data) {
        JsonNode chunk;
        try {
            chunk = OpenAiChat.JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw new GatewayException(503, "Inference failed: the model server sent an invalid stream event");
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            String message = error.isObject() ? error.path("message").asText("model error") : error.asText();
            throw new GatewayException(503, "Inference failed: " + message);
        }
        return chunk;
    }

    /** Closes the backend connection instead of draining it, so the model stops generating. */
    private static void abortUpstream(InputStream in) throws IOException {
        if (in instanceof EofSensorInputStream sensor) {
            sensor.abort();
        } else {
            in.close();
        }
    }
}
