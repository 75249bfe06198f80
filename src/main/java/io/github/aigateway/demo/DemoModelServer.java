package io.github.aigateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A tiny deterministic OpenAI-compatible model for {@code --demo}: it lets a newcomer see a completion
 * end to end without a GPU. It always answers the same short snippet, streamed word by word when asked.
 * Loopback only; never started unless asked for.
 */
public final class DemoModelServer {

    /** The served model name the demo model lists and accepts. */
    public static final String MODEL = "demo-model";
    static final String ANSWER = "return \"Hello from the demo model\"";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    private DemoModelServer(HttpServer server) {
        this.server = server;
    }

    public static DemoModelServer start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/models", DemoModelServer::models);
        server.createContext("/v1/chat/completions", DemoModelServer::chat);
        server.start();
        return new DemoModelServer(server);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void stop() {
        server.stop(0);
    }

    private static void models(HttpExchange exchange) throws IOException {
        send(exchange, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\",\"owned_by\":\"demo\"}]}");
    }

    private static void chat(HttpExchange exchange) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(exchange.getRequestBody());
        } catch (IOException e) {
            send(exchange, 400, "application/json", "{\"error\":{\"message\":\"invalid JSON\",\"code\":400}}");
            return;
        }
        if (request == null || !request.path("messages").isArray()) {
            send(exchange, 400, "application/json", "{\"error\":{\"message\":\"messages is required\",\"code\":400}}");
            return;
        }
        if (request.path("stream").asBoolean(false)) {
            stream(exchange);
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-demo").put("object", "chat.completion").put("created", 0).put("model", MODEL);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", ANSWER);
        body.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 8).put("total_tokens", 18);
        send(exchange, 200, "application/json", body.toString());
    }

    private static void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String word : ANSWER.split("(?<= )")) {
                ObjectNode chunk = JSON.createObjectNode();
                chunk.put("object", "chat.completion.chunk").put("model", MODEL);
                chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", word);
                out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
