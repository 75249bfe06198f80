package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway as its own process, the way a container runs it: SIGTERM stops it gracefully with status 0
 * (the JVM alone would report 143, which Kubernetes shows as an error), and a refused start ends the process
 * with 1 instead of leaving it hanging on listeners it had already opened.
 */
class ExitStatusTest {

    @Test
    void exits_0_after_a_graceful_stop_on_sigterm() throws Exception {
        Process gateway = start(Map.of("AIGW_FASTAPI__API_HOST", "127.0.0.1", "AIGW_FASTAPI__API_PORT", "15356"));
        try {
            GatewayClient client = new GatewayClient(15356);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> client.get("/monitoring/healthz").statusCode() == 200);

            gateway.destroy();

            assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(gateway.exitValue()).isZero();
        } finally {
            gateway.destroyForcibly();
        }
    }

    @Test
    void exits_1_when_the_gateway_refuses_to_start() throws Exception {
        // an authentication bypass on a network listener is refused at start
        Process gateway = start(Map.of("AIGW_FASTAPI__API_HOST", "0.0.0.0", "AIGW_FASTAPI__API_PORT", "15357"));
        try {
            assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(gateway.exitValue()).isEqualTo(1);
        } finally {
            gateway.destroyForcibly();
        }
    }

    private static Process start(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(new File("target/exit-status-test-" + env.get("AIGW_FASTAPI__API_PORT") + ".log"));
        builder.environment().putAll(env);
        builder.environment().put("AIGW_AUTH__BYPASS_EXTERNAL", "true");
        builder.environment().put("AIGW_FASTAPI__METRICS_PORT", "0");
        return builder.start();
    }
}
