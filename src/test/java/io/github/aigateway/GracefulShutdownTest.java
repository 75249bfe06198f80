package io.github.aigateway;

import static io.github.aigateway.FaultyModel.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping the gateway (SIGTERM in a pod) lets a stream in flight finish within
 * {@code camel.main.shutdownTimeout}, while new requests get 503 in GitLab's shape, and the audit log has
 * the finished stream's record when the gateway is down; nothing logged while stopping carries a stack trace.
 */
class GracefulShutdownTest {

    private static final Path AUDIT = Path.of("target/graceful-shutdown-test/audit.log");

    private Main main;

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void lets_a_stream_in_flight_finish_when_the_gateway_stops() throws Exception {
        Files.deleteIfExists(AUDIT);
        try (FaultyModel model = new FaultyModel(stream(List.of("a", "b", "c", "d", "e", "f", "g", "h"), 250, true, null))) {
            main = new Main(GatewayApplication.class);
            main.setPropertyPlaceholderLocations("file:application.properties");
            main.addOverrideProperty("camel.server.port", "15353");
            main.addOverrideProperty("camel.server.host", "127.0.0.1");
            main.addOverrideProperty("gateway.auth.bypass-external", "true");
            main.addOverrideProperty("gateway.audit.file", AUDIT.toString());
            main.start();
            GatewayClient gateway = new GatewayClient(15353);

            CompletableFuture<HttpResponse<String>> streaming = gateway.http().sendAsync(HttpRequest.newBuilder(
                            gateway.uri("/v2/code/completions"))
                    .header("Content-Type", "application/json")
                    .header("X-Request-ID", "graceful-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(completionBody(model.endpoint())))
                    .build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(5)).until(() -> model.requests() == 1);

            CapturedLog log = CapturedLog.capture();
            long stopping = System.nanoTime();
            Thread stopper = new Thread(main::stop, "gateway-stop");
            stopper.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> main.getCamelContext().isStopping());

            HttpResponse<String> late = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/v2/code/completions"))
                    .version(HttpClient.Version.HTTP_1_1)
                    .header("Content-Type", "application/json")
                    .header("X-Request-ID", "graceful-late")
                    .POST(HttpRequest.BodyPublishers.ofString(completionBody(model.endpoint())))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.body()).isEqualTo("{\"detail\":\"The AI gateway is shutting down; try again\"}");
            assertThat(late.headers().firstValue("Connection")).hasValue("close");
            assertThat(late.headers().firstValue("X-Request-ID")).hasValue("graceful-late");

            HttpResponse<String> finished = streaming.get();
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).isEqualTo("abcdefgh");
            stopper.join(40_000);
            log.close();
            assertThat(main.getCamelContext().isStopped()).isTrue();
            assertThat(log.lines()).as("lines logged while stopping").isNotEmpty()
                    .allSatisfy(line -> assertThat(line.thrown()).as(line.message()).isNull());
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(30));
            assertThat(model.requests()).isEqualTo(1);
            assertThat(Files.readString(AUDIT)).contains("\"correlation_id\":\"graceful-stream\"");
            assertThat(Files.readAllLines(AUDIT)).filteredOn(line -> line.contains("\"correlation_id\":\"graceful-late\""))
                    .singleElement().asString().contains("\"status_code\":503");
        }
    }

    private static String completionBody(String endpoint) {
        return """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "print(", "content_below_cursor": ")"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": true,
                 "model_endpoint": "%s", "model_name": "codestral", "model_identifier": "custom_openai/Codestral-22B-v0.1"}
                """.formatted(endpoint);
    }
}
