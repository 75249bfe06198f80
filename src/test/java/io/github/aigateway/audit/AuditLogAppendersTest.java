package io.github.aigateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;

/** Audit records to stdout are written a batch at a time, yet each one is out as soon as the queue is empty. */
class AuditLogAppendersTest {

    @Test
    void a_lone_record_reaches_stdout_without_waiting_for_more_or_for_the_stop() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            AuditLogAppenders.install("test.audit.stdout", null, "1MB", 1);
            LogManager.getLogger("test.audit.stdout").info("{\"correlation_id\":\"lone\"}");

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> captured.toString(StandardCharsets.UTF_8).contains("{\"correlation_id\":\"lone\"}\n"));
        } finally {
            AuditLogAppenders.uninstall("test.audit.stdout");
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("{\"correlation_id\":\"lone\"}\n");
    }
}
