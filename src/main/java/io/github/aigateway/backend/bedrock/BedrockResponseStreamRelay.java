package io.github.aigateway.backend.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelUsage;
import io.github.aigateway.resilience.ModelCallControl;
import io.github.aigateway.resilience.StopReason;
import io.github.aigateway.stream.TokenStream;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
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
 * <p>Two steps, like an HTTP call: {@link #open} is one attempt of the retry loop (it returns once Bedrock
 * has accepted the call, or throws its refusal: throttling, unavailable, validation), {@link #relay} then
 * writes the tokens. The SDK delivers decoded chunks on its own Netty threads; they only hand them over a
 * queue, and the exchange's worker thread writes to GitLab, so the Vert.x response is touched by one thread
 * and a failure before the first token can still be thrown for the error handler to answer with a status.
 * The call's {@link ModelCallControl} watches its timeouts (first chunk, silence between chunks, total) and
 * GitLab's disconnect: it cancels the SDK call, which closes the connection, so Bedrock stops generating.
 */
public class BedrockResponseStreamRelay {

    private static final Logger LOG = LoggerFactory.getLogger(BedrockResponseStreamRelay.class);
    private static final Object ACCEPTED = new Object();
    private static final Object END = new Object();

    private BedrockRuntimeAsyncClient client;

    public void setClient(BedrockRuntimeAsyncClient client) {
        this.client = client;
    }

    /** One attempt: sends the request and waits until Bedrock accepted it (or throws why not). */
    public void open(Exchange exchange) throws InterruptedException {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        ModelCallControl control = exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class);
        InvokeModelWithResponseStreamRequest request = InvokeModelWithResponseStreamRequest.builder()
                .modelId(call.model().servedModel())
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(BedrockModels.requestBody(call)))
                .build();

        BlockingDeque<Object> events = new LinkedBlockingDeque<>();
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .onResponse(response -> events.add(ACCEPTED))
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(chunk -> {
                            control.chunkArrived();
                            events.add(chunk.bytes().asUtf8String());
                        })
                        .build())
                .build();
        CompletableFuture<Void> invocation = client.invokeModelWithResponseStream(request, handler);
        invocation.whenComplete((done, failure) -> events.add(failure == null ? END : failure));
        // a timeout or GitLab's disconnect cancels the call: the connection is closed and the queue gets the failure
        control.attach(() -> invocation.cancel(true));
        exchange.setProperty(ExchangeProperties.BEDROCK_STREAM, new OpenStream(events, invocation));

        Object first = events.take();
        if (first instanceof Throwable failure) {
            throw control.failure(unwrapped(failure));
        }
        if (first != ACCEPTED) {
            // an event before the response callback: it is the relay's, in its place
            events.putFirst(first);
        }
    }

    /** After the retry loop: writes the stream's tokens to GitLab as they arrive. */
    public void relay(Exchange exchange) throws InterruptedException {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        TokenStream out = exchange.getProperty(ExchangeProperties.RESPONSE_STREAM, TokenStream.class);
        ModelCallControl control = exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class);
        OpenStream stream = exchange.getProperty(ExchangeProperties.BEDROCK_STREAM, OpenStream.class);
        BedrockFormat format = BedrockFormat.of(call.model().servedModel());

        ModelUsage usage = ModelUsage.UNKNOWN;
        try {
            while (true) {
                Object event = stream.events().take();
                if (out.clientGone() || control.stopReason() == StopReason.CLIENT_DISCONNECTED) {
                    // cancelling closes the connection, so Bedrock stops generating (and billing)
                    stream.invocation().cancel(true);
                    exchange.setProperty(ExchangeProperties.STREAM_OUTCOME, StopReason.CLIENT_DISCONNECTED.outcome());
                    return;
                }
                if (event == END) {
                    break;
                }
                if (event == ACCEPTED) {
                    continue;
                }
                if (event instanceof Throwable failure) {
                    throw control.failure(unwrapped(failure));
                }
                JsonNode chunk = parsed((String) event);
                usage = format.streamedUsage(chunk, usage);
                out.write(format.streamedText(chunk));
            }
            out.end();
        } catch (RuntimeException e) {
            stream.invocation().cancel(true);
            if (!out.started()) {
                throw e;
            }
            StopReason stopped = control.stopReason();
            String outcome = stopped != null ? stopped.outcome() : "failed: " + e.getMessage();
            LOG.warn("Bedrock stream ended early after it started: {}", outcome);
            exchange.setProperty(ExchangeProperties.STREAM_OUTCOME, outcome);
            out.abort(stopped != null ? "the model stopped sending (" + stopped.outcome() + ")" : e.getMessage());
        } finally {
            exchange.setProperty(ExchangeProperties.MODEL_USAGE, usage);
        }
    }

    private static JsonNode parsed(String chunk) {
        try {
            return Json.MAPPER.readTree(chunk);
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

    /** A Bedrock stream the retry loop opened: its events (text, end, failure) and the SDK call to cancel. */
    record OpenStream(BlockingDeque<Object> events, CompletableFuture<Void> invocation) {
    }
}
