package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * recipes/audit-syslog.camel.yaml over TCP, loaded with every other recipe: octet-counted RFC 5424 frames on one
 * connection, and a SIEM that is down costs GitLab nothing.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=16065", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "camel.main.routesIncludePattern=file:routes/*.camel.yaml,file:recipes/*.camel.yaml",
                "gateway.audit.file=target/audit-syslog-tcp-recipe-test/audit.log",
                "AIGW_AUDIT_SYSLOG_HOST=127.0.0.1", "AIGW_AUDIT_SYSLOG_PORT=16066", "AIGW_AUDIT_SYSLOG_PROTOCOL=tcp"})
class AuditSyslogTcpRecipeTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayClient gateway = new GatewayClient(16065);
    private final AuditFile audit = new AuditFile("target/audit-syslog-tcp-recipe-test/audit.log");
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void answerLikeVllm() {
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"42\"}}]}")));
    }

    private HttpResponse<String> complete(String requestId) {
        return gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "answer = ", "content_below_cursor": ""},
                 "prompt_version": 2, "model_name": "codestral", "model_endpoint": "http://127.0.0.1:%d/v1"}
                """.formatted(vllm.getPort()), "X-Request-ID", requestId);
    }

    @Test
    void sends_each_record_as_an_octet_counted_rfc5424_frame_on_one_connection() throws Exception {
        try (ServerSocket siem = new ServerSocket()) {
            siem.bind(new InetSocketAddress("127.0.0.1", 16066));
            siem.setSoTimeout(15_000);
            String first = run + "-first";
            String second = run + "-second";

            complete(first);
            try (Socket connection = siem.accept()) {
                connection.setSoTimeout(15_000);
                InputStream in = connection.getInputStream();
                assertFrame(frame(in), first);
                complete(second);
                assertFrame(frame(in), second);
            }
        }
    }

    @Test
    void a_burst_of_records_arrives_on_one_connection() throws Exception {
        try (ServerSocket siem = new ServerSocket()) {
            siem.bind(new InetSocketAddress("127.0.0.1", 16066));
            siem.setSoTimeout(15_000);
            List<String> ids = IntStream.range(0, 20).mapToObj(i -> run + "-burst-" + i).toList();
            ExecutorService clients = Executors.newFixedThreadPool(ids.size());
            try {
                for (Future<HttpResponse<String>> response : clients.invokeAll(
                        ids.stream().map(id -> (Callable<HttpResponse<String>>) () -> complete(id)).toList())) {
                    assertThat(response.get().statusCode()).isEqualTo(200);
                }
            } finally {
                clients.shutdown();
            }

            List<String> received = new ArrayList<>();
            try (Socket connection = siem.accept()) {
                connection.setSoTimeout(15_000);
                InputStream in = connection.getInputStream();
                for (int i = 0; i < ids.size(); i++) {
                    received.add(correlationId(SyslogMessages.auditLine(frame(in))));
                }
                siem.setSoTimeout(1_000);
                assertThatThrownBy(siem::accept).as("a second connection").isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void a_siem_that_refuses_connections_costs_a_warning_line_a_minute_and_nothing_else() throws Exception {
        String id = run + "-down";
        try (CapturedLog log = CapturedLog.capture()) {

            HttpResponse<String> response = complete(id);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(audit.awaitRecord(id).path("status_code").asInt()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                assertThat(complete(id + "-" + i).statusCode()).isEqualTo(200);
                audit.awaitRecord(id + "-" + i);
            }

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(log.lines()).anySatisfy(line -> {
                assertThat(line.level()).isEqualTo("WARN");
                assertThat(line.message()).isEqualTo("Audit record " + id
                        + " was not sent to syslog 127.0.0.1:16066 (tcp): Cannot connect to 127.0.0.1:16066");
            }));
            assertThat(log.lines()).allSatisfy(line -> assertThat(line.thrown()).as(line.message()).isNull());
            // the three records after it fail within the same minute: refused at once, and not logged
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> log.lines().stream()
                    .filter(line -> line.message().contains("was not sent to syslog")).count() == 1);
        }
    }

    @Test
    void a_siem_that_comes_back_gets_the_next_record() throws Exception {
        String lost = run + "-while-down";
        try (CapturedLog log = CapturedLog.capture()) {
            assertThat(complete(lost).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> log.lines().stream()
                    .anyMatch(line -> line.message().startsWith("Audit record " + lost + " was not sent to syslog")));
        }

        try (ServerSocket siem = new ServerSocket()) {
            siem.bind(new InetSocketAddress("127.0.0.1", 16066));
            siem.setSoTimeout(15_000);
            String back = run + "-back";
            complete(back);
            try (Socket connection = siem.accept()) {
                connection.setSoTimeout(15_000);
                assertFrame(frame(connection.getInputStream()), back);
            }
        }
    }

    private void assertFrame(String message, String correlationId) throws Exception {
        assertThat(SyslogMessages.auditLine(message)).isEqualTo(audit.awaitLine(correlationId))
                .contains("\"correlation_id\":\"" + correlationId + "\"");
    }

    private static String correlationId(String auditRecord) {
        try {
            return JSON.readTree(auditRecord).path("correlation_id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One frame of RFC 6587 octet counting: the message's length in bytes, a space, the message. */
    private static String frame(InputStream in) throws IOException {
        StringBuilder length = new StringBuilder();
        for (int b = in.read(); b != ' '; b = in.read()) {
            assertThat(b).as("a digit of the frame length").isBetween((int) '0', (int) '9');
            length.append((char) b);
        }
        byte[] message = in.readNBytes(Integer.parseInt(length.toString()));
        return new String(message, StandardCharsets.UTF_8);
    }
}
