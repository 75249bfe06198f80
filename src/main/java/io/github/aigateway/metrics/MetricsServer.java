package io.github.aigateway.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} on its own listener, as GitLab's gateway does on port 8082. It is a plain
 * JDK HTTP server on purpose: Camel's management server would be a second platform-http server, and with
 * two of them Camel 4.13 can only route the main one on port 8080.
 */
public class MetricsServer {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private GatewayMetrics metrics;
    private String host = "0.0.0.0";
    private int port = 8082;
    private HttpServer server;

    public void setMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    public void setHost(String host) {
        this.host = host;
    }

    /** 0 picks a free port (the tests do). */
    public void setPort(int port) {
        this.port = port;
    }

    public void start() {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for metrics on " + host + ":" + port, e);
        }
        server.createContext("/", this::answer);
        server.start();
        LOG.info("Prometheus metrics at http://{}:{}/metrics", host, port());
    }

    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                send(exchange, 404, "not found; metrics are at /metrics\n");
            } else if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "GET only\n");
            } else {
                send(exchange, 200, metrics.scrape());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", PROMETHEUS_TEXT);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }
}
