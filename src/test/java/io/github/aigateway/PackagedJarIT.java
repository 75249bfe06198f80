package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Starts the packaged jar as the README does ({@code java -jar target/ai-gateway.jar --demo}), from a folder
 * without routes or properties, so the copies packaged in the jar must serve; then asks for a completion.
 */
class PackagedJarIT {

    private static final int PORT = 15190;
    private Process gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            gateway.waitFor();
        }
    }

    @Test
    void serves_a_demo_completion_from_the_packaged_jar() throws Exception {
        Path jar = Path.of("target/ai-gateway.jar").toAbsolutePath();
        Path elsewhere = Files.createTempDirectory("ai-gateway-it");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder start = new ProcessBuilder(java, "-jar", jar.toString(), "--demo")
                .directory(elsewhere.toFile())
                .redirectErrorStream(true)
                .redirectOutput(new File("target/packaged-jar-it.log"));
        start.environment().put("AIGW_FASTAPI__API_PORT", String.valueOf(PORT));
        start.environment().put("AIGW_DEMO_MODEL_PORT", "15199");
        start.environment().put("AIGW_FASTAPI__METRICS_PORT", "15302");
        gateway = start.start();
        GatewayClient client = new GatewayClient(PORT);
        awaitHealthy(client);

        HttpResponse<String> response = client.post("/v2/code/completions", """
                {"current_file": {"file_name": "hello.py", "content_above_cursor": "def hello():\\n    ",
                                  "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "model_name": "codestral",
                 "model_endpoint": "http://127.0.0.1:15199/v1", "model_identifier": "custom_openai/demo-model"}
                """);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"choices\":[{\"text\":\"return \\\"Hello from the demo model\\\"\"");
        // each request counted once, also when camel-main (not the test harness) wires the beans
        String completions = "aigw_request_duration_seconds_count{endpoint=\"/v2/code/completions\",family=\"codestral\","
                + "feature=\"code_completions\",provider=\"openai_compatible\",status=\"200\"} 1\n";
        assertThat(awaitMetrics(new GatewayClient(15302), completions)).contains("aigw_requests_in_flight 0.0\n");
    }

    /** Metrics are recorded as the exchange completes, which may be just after the answer arrived. */
    private static String awaitMetrics(GatewayClient metrics, String expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        String text = metrics.get("/metrics").body();
        while (!text.contains(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            text = metrics.get("/metrics").body();
        }
        assertThat(text).contains(expected);
        return text;
    }

    private static void awaitHealthy(GatewayClient client) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try {
                if (client.get("/monitoring/healthz").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the packaged gateway did not become healthy; see target/packaged-jar-it.log");
    }
}
