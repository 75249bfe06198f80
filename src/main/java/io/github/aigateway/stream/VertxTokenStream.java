package io.github.aigateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * Writes a token stream straight to the Vert.x response: platform-http would otherwise buffer an
 * {@code InputStream} body until 16 KiB or its end. Camel writes nothing more once the response ended.
 */
abstract class VertxTokenStream implements TokenStream {

    private final HttpServerResponse response;
    private final String correlationId;
    private final StreamObserver observer;
    private boolean started;
    private boolean ended;
    private long firstTextNanos = -1;

    VertxTokenStream(HttpServerResponse response, String correlationId, StreamObserver observer) {
        this.response = response;
        this.correlationId = correlationId;
        this.observer = observer;
    }

    /** Content type of the stream; GitLab labels most of its streams {@code text/event-stream}. */
    String contentType() {
        return "text/event-stream; charset=utf-8";
    }

    /** Bytes sent before the first piece of text. */
    String opening() {
        return "";
    }

    /** One piece of text, framed. */
    abstract String frame(String text);

    /** Bytes that end the stream normally. */
    String closing() {
        return "";
    }

    /** Bytes that end a failed stream; by default the stream just ends. */
    String failure(String reason) {
        return "";
    }

    /** Extra response headers, e.g. {@code X-Streaming-Format}. */
    void headers(HttpServerResponse response) {
    }

    @Override
    public void write(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (firstTextNanos < 0) {
            firstTextNanos = System.nanoTime();
        }
        send(frame(text));
        observer.text(text);
    }

    @Override
    public void end() {
        finish(closing());
    }

    @Override
    public void abort(String reason) {
        finish(failure(reason));
    }

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public boolean clientGone() {
        return response.closed();
    }

    @Override
    public long firstTextNanos() {
        return firstTextNanos;
    }

    private void finish(String last) {
        if (ended) {
            return;
        }
        send(last);
        ended = true;
        if (!response.closed()) {
            response.end();
        }
    }

    private void send(String bytes) {
        if (!started) {
            started = true;
            response.setStatusCode(200);
            response.setChunked(true);
            response.putHeader("Content-Type", contentType());
            response.putHeader("Cache-Control", "no-cache");
            response.putHeader("X-Request-ID", correlationId);
            headers(response);
            observer.firstChunk();
            bytes = opening() + bytes;
        }
        if (!bytes.isEmpty() && !response.closed()) {
            response.write(Buffer.buffer(bytes.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
