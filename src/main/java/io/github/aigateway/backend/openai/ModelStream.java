package io.github.aigateway.backend.openai;

import io.vertx.core.Context;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * One streamed model call sent by {@code model-stream:} ({@link ModelStreamComponent}) on the Vert.x event loop
 * of GitLab's request: first its answer's status and headers, then its body, read there line by line. It is the
 * {@link Cancellable} the call's watchdog holds, so a timeout or GitLab's disconnect resets the connection at
 * once, whether the call still waits for a connection, for the model's answer, or is mid-stream.
 *
 * <p>Failures are reported as camel-http reports them, so the retry loop, the breakers and the error handler
 * treat both clients alike: a connect timeout as HttpClient's {@link ConnectTimeoutException}, a read timeout as
 * {@link SocketTimeoutException}, a closed or reset connection as an {@link IOException}.
 */
public final class ModelStream implements Cancellable {

    /** Longest line (SSE event) read; longer ones fail the stream. */
    private static final int MAX_LINE_BYTES = 1 << 20;

    /** Handles one line of the body, on the event loop; returns false once the stream's own end has come. */
    @FunctionalInterface
    interface LineHandler {
        boolean line(String line) throws Exception;
    }

    private final Context context;
    private final LineHandler lines;
    private final CompletableFuture<HttpClientResponse> answered = new CompletableFuture<>();
    private final CompletableFuture<Boolean> relayed = new CompletableFuture<>();
    private volatile HttpClientRequest request;
    private volatile HttpClientResponse response;
    private volatile CompletableFuture<String> errorBody;
    private volatile boolean cancelled;

    /** A call whose 2xx body goes to {@code lines}, line by line, from the moment it arrives. */
    ModelStream(Context context, LineHandler lines) {
        this.context = context;
        this.lines = lines;
    }

    /** The request is under way (on the event loop); it is reset at once when the call was stopped meanwhile. */
    void sending(HttpClientRequest sent) {
        request = sent;
        if (cancelled) {
            sent.reset();
        }
    }

    /**
     * The model server answered (on the event loop). A 2xx body is read at once, so the first token goes to
     * GitLab without waiting for the route's thread to take the answer; another body waits for {@link #readBody}.
     */
    void answered(HttpClientResponse answer) {
        response = answer;
        if (answer.statusCode() >= 200 && answer.statusCode() <= 299) {
            readLines(answer);
        } else {
            answer.pause();
        }
        answered.complete(answer);
    }

    void failed(Throwable failure, boolean connecting) {
        answered.completeExceptionally(transportFailure(failure, connecting));
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** Waits (on the route's thread) for the model server's status and headers. */
    HttpClientResponse awaitAnswer() throws IOException, InterruptedException {
        return await(answered);
    }

    /**
     * Waits (on the route's thread) until the body has been relayed: true when the handler saw the stream's own
     * end, false when the body just ended; a failure of the connection, or the handler's own exception (after
     * which the connection is reset, so the model stops generating), is thrown.
     */
    boolean awaitRelayed() throws IOException, InterruptedException {
        return await(relayed);
    }

    private void readLines(HttpClientResponse answer) {
        RecordParser parser = RecordParser.newDelimited("\n", answer).maxRecordSize(MAX_LINE_BYTES);
        parser.exceptionHandler(failure -> relayed.completeExceptionally(transportFailure(failure, false)));
        parser.endHandler(end -> relayed.complete(false));
        parser.handler(line -> {
            if (relayed.isDone()) {
                return; // the rest of a body whose end was already relayed: drained so the connection is kept
            }
            try {
                if (!lines.line(text(line))) {
                    relayed.complete(true);
                }
            } catch (Exception e) {
                relayed.completeExceptionally(e);
                cancel();
            }
        });
    }

    /** Reads a whole (error) body of at most {@code maxBytes} on the event loop; a longer one is cut there. */
    String readBody(long maxBytes) throws IOException, InterruptedException {
        CompletableFuture<String> body = new CompletableFuture<>();
        errorBody = body;
        if (cancelled) {
            body.completeExceptionally(new InterruptedIOException("the gateway stopped the model call"));
        }
        Buffer read = Buffer.buffer();
        context.runOnContext(start -> {
            response.exceptionHandler(failure -> body.completeExceptionally(transportFailure(failure, false)));
            response.endHandler(end -> body.complete(read.toString(StandardCharsets.UTF_8)));
            response.handler(part -> {
                read.appendBuffer(part, 0, (int) Math.min(part.length(), Math.max(0, maxBytes - read.length())));
                if (read.length() >= maxBytes && body.complete(read.toString(StandardCharsets.UTF_8))) {
                    cancel();
                }
            });
            response.resume();
        });
        return await(body);
    }

    /** Resets the connection (or, before it was sent, drops the request); the waiting route thread is woken. */
    @Override
    public boolean cancel() {
        cancelled = true;
        InterruptedIOException stopped = new InterruptedIOException("the gateway stopped the model call");
        answered.completeExceptionally(stopped);
        // an error body that never ends (a connection gone before its handlers were set) must not hold the call
        CompletableFuture<String> body = errorBody;
        if (body != null) {
            body.completeExceptionally(stopped);
        }
        HttpClientRequest sent = request;
        if (sent != null) {
            sent.reset();
        }
        return true;
    }

    private static String text(Buffer line) {
        int end = line.length();
        if (end > 0 && line.getByte(end - 1) == '\r') {
            end--;
        }
        return line.getByteBuf().toString(0, end, StandardCharsets.UTF_8);
    }

    static <T> T await(CompletableFuture<T> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }

    /** Vert.x's failure as camel-http would have reported it. */
    static IOException transportFailure(Throwable failure, boolean connecting) {
        if (failure instanceof TimeoutException) {
            // Vert.x's connect timeout (a pooled connection or a new one, not obtained in time), or its idle timeout
            return connecting ? new ConnectTimeoutException(failure.getMessage())
                    : new SocketTimeoutException(failure.getMessage());
        }
        if (failure instanceof io.netty.channel.ConnectTimeoutException) {
            return new ConnectTimeoutException(failure.getMessage());
        }
        if (failure instanceof IOException io) {
            return io; // refused (a ConnectException), unknown host, TLS
        }
        if (failure instanceof VertxException) {
            // closed or reset by the model server, or reset by the gateway (the watchdog, GitLab gone)
            return new IOException("the model server connection closed: " + failure.getMessage(), failure);
        }
        return new IOException(String.valueOf(failure.getMessage()), failure);
    }
}
