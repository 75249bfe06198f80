package io.github.aigateway.stream;

import io.vertx.core.http.HttpServerResponse;

/** Lines of JSON, written as they are given ({@code /v2/chat/agent}: {@code application/x-ndjson}). */
public final class NdjsonStream extends VertxTokenStream {

    public NdjsonStream(HttpServerResponse response, String correlationId, StreamObserver observer) {
        super(response, correlationId, observer);
    }

    @Override
    String contentType() {
        return "application/x-ndjson; charset=utf-8";
    }

    @Override
    String frame(String line) {
        return line;
    }
}
