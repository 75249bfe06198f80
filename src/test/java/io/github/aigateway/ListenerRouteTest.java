package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listener itself: connections that deliver no complete request within the bound (1.5 s here) are closed,
 * while a request whose model takes longer is answered; and every answer given before any route runs has GitLab's
 * error shape, an {@code X-Request-ID} and exactly one audit record.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15371", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "gateway.audit.file=target/listener-route-test/audit.log", "camel.server.maxBodySize=20000",
                "gateway.listener.request-read-timeout-ms=1500"})
class ListenerRouteTest {

    private static final int PORT = 15371;
    private static final Path AUDIT = Path.of("target/listener-route-test/audit.log");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The audit file outlives a run: ids of this run only. */
    private static final String RUN = UUID.randomUUID().toString();

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final GatewayClient gateway = new GatewayClient(PORT);

    // ---- stalled connections ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nothing", "half headers", "short body"})
    void a_connection_that_delivers_no_complete_request_is_closed_within_the_bound(String sends) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), PORT)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            switch (sends) {
                case "half headers" -> out.write("POST /v2/code/completions HTTP/1.1\r\nHost: gw\r\nContent-Ty"
                        .getBytes(StandardCharsets.US_ASCII));
                case "short body" -> out.write(("POST /v2/code/completions HTTP/1.1\r\nHost: gw\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"current_file\":")
                        .getBytes(StandardCharsets.US_ASCII));
                default -> { }
            }
            out.flush();
            long started = System.nanoTime();

            // the gateway closes the connection: the read ends instead of timing out after 10 s
            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void a_request_whose_model_takes_longer_than_the_bound_is_answered() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withFixedDelay(3000)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"choices":[{"index":0,"message":{"role":"assistant","content":"x = 1"},"finish_reason":"stop"}]}""")));

        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "x = ", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "model_name": "codestral", "stream": false,
                 "model_endpoint": "http://127.0.0.1:%d/v1", "model_identifier": "custom_openai/codestral"}
                """.formatted(vllm.getPort()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("x = 1");
    }

    // ---- answers before any route ----

    @Test
    void a_body_over_the_limit_gets_413() throws Exception {
        String body = "{\"current_file\": {\"content_above_cursor\": \"" + "a".repeat(30_000) + "\"}}";
        Raw reply = send("POST /v2/code/completions HTTP/1.1\r\nHost: gw\r\nX-Request-ID: " + RUN + "-413\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);

        assertRefusal(reply, 413, "Request body is larger than 20000 bytes");
        assertThat(reply.headers().get("x-request-id")).isEqualTo(RUN + "-413");
    }

    @Test
    void oversized_headers_get_431() throws Exception {
        Raw reply = send("POST /v2/code/completions HTTP/1.1\r\nHost: gw\r\nX-Big: " + "b".repeat(10_000)
                + "\r\nContent-Length: 0\r\n\r\n");

        assertRefusal(reply, 431, "Request headers are too large");
    }

    @Test
    void a_long_uri_gets_414() throws Exception {
        Raw reply = send("GET /v2/" + "u".repeat(5_000) + " HTTP/1.1\r\nHost: gw\r\n\r\n");

        assertRefusal(reply, 414, "Request line is too long");
    }

    @Test
    void a_request_that_is_no_http_gets_400() throws Exception {
        Raw reply = send("POST /v2/code/completions HTTP/1.1\r\nHost: gw\r\nContent-Length: nine\r\n\r\n");

        assertRefusal(reply, 400, "Bad Request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../../etc/passwd", "/v2/code/../../../etc/passwd", "/nothing/here"})
    void a_path_no_route_serves_gets_404(String path) throws Exception {
        Raw reply = send("POST " + path + " HTTP/1.1\r\nHost: gw\r\nX-Request-ID: " + RUN + "-404-" + path.length() + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");

        assertRefusal(reply, 404, "Not Found");
    }

    @Test
    void a_method_a_route_does_not_take_gets_405() throws Exception {
        Raw reply = send("DELETE /v2/code/completions HTTP/1.1\r\nHost: gw\r\n\r\n");

        assertRefusal(reply, 405, "Method Not Allowed");
    }

    private static void assertRefusal(Raw reply, int status, String detail) throws Exception {
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.headers().get("content-type")).isEqualTo("application/json");
        assertThat(JSON.readTree(reply.body()).path("detail").asText()).isEqualTo(detail);
        String id = reply.headers().get("x-request-id");
        assertThat(id).isNotBlank();
        List<JsonNode> records = await().atMost(Duration.ofSeconds(10)).until(() -> records(id), found -> !found.isEmpty());
        Thread.sleep(200); // a second record for the same request would be written at the same moment
        assertThat(records(id)).singleElement().satisfies(record -> {
            assertThat(record.path("status_code").asInt()).isEqualTo(status);
            assertThat(record.path("error_message").asText()).isEqualTo(detail);
        });
    }

    private static List<JsonNode> records(String correlationId) throws IOException {
        if (!Files.exists(AUDIT)) {
            return List.of();
        }
        return Files.readAllLines(AUDIT).stream().map(ListenerRouteTest::parse)
                .filter(record -> correlationId.equals(record.path("correlation_id").asText())).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An answer read off a raw socket. */
    private record Raw(int status, Map<String, String> headers, String body) {
    }

    /** Sends bytes no well-behaved client would, and reads the answer (its head and Content-Length body). */
    private static Raw send(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), PORT)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed before an answer: " + head);
                }
                head.write(b);
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
        }
    }
}
