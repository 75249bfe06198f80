package io.github.aigateway.stream;

import io.vertx.core.http.HttpServerResponse;

/**
 * GitLab's streamed code suggestions before v4 (contract §5.4): the generated text itself, labelled
 * {@code text/event-stream} but without SSE framing. A failure simply ends the text.
 */
public final class RawTextStream extends VertxTokenStream {

    public RawTextStream(HttpServerResponse response, String correlationId, StreamObserver observer) {
        super(response, correlationId, observer);
    }

    @Override
    String frame(String text) {
        return text;
    }
}
