package io.github.aigateway.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.api.GatewayException;
import io.github.aigateway.stream.TokenStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * Streams a Bedrock answer token by token with InvokeModelWithResponseStream, which camel-aws-bedrock
 * 4.13 lacks. Camel 4.16 adds {@code operation=invokeTextModelStreaming} (with {@code streamOutputMode=chunks})
 * to the {@code aws-bedrock:} endpoint; once the gateway is on it, this bean can go.
 *
 * <p>The SDK delivers decoded chunks on its own Netty threads; they only hand them over a queue, and the
 * exchange's worker thread writes to GitLab, so the Vert.x response is touched by one thread and a failure
 * before the first token can still be thrown for the error handler to answer with a status.
 */
public class BedrockResponseStreamRelay {

    private static final Logger LOG = LoggerFactory.getLogger(BedrockResponseStreamRelay.class);
    private static final Object END = new Object();
    /** How often a silent stream checks whether GitLab is still there. */
    private static final long CLIENT_CHECK_MS = 250;

    private BedrockRuntimeAsyncClient client;
    private int idleTimeoutMs = 30000;

    public void setClient(BedrockRuntimeAsyncClient client) {
        this.client = client;
    }

    /** Longest silence between two chunks before the call is dropped. */
    public void setIdleTimeoutMs(int idleTimeoutMs) {
        this.idleTimeoutMs = idleTimeoutMs;
    }

    public void relay(Exchange exchange) throws InterruptedException {
        ModelCall call = exchange.getProperty("modelCall", ModelCall.class);
        TokenStream out = exchange.getProperty("responseStream", TokenStream.class);
        BedrockFormat format = BedrockFormat.of(call.model().servedModel());
        InvokeModelWithResponseStreamRequest request = InvokeModelWithResponseStreamRequest.builder()
                .modelId(call.model().servedModel())
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(BedrockModels.requestBody(call)))
                .build();

        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(chunk -> events.add(chunk.bytes().asUtf8String()))
                        .build())
                .build();
        CompletableFuture<Void> invocation = client.invokeModelWithResponseStream(request, handler);
        invocation.whenComplete((done, failure) -> events.add(failure == null ? END : failure));

        ModelUsage usage = ModelUsage.UNKNOWN;
        try {
            while (true) {
                Object event = nextEvent(events, out);
                if (out.clientGone()) {
                    // cancelling closes the connection, so Bedrock stops generating (and billing)
                    invocation.cancel(true);
                    exchange.setProperty("streamOutcome", "client_disconnected");
                    return;
                }
                if (event == null) {
                    invocation.cancel(true);
                    throw new GatewayException(504, "Inference timed out");
                }
                if (event == END) {
                    break;
                }
                if (event instanceof Throwable failure) {
                    throw unwrapped(failure);
                }
                JsonNode chunk = parsed((String) event);
                usage = format.streamedUsage(chunk, usage);
                out.write(format.streamedText(chunk));
            }
            out.end();
        } catch (RuntimeException e) {
            if (!out.started()) {
                throw e;
            }
            LOG.warn("Bedrock stream failed after it started: {}", e.getMessage());
            exchange.setProperty("streamOutcome", "failed: " + e.getMessage());
            out.abort(e.getMessage());
        } finally {
            exchange.setProperty("modelUsage", usage);
        }
    }

    /** The next event, or null after the idle timeout or as soon as GitLab has gone. */
    private Object nextEvent(BlockingQueue<Object> events, TokenStream out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        Object event = null;
        while (event == null && !out.clientGone() && System.nanoTime() < deadline) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            event = events.poll(Math.max(1, Math.min(left, CLIENT_CHECK_MS)), TimeUnit.MILLISECONDS);
        }
        return event;
    }

    private static JsonNode parsed(String chunk) {
        try {
            return OpenAiChat.JSON.readTree(chunk);
        } catch (JsonProcessingException e) {
            throw new GatewayException(503, "Inference failed: Bedrock sent a stream chunk that is not JSON");
        }
    }

    /** The SDK's own exception (ThrottlingException, ValidationException, …) for the error handler. */
    private static RuntimeException unwrapped(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }
}
