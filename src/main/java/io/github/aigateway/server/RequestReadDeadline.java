package io.github.aigateway.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that does not deliver a complete request (headers and body) within a bound: from the moment
 * it opens, and again from the end of each answer while it is kept alive. A client that sends half its headers, a
 * body shorter than its {@code Content-Length}, or nothing at all would otherwise hold a connection (a file
 * descriptor) for ever. Once a request has been read the bound no longer applies: the model's time and a stream
 * in progress are never cut. Everything here runs on the connection's event loop.
 */
final class RequestReadDeadline {

    private static final Logger LOG = LoggerFactory.getLogger(RequestReadDeadline.class);

    /** One connection: its timer while it waits for a request, and its requests being answered. */
    private static final class Watched {
        long timer = -1;
        int answering;
    }

    private final Vertx vertx;
    private final long timeoutMs;
    private final Map<HttpConnection, Watched> connections = new ConcurrentHashMap<>();

    RequestReadDeadline(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
    }

    /** A new connection: its first request must be read within the bound. */
    void opened(HttpConnection connection) {
        Watched watched = new Watched();
        connections.put(connection, watched);
        arm(connection, watched);
        connection.closeHandler(closed -> {
            Watched gone = connections.remove(connection);
            if (gone != null && gone.timer >= 0) {
                vertx.cancelTimer(gone.timer);
            }
        });
    }

    /** A request's headers arrived: the bound holds until its body has been read too, then stops. */
    void requestArrived(RoutingContext request) {
        HttpConnection connection = request.request().connection();
        Watched watched = connection == null ? null : connections.get(connection);
        if (watched == null) {
            return;
        }
        watched.answering++;
        request.request().end().onComplete(read -> {
            if (read.succeeded() && watched.timer >= 0) {
                vertx.cancelTimer(watched.timer);
                watched.timer = -1;
            }
        });
        request.addEndHandler(answered -> {
            watched.answering--;
            if (watched.answering == 0 && connections.containsKey(connection)) {
                arm(connection, watched);
            }
        });
    }

    private void arm(HttpConnection connection, Watched watched) {
        if (watched.timer >= 0) {
            vertx.cancelTimer(watched.timer);
        }
        watched.timer = vertx.setTimer(timeoutMs, fired -> {
            watched.timer = -1;
            LOG.info("Closing a connection from {} that sent no complete request within {} ms",
                    connection.remoteAddress(), timeoutMs);
            connection.close();
        });
    }
}
