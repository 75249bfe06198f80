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
 * A tiny deterministic OpenAI-compatible model for {@code --demo}: it lets a newcomer see every feature end to
 * end without a GPU. It answers the same short snippet, or, when the request carries Duo Chat's ReAct
 * instructions, a final answer in the ReAct format the chat agent reads; streamed word by word when asked.
 * Loopback only; never started unless asked for.
 */
public final class DemoModelServer {

    /** The served model name the demo model lists and accepts. */
    public static final String MODEL = "demo-model";
    static final String ANSWER = "return \"Hello from the demo model\"";
    static final String CHAT_ANSWER = "Thought: I can answer this without a tool.\n"
            + "Final Answer: Hello from the demo model. A real model would answer your question here.";
    /** The marker every ReAct instruction of the chat agent names; nothing else the gateway sends contains it. */
    private static final String REACT_MARKER = "Final Answer:";

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
        String answer = isChatAgent(request) ? CHAT_ANSWER : ANSWER;
        if (request.path("stream").asBoolean(false)) {
            stream(exchange, answer);
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-demo").put("object", "chat.completion").put("created", 0).put("model", MODEL);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", answer);
        body.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 8).put("total_tokens", 18);
        send(exchange, 200, "application/json", body.toString());
    }

    private static boolean isChatAgent(JsonNode request) {
        for (JsonNode message : request.path("messages")) {
            if (message.path("content").asText("").contains(REACT_MARKER)) {
                return true;
            }
        }
        return false;
    }

    private static void stream(HttpExchange exchange, String answer) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String word : answer.split("(?<= )")) {
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
