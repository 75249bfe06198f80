package io.github.aigateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A model server that misbehaves on purpose, at the socket level: it accepts and says nothing, stalls
 * between chunks, resets the connection, sends garbage, throttles. Loopback only; each accepted connection
 * serves one request ({@code Connection: close}). It notes when the gateway closes a connection the model
 * is still holding open, i.e. when the gateway cancelled the call.
 */
final class FaultyModel implements AutoCloseable {

    /** What the model does with one request. */
    @FunctionalInterface
    interface Behaviour {
        void answer(Socket socket, OutputStream out) throws Exception;
    }

    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final int id = NEXT_ID.incrementAndGet();
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closedByGateway = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final CountDownLatch gatewayClosed = new CountDownLatch(1);
    private volatile IntFunction<Behaviour> script;

    FaultyModel(Behaviour always) throws IOException {
        this(n -> always);
    }

    /** @param script the behaviour for the n-th request (1-based) */
    FaultyModel(IntFunction<Behaviour> script) throws IOException {
        this.script = script;
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.submit(this::acceptLoop);
    }

    /** An endpoint nothing listens on: connections are refused. */
    static String refusedEndpoint() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + probe.getLocalPort() + "/model-" + NEXT_ID.incrementAndGet() + "/v1";
        }
    }

    /**
     * Its base URL. A port can come back in a later test, so the path is new for every model: circuit
     * breakers are kept per base URL for as long as the gateway runs.
     */
    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/model-" + id + "/v1";
    }

    void behave(IntFunction<Behaviour> script) {
        this.script = script;
    }

    int requests() {
        return requests.get();
    }

    List<String> bodies() {
        return bodies;
    }

    /** Connections the gateway closed while the model still held them open. */
    int closedByGateway() {
        return closedByGateway.get();
    }

    /** Connections open right now. */
    int openConnections() {
        return open.get();
    }

    boolean awaitClosedByGateway(long millis) throws InterruptedException {
        return gatewayClosed.await(millis, TimeUnit.MILLISECONDS);
    }

    // ---- behaviours ----

    /** Accepts the request, then says nothing until the gateway hangs up. */
    static Behaviour silence() {
        return (socket, out) -> holdUntilClosed(socket);
    }

    static Behaviour status(int status, String body, String... headers) {
        return (socket, out) -> {
            StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            head.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
        };
    }

    static Behaviour completion(String text) {
        return status(200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + text + "\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}");
    }

    /**
     * A complete answer that keeps the connection alive as far as HTTP says (no {@code Connection: close}), on a
     * connection the model then closes anyway, as servers behind proxies with short idle timeouts do.
     */
    static Behaviour completionThenSilentClose(String text) {
        return (socket, out) -> {
            byte[] body = ("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                    + text + "\"}}]}").getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
        };
    }

    /** The same for a stream: one token and [DONE], chunked, then the connection closes unannounced. */
    static Behaviour streamThenSilentClose(String token) {
        return (socket, out) -> {
            byte[] events = ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + token + "\"}}]}\n\n"
                    + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(events.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(events);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    /** Promises more bytes than it sends, then closes: a truncated JSON answer. */
    static Behaviour truncated() {
        return (socket, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                    + "{\"choices\":[{\"index\":0,\"mess").getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    /**
     * An SSE stream: each token as a chunk, {@code gapMillis} apart; then {@code [DONE]} or not; then
     * {@code after} (e.g. silence or a reset) instead of closing normally when given.
     */
    static Behaviour stream(List<String> tokens, long gapMillis, boolean done, Behaviour after) {
        return (socket, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < tokens.size(); i++) {
                if (i > 0 && gapMillis > 0) {
                    Thread.sleep(gapMillis);
                }
                out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + tokens.get(i)
                        + "\"}}]}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (done) {
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (after != null) {
                after.answer(socket, out);
            }
        };
    }

    /** Resets the connection (RST), as a crashed server or a proxy does. */
    static Behaviour reset() {
        return (socket, out) -> {
            socket.setSoLinger(true, 0);
            socket.close();
        };
    }

    private static void holdUntilClosed(Socket socket) throws IOException {
        socket.setSoTimeout(0);
        InputStream in = socket.getInputStream();
        while (in.read() >= 0) {
            // the gateway sends nothing more; read returns -1 (or fails) when it closes the connection
        }
        throw new SocketException("closed by the gateway");
    }

    // ---- server ----

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.incrementAndGet();
                sockets.add(socket);
                threads.submit(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String body = readRequest(in);
            if (body == null) {
                return;
            }
            bodies.add(body);
            int n = requests.incrementAndGet();
            script.apply(n).answer(socket, socket.getOutputStream());
        } catch (Exception e) {
            if (!server.isClosed()) {
                closedByGateway.incrementAndGet();
                gatewayClosed.countDown();
            }
        } finally {
            sockets.remove(socket);
            open.decrementAndGet();
        }
    }

    /** Reads one request's head and body; null when the connection closed first. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : new ArrayList<>(sockets)) {
            socket.close();
        }
        threads.shutdownNow();
    }
}
