package io.github.aigateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible model that streams SSE chunks and, after the first one, waits until the test
 * says the client has seen it. A gateway that buffers the stream therefore never delivers anything and
 * the test fails, whatever the machine's speed.
 */
final class ScriptedStreamingModel implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<String> requestBodies = new CopyOnWriteArrayList<>();
    private final List<String> requestPaths = new CopyOnWriteArrayList<>();
    private volatile String preamble = "";
    private final CountDownLatch firstTokenSeen = new CountDownLatch(1);
    private volatile List<String> tokens = List.of("Hello", " world");
    private volatile boolean failAfterFirst;
    private volatile boolean errorAfterFirst;
    private volatile boolean finished;

    ScriptedStreamingModel() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::stream);
        server.start();
    }

    String endpoint() {
        return base() + "/v1";
    }

    /** The server's root, as an Azure OpenAI resource endpoint is given. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    ScriptedStreamingModel tokens(String... tokens) {
        this.tokens = List.of(tokens);
        return this;
    }

    /** After the first token the stream ends without {@code [DONE]}. */
    ScriptedStreamingModel failAfterFirstToken() {
        this.failAfterFirst = true;
        return this;
    }

    /** After the first token an in-band error event comes, as vLLM sends when generation fails. */
    ScriptedStreamingModel errorAfterFirstToken() {
        this.errorAfterFirst = true;
        return this;
    }

    /** Called by the test once the first token has come out of the gateway. */
    void clientSawFirstToken() {
        firstTokenSeen.countDown();
    }

    boolean finished() {
        return finished;
    }

    List<String> requestBodies() {
        return requestBodies;
    }

    /** Path and query of each request, e.g. Azure's {@code /openai/deployments/x/chat/completions?api-version=…}. */
    List<String> requestPaths() {
        return requestPaths;
    }

    /** Azure OpenAI first sends a chunk with no choices, only the prompt's content filter results. */
    ScriptedStreamingModel azureFilterResultsFirst() {
        this.preamble = "data: {\"choices\":[],\"prompt_filter_results\":[{\"prompt_index\":0,"
                + "\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n";
        return this;
    }

    private void stream(HttpExchange exchange) throws IOException {
        requestBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        requestPaths.add(exchange.getRequestURI().toString());
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            out.write(preamble.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < tokens.size(); i++) {
                String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"content\":" + JSON.writeValueAsString(tokens.get(i)) + "},\"finish_reason\":null}]}";
                out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i == 0) {
                    if (failAfterFirst) {
                        exchange.close();
                        return;
                    }
                    if (errorAfterFirst) {
                        out.write(("data: {\"error\":{\"message\":\"engine overloaded\",\"code\":500}}\n\n"
                                + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
                        finished = true;
                        return;
                    }
                    if (!firstTokenSeen.await(10, TimeUnit.SECONDS)) {
                        throw new IOException("the client never saw the first token: the gateway buffered it");
                    }
                }
            }
            out.write("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            finished = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            out.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
