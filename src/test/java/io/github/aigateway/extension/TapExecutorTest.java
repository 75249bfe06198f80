package io.github.aigateway.extension;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Copies beyond the limit are dropped: never queued, never run on the caller's thread. */
class TapExecutorTest {

    private final TapExecutor executor = new TapExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void drops_a_copy_while_max_in_flight_are_running() throws Exception {
        executor.setMaxInFlight(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean secondRan = new AtomicBoolean();
        executor.execute(() -> {
            running.countDown();
            await(release);
        });
        running.await(5, TimeUnit.SECONDS);

        executor.execute(() -> secondRan.set(true));
        release.countDown();
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);

        assertThat(secondRan).isFalse();
        assertThat(executor.dropped()).isEqualTo(1);
    }

    @Test
    void runs_copies_side_by_side_up_to_the_limit() throws Exception {
        executor.setMaxInFlight(3);
        CountDownLatch allRunning = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            executor.execute(() -> {
                allRunning.countDown();
                await(release);
            });
        }

        assertThat(allRunning.await(5, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        assertThat(executor.dropped()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
