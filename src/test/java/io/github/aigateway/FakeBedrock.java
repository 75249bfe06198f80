package io.github.aigateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * A Bedrock Runtime on loopback that only answers correctly signed calls (or, when told, a Bedrock API key): it
 * recomputes the SigV4 signature of each request with the test's secret key (credential scope
 * {@code <date>/<region>/bedrock/aws4_request})
 * and refuses anything else with {@code InvalidSignatureException}. It answers InvokeModel with the JSON
 * a test scripts, and InvokeModelWithResponseStream in Bedrock's binary event-stream encoding, holding
 * the stream after a chunk until the test has seen that chunk's text come out of the gateway, so a gateway
 * that buffers never delivers it and the test fails, whatever the machine's speed.
 */
final class FakeBedrock implements AutoCloseable {

    static final String ACCESS_KEY = "AKIDFAKEBEDROCKTEST";
    static final String SECRET_KEY = "fake/secret+key/for/the/signature/test";

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, "
            + "SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");

    /** One request as the fake received it. */
    record Received(String method, String rawPath, String modelId, String operation, Map<String, String> headers,
                    String body, String signatureProblem) {
    }

    private final HttpServer server;
    private final String region;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch firstChunkSeen = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile String answer = "{}";
    private volatile Map<String, String> answerHeaders = Map.of();
    private volatile List<String> chunks = List.of();
    private volatile int holdAfterChunk;
    private volatile String streamExceptionAfterHold;
    private volatile boolean finished;
    private volatile int failuresLeft;
    private volatile int failureStatus;
    private volatile Map<String, String> failureHeaders = Map.of();
    private volatile String failureBody;
    private volatile long answerDelayMs;
    private volatile AfterChunks afterChunks = AfterChunks.END;
    private volatile CountDownLatch released = new CountDownLatch(1);
    private volatile CountDownLatch closedByClient = new CountDownLatch(1);
    private volatile String apiKey;

    /** What a stream does once its chunks are sent. */
    private enum AfterChunks { END, STALL, PING }

    FakeBedrock(String region) throws IOException {
        this.region = region;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Forgets what it received and was told to answer, for the next test. */
    void reset() {
        released.countDown();
        released = new CountDownLatch(1);
        closedByClient = new CountDownLatch(1);
        failuresLeft = 0;
        answerDelayMs = 0;
        afterChunks = AfterChunks.END;
        received.clear();
        firstChunkSeen = new CountDownLatch(1);
        status = 200;
        answer = "{}";
        answerHeaders = Map.of();
        chunks = List.of();
        holdAfterChunk = 0;
        streamExceptionAfterHold = null;
        finished = false;
    }

    /** Also accepts calls that carry this Bedrock API key as {@code Authorization: Bearer}; null for SigV4 only. */
    void acceptsApiKey(String key) {
        this.apiKey = key;
    }

    /** InvokeModel answers 200 with this model JSON. */
    FakeBedrock answers(String modelJson) {
        this.status = 200;
        this.answer = modelJson;
        return this;
    }

    /** Any call fails the way Bedrock fails: status, {@code x-amzn-ErrorType} and {@code {"message": …}}. */
    FakeBedrock fails(int status, String errorType, String message, String... headers) {
        this.status = status;
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("x-amzn-ErrorType", errorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            extra.put(headers[i], headers[i + 1]);
        }
        this.answerHeaders = extra;
        this.answer = "{\"message\":\"" + message + "\"}";
        return this;
    }

    /** The next {@code times} calls fail like {@link #fails}; the calls after them get what the fake was told. */
    FakeBedrock failsFirst(int times, int status, String errorType, String message, String... headers) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("x-amzn-ErrorType", errorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            extra.put(headers[i], headers[i + 1]);
        }
        this.failureStatus = status;
        this.failureHeaders = extra;
        this.failureBody = "{\"message\":\"" + message + "\"}";
        this.failuresLeft = times;
        return this;
    }

    /** InvokeModel answers only after this long (or once the test moves on). */
    FakeBedrock answersAfter(long delayMs) {
        this.answerDelayMs = delayMs;
        return this;
    }

    /** The stream sends these chunks, then nothing, holding the connection open until the test moves on. */
    FakeBedrock streamsThenStalls(String... chunkJson) {
        streams(chunkJson);
        this.holdAfterChunk = -1;
        this.afterChunks = AfterChunks.STALL;
        return this;
    }

    /**
     * The stream sends these chunks, then a chunk the gateway ignores ({@code {"type":"ping"}}) every 100 ms,
     * until a write fails because the gateway closed the connection.
     */
    FakeBedrock streamsThenPings(String... chunkJson) {
        streams(chunkJson);
        this.holdAfterChunk = -1;
        this.afterChunks = AfterChunks.PING;
        return this;
    }

    /** Whether the gateway closed a pinged stream's connection within the time given. */
    boolean awaitClosedByClient(long millis) throws InterruptedException {
        return closedByClient.await(millis, TimeUnit.MILLISECONDS);
    }

    /** InvokeModelWithResponseStream sends these model JSON chunks, one event each. */
    FakeBedrock streams(String... chunkJson) {
        this.status = 200;
        this.chunks = List.of(chunkJson);
        return this;
    }

    /** The stream waits for the test after this chunk (0-based; the first one by default). */
    FakeBedrock holdsAfterChunk(int index) {
        this.holdAfterChunk = index;
        return this;
    }

    /** Instead of waiting after that chunk, the stream carries this exception event and ends. */
    FakeBedrock streamFailsAfterHeldChunk(String exceptionType) {
        this.streamExceptionAfterHold = exceptionType;
        return this;
    }

    /** Called by the test once the first token has come out of the gateway. */
    void clientSawFirstToken() {
        firstChunkSeen.countDown();
    }

    boolean finished() {
        return finished;
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    Received onlyRequest() {
        if (received.size() != 1) {
            throw new AssertionError("expected exactly one call to Bedrock, got " + received.size());
        }
        return received.get(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String rawPath = exchange.getRequestURI().getRawPath();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
        String[] parts = rawPath.split("/");
        String modelId = parts.length == 4 ? URLDecoder.decode(parts[2], StandardCharsets.UTF_8) : null;
        String operation = parts.length == 4 ? parts[3] : null;
        String problem = signatureProblem(exchange.getRequestMethod(), rawPath, headers, body);
        received.add(new Received(exchange.getRequestMethod(), rawPath, modelId, operation, headers,
                new String(body, StandardCharsets.UTF_8), problem));
        if (problem != null) {
            reply(exchange, 403, Map.of("x-amzn-ErrorType", "InvalidSignatureException"), "{\"message\":\"" + problem + "\"}");
            return;
        }
        if (takeFailure()) {
            reply(exchange, failureStatus, failureHeaders, failureBody);
            return;
        }
        if (answerDelayMs > 0) {
            try {
                released.await(answerDelayMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (status == 200 && "invoke-with-response-stream".equals(operation)) {
            stream(exchange);
            return;
        }
        reply(exchange, status, answerHeaders, answer);
    }

    private synchronized boolean takeFailure() {
        if (failuresLeft <= 0) {
            return false;
        }
        failuresLeft--;
        return true;
    }

    private static void reply(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.amazon.eventstream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            // the response headers go out now, even when no chunk follows
            out.flush();
            for (int i = 0; i < chunks.size(); i++) {
                out.write(chunkEvent(chunks.get(i)));
                out.flush();
                if (i == holdAfterChunk) {
                    if (streamExceptionAfterHold != null) {
                        out.write(exceptionEvent(streamExceptionAfterHold));
                        return;
                    }
                    if (!firstChunkSeen.await(10, TimeUnit.SECONDS)) {
                        throw new IOException("the client never saw the first token: the gateway buffered it");
                    }
                }
            }
            if (afterChunks == AfterChunks.STALL) {
                released.await(15, TimeUnit.SECONDS);
            } else if (afterChunks == AfterChunks.PING) {
                ping(out);
            }
            finished = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            out.close();
        }
    }

    private void ping(OutputStream out) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until && released.getCount() > 0) {
            try {
                out.write(chunkEvent("{\"type\":\"ping\"}"));
                out.flush();
            } catch (IOException e) {
                closedByClient.countDown();
                return;
            }
            Thread.sleep(100);
        }
    }

    /** One {@code chunk} event: the model's JSON, base64 in {@code {"bytes": …}}, as Bedrock frames it. */
    static byte[] chunkEvent(String modelJson) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString("chunk"));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        String payload = "{\"bytes\":\"" + Base64.getEncoder().encodeToString(modelJson.getBytes(StandardCharsets.UTF_8))
                + "\"}";
        return new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).toByteBuffer().array();
    }

    private static byte[] exceptionEvent(String exceptionType) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":exception-type", HeaderValue.fromString(exceptionType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("exception"));
        byte[] payload = "{\"message\":\"the model stopped\"}".getBytes(StandardCharsets.UTF_8);
        return new Message(headers, payload).toByteBuffer().array();
    }

    /** Null when the request carries a valid SigV4 signature for service bedrock in the fake's region. */
    private String signatureProblem(String method, String rawPath, Map<String, String> headers, byte[] body) {
        String authorization = headers.get("authorization");
        if (authorization == null) {
            return "no Authorization header";
        }
        if (apiKey != null && authorization.equals("Bearer " + apiKey)) {
            return null;
        }
        Matcher auth = AUTHORIZATION.matcher(authorization);
        if (!auth.matches()) {
            return "Authorization is not AWS4-HMAC-SHA256: " + authorization;
        }
        String amzDate = headers.getOrDefault("x-amz-date", "");
        if (!auth.group(1).equals(ACCESS_KEY) || !amzDate.startsWith(auth.group(2))
                || !auth.group(3).equals(region) || !auth.group(4).equals("bedrock")) {
            return "wrong credential scope: " + authorization;
        }
        List<String> signed = List.of(auth.group(5).split(";"));
        if (!signed.containsAll(List.of("host", "x-amz-date", "content-type", "x-amz-content-sha256"))) {
            return "headers not signed: " + signed;
        }
        String payloadHash = headers.getOrDefault("x-amz-content-sha256", "");
        if (!payloadHash.equals(hex(sha256(body)))) {
            return "x-amz-content-sha256 does not match the body";
        }
        StringBuilder canonical = new StringBuilder(method).append('\n')
                .append(rawPath.replace("%", "%25")).append('\n')   // non-S3 services encode the path twice
                .append('\n');
        for (String name : signed) {
            canonical.append(name).append(':').append(headers.getOrDefault(name, "").strip().replaceAll(" +", " "))
                    .append('\n');
        }
        canonical.append('\n').append(String.join(";", signed)).append('\n').append(payloadHash);
        String scope = auth.group(2) + "/" + region + "/bedrock/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), auth.group(2));
        key = hmac(key, region);
        key = hmac(key, "bedrock");
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, toSign));
        return expected.equals(auth.group(6)) ? null : "signature does not match";
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
