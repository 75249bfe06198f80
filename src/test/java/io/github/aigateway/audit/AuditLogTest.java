package io.github.aigateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.request.RequestRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log's file handling: rotation, an unwritable file, the text format. */
class AuditLogTest {

    @TempDir
    Path dir;

    private final AuditLog log = new AuditLog();

    @AfterEach
    void stop() {
        log.stop();
    }

    private Exchange exchange(String id, String path) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(ExchangeProperties.CORRELATION_ID, id);
        exchange.setProperty(ExchangeProperties.REQUEST_RECORD, new RequestRecord("POST", path, "10.0.0.1",
                Map.of("gitlab_realm", "self-managed"), false));
        return exchange;
    }

    @Test
    void rotates_by_size_and_keeps_every_record() throws Exception {
        Path file = dir.resolve("audit.log");
        log.setFile(file.toString());
        log.setMaxFileSize("2KB");
        log.setMaxFiles(50);
        log.start();

        for (int i = 0; i < 100; i++) {
            log.record(exchange("rotate-" + i, "/v2/code/completions"));
        }
        log.stop();

        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().startsWith("audit.log")).toList();
        }
        assertThat(files).hasSizeGreaterThan(2);
        long records = 0;
        for (Path part : files) {
            assertThat(Files.size(part)).isLessThan(4096);
            records += Files.readAllLines(part).stream().filter(l -> l.contains("\"rotate-")).count();
        }
        assertThat(records).isEqualTo(100);
    }

    @Test
    void keeps_serving_while_the_file_cannot_be_written_and_resumes_after() throws Exception {
        Path blocked = dir.resolve("logs");
        Files.writeString(blocked, "a file where the log folder should be");
        Path file = blocked.resolve("audit.log");
        log.setFile(file.toString());
        log.start();

        assertThat(log.writable()).isFalse();
        log.record(exchange("while-blocked", "/v2/code/completions"));

        Files.delete(blocked);
        Files.createDirectories(blocked);
        assertThat(log.writable()).isTrue();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        int i = 0;
        while (Instant.now().isBefore(deadline) && !contains(file, "\"after-")) {
            log.record(exchange("after-" + i++, "/v2/code/completions"));
            Thread.sleep(200);
        }
        assertThat(contains(file, "\"after-")).isTrue();
    }

    @Test
    void writes_readable_text_on_one_line_when_json_is_off() {
        ObjectNode record = new ObjectMapper().createObjectNode()
                .put("correlation_id", "abc").put("status_code", 503).put("error_message", "line one\nline \"two\"");

        assertThat(AuditLog.text(record))
                .isEqualTo("correlation_id=abc status_code=503 error_message=\"line one\\nline \\\"two\\\"\"");
    }

    private static boolean contains(Path file, String text) throws IOException {
        return Files.exists(file) && Files.readString(file).contains(text);
    }
}
