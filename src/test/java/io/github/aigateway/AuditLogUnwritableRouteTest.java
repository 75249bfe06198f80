package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/** An audit log that cannot be written never fails a request; readiness says what is wrong. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        // pom.xml is a file, so nothing can be created below it
        properties = {"camel.server.port=15105", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true", "gateway.audit.file=pom.xml/audit.log"})
class AuditLogUnwritableRouteTest {

    private final GatewayClient gateway = new GatewayClient(15105);

    @Test
    void keeps_answering_and_reports_not_ready() {
        HttpResponse<String> health = gateway.get("/monitoring/healthz");
        HttpResponse<String> ready = gateway.get("/monitoring/ready");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"not ready\",\"checks\":{\"routes\":\"ok\",\"audit_log\":\"not writable: pom.xml/audit.log\",\"gitlab_keys\":\"ok\"}}");
    }
}
