package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Starts the packaged jar as the README does ({@code java -jar target/ai-gateway.jar --demo}), from a folder
 * without routes or properties, so the copies packaged in the jar must serve; then runs the curl lines the demo
 * printed and checks each kind of answer.
 */
class PackagedJarIT {

    private static final int PORT = 15190;
    /** A demo curl line: {@code curl -s[N] URL -H 'Content-Type: application/json' -d 'BODY'}. */
    private static final Pattern CURL =
            Pattern.compile("curl -sN? (\\S+) -H 'Content-Type: application/json' -d '([^']*)'");
    private Process gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            gateway.waitFor();
        }
    }

    @Test
    void serves_every_call_the_demo_prints_from_the_packaged_jar() throws Exception {
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
        start.environment().put("AIGW_EXTENSIONS_DIR", Path.of("src/test/resources/extensions").toAbsolutePath().toString());
        gateway = start.start();
        GatewayClient client = new GatewayClient(PORT);
        awaitHealthy(client);

        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        for (String curl : awaitDemoCalls(Path.of("target/packaged-jar-it.log"))) {
            Matcher call = CURL.matcher(curl);
            assertThat(call.matches()).as("a curl line the demo printed: %s", curl).isTrue();
            HttpResponse<String> answer = client.http().send(HttpRequest.newBuilder(URI.create(call.group(1)))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(call.group(2))).build(), HttpResponse.BodyHandlers.ofString());
            answers.put(URI.create(call.group(1)).getPath(), answer);
        }

        assertThat(answers).containsOnlyKeys("/v2/code/completions", "/v4/code/suggestions", "/v2/chat/agent",
                "/v1/prompts/chat/explain_code");
        assertThat(answers.values()).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
        HttpResponse<String> response = answers.get("/v2/code/completions");
        // the extension folder's route, loaded after the packaged core routes
        assertThat(client.get("/site/ping").body()).isEqualTo("{\"site\":\"ok\"}");
        assertThat(response.body()).contains("\"choices\":[{\"text\":\"return \\\"Hello from the demo model\\\"\"");
        assertThat(answers.get("/v4/code/suggestions").headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(answers.get("/v4/code/suggestions").body()).contains("event: stream_start", "Hello ", "event: stream_end");
        assertThat(answers.get("/v2/chat/agent").body().lines().toList()).allSatisfy(
                line -> assertThat(line).startsWith("{\"type\": \"final_answer_delta\""));
        StringBuilder chat = new StringBuilder();
        for (String line : answers.get("/v2/chat/agent").body().lines().toList()) {
            chat.append(new ObjectMapper().readTree(line).path("data").path("text").asText());
        }
        assertThat(chat).hasToString("Hello from the demo model. A real model would answer your question here.");
        assertThat(answers.get("/v1/prompts/chat/explain_code").body())
                .isEqualTo("\"return \\\"Hello from the demo model\\\"\"");
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

    /** The curl lines the demo prints on standard output once its routes serve. */
    private static List<String> awaitDemoCalls(Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<String> calls = List.of();
        while (calls.size() < 4 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            calls = Files.readAllLines(log).stream().filter(line -> line.startsWith("curl ")).toList();
        }
        return calls;
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
