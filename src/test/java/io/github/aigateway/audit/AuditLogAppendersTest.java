package io.github.aigateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Audit records to stdout: written a batch at a time, a lone record at once, everything by the stop. The
 * appenders write to a stream of the test's own instead of stdout, so nothing else in the JVM shares it.
 */
class AuditLogAppendersTest {

    private static final String NAME = "test.audit.batched";
    private static final Logger AUDIT = LogManager.getLogger(NAME);
    private static final int BURST = 2_000;

    private final RecordingStream stream = new RecordingStream();

    @AfterEach
    void uninstall() {
        stream.release();
        AuditLogAppenders.uninstall(NAME);
    }

    @Test
    void a_lone_record_is_written_at_once() {
        AuditLogAppenders.install(NAME, null, "1MB", 1, stream);

        AUDIT.info("lone");

        // the appenders stay installed: only a write at the end of the batch can bring the record out
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.lines().equals(List.of("lone")));
    }

    @Test
    void a_burst_is_written_in_a_few_writes_whole_and_in_order() {
        AuditLogAppenders.install(NAME, null, "1MB", 1, stream);
        queueBurstBehindABusyStream();

        stream.release();

        await().atMost(Duration.ofSeconds(10)).until(() -> stream.lines().size() == BURST + 1);
        assertThat(stream.lines()).isEqualTo(expectedLines());
        // one write per record would be BURST + 1 writes and as many flushes
        assertThat(stream.writes()).isLessThan(BURST / 20);
        assertThat(stream.flushes()).isLessThan(BURST / 20);
    }

    @Test
    void uninstalling_writes_every_queued_record() throws Exception {
        AuditLogAppenders.install(NAME, null, "1MB", 1, stream);
        queueBurstBehindABusyStream();
        Thread stopper = new Thread(() -> AuditLogAppenders.uninstall(NAME));
        stopper.start();
        // the stop is queued behind the burst, so the burst's last record is not marked as a batch's end:
        // only the stop itself can write it
        await().atMost(Duration.ofSeconds(5)).until(() -> stopper.getState() == Thread.State.TIMED_WAITING);

        stream.release();
        stopper.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(stopper.isAlive()).isFalse();
        assertThat(stream.lines()).isEqualTo(expectedLines());
    }

    /** Holds the writer inside the stream's first write (a busy pipe reader) while the burst is queued. */
    private void queueBurstBehindABusyStream() {
        stream.hold();
        AUDIT.info("first");
        await().atMost(Duration.ofSeconds(5)).until(stream::writerHeld);
        for (int i = 0; i < BURST; i++) {
            AUDIT.info("{\"correlation_id\":\"burst-" + i + "\"}");
        }
    }

    private static List<String> expectedLines() {
        List<String> lines = new ArrayList<>(List.of("first"));
        for (int i = 0; i < BURST; i++) {
            lines.add("{\"correlation_id\":\"burst-" + i + "\"}");
        }
        return lines;
    }

    /** Keeps what is written, counts writes and flushes, and can hold a writer until released. */
    private static final class RecordingStream extends OutputStream {

        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final AtomicInteger writes = new AtomicInteger();
        private final AtomicInteger flushes = new AtomicInteger();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private volatile boolean held;

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        boolean writerHeld() {
            return held;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            writes.incrementAndGet();
            held = gate.getCount() > 0;
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held = false;
            synchronized (written) {
                written.write(bytes, offset, length);
            }
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        int writes() {
            return writes.get();
        }

        int flushes() {
            return flushes.get();
        }

        /** Complete lines only: a line still without its line break has not arrived whole. */
        List<String> lines() {
            String text;
            synchronized (written) {
                text = written.toString(StandardCharsets.UTF_8);
            }
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            lines.remove(lines.size() - 1);
            return lines;
        }
    }
}
