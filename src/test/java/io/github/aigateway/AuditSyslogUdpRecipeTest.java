package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * recipes/audit-syslog.camel.yaml over UDP, loaded with every other recipe: one RFC 5424 datagram per line of the
 * audit log, a request's record, the record of a request the listener answered itself, and shadow-model's event line.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=16061", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "camel.main.routesIncludePattern=file:routes/*.camel.yaml,file:recipes/*.camel.yaml",
                "gateway.audit.file=target/audit-syslog-udp-recipe-test/audit.log",
                "AIGW_AUDIT_SYSLOG_HOST=127.0.0.1", "AIGW_AUDIT_SYSLOG_PORT=16062",
                "AIGW_SHADOW_MODEL_ENDPOINT=http://127.0.0.1:16063/v1", "AIGW_SHADOW_MODEL_IDENTIFIER=custom_openai/candidate"})
class AuditSyslogUdpRecipeTest {

    /** The model GitLab names, and the shadow candidate too (AIGW_SHADOW_MODEL_ENDPOINT). */
    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().port(16063)).build();

    private final GatewayClient gateway = new GatewayClient(16061);
    private final AuditFile audit = new AuditFile("target/audit-syslog-udp-recipe-test/audit.log");
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private DatagramSocket siem;

    @BeforeEach
    void listen() throws Exception {
        siem = new DatagramSocket(new InetSocketAddress("127.0.0.1", 16062));
        siem.setSoTimeout(15_000);
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"42\"}}]}")));
    }

    @AfterEach
    void close() {
        siem.close();
    }

    @Test
    void sends_the_audit_record_as_the_msg_of_an_rfc5424_datagram() throws Exception {
        String id = run + "-udp";

        complete(id);

        // the request's record, not the event line of its shadow call
        Predicate<String> record = line -> line.contains("\"correlation_id\":\"" + id + "\"")
                && !line.contains("\"event\":");
        assertThat(SyslogMessages.auditLine(receive(record))).isEqualTo(audit.awaitLine(record, "no record of " + id))
                .contains("\"correlation_id\":\"" + id + "\"");
    }

    @Test
    void sends_the_record_of_a_request_the_listener_answered_itself() throws Exception {
        String id = run + "-unknown-path";

        assertThat(gateway.post("/v2/no-such-endpoint", "{}", "X-Request-ID", id).statusCode()).isEqualTo(404);

        assertThat(SyslogMessages.auditLine(receive(line -> line.contains("\"correlation_id\":\"" + id + "\""))))
                .isEqualTo(audit.awaitLine(id)).contains("\"status_code\":404", "\"error_class\":\"ListenerReply\"");
    }

    @Test
    void sends_the_event_line_of_a_shadow_call() throws Exception {
        String id = run + "-shadowed";

        complete(id);

        Predicate<String> shadow = line -> line.contains("\"correlation_id\":\"" + id + "\"")
                && line.contains("\"event\":\"shadow\"");
        assertThat(SyslogMessages.auditLine(receive(shadow))).isEqualTo(audit.awaitLine(shadow, "no shadow line of " + id))
                .contains("\"status_code\":200");
    }

    private void complete(String requestId) {
        assertThat(gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "answer = ", "content_below_cursor": ""},
                 "prompt_version": 2, "model_name": "codestral", "model_endpoint": "http://127.0.0.1:%d/v1"}
                """.formatted(vllm.getPort()), "X-Request-ID", requestId).statusCode()).isEqualTo(200);
    }

    /** The first datagram {@code wanted} takes (the SIEM also hears of other requests and lines). */
    private String receive(Predicate<String> wanted) throws Exception {
        byte[] buffer = new byte[65_535];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            siem.receive(packet);
            String datagram = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (wanted.test(datagram)) {
                return datagram;
            }
        }
    }
}
