package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** recipes/audit-syslog.camel.yaml over UDP, loaded with every other recipe: one RFC 5424 datagram per record. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=16061", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "camel.main.routesIncludePattern=file:routes/*.camel.yaml,file:recipes/*.camel.yaml",
                "gateway.audit.file=target/audit-syslog-udp-recipe-test/audit.log",
                "AIGW_AUDIT_SYSLOG_HOST=127.0.0.1", "AIGW_AUDIT_SYSLOG_PORT=16062"})
class AuditSyslogUdpRecipeTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** RFC 5424 TIMESTAMP as camel-syslog writes it: UTC, milliseconds when there are any. */
    static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,3})?Z";

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

        gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "answer = ", "content_below_cursor": ""},
                 "prompt_version": 2, "model_name": "codestral", "model_endpoint": "http://127.0.0.1:%d/v1"}
                """.formatted(vllm.getPort()), "X-Request-ID", id);

        String datagram = receive(id);
        Matcher frame = Pattern.compile("<134>1 (" + TIMESTAMP + ") (\\S+) ai-gateway - audit - (.*)", Pattern.DOTALL)
                .matcher(datagram);
        assertThat(frame.matches()).as(datagram).isTrue();
        assertThat(frame.group(2)).isEqualTo(InetAddress.getLocalHost().getHostName());
        assertThat(frame.group(3)).isEqualTo(audit.awaitLine(id)).contains("\"correlation_id\":\"" + id + "\"");
    }

    /** The datagram that carries the request's record (the SIEM also hears of other requests). */
    private String receive(String correlationId) throws Exception {
        byte[] buffer = new byte[65_535];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            siem.receive(packet);
            String datagram = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (datagram.contains("\"correlation_id\":\"" + correlationId + "\"")) {
                return datagram;
            }
        }
    }
}
