package io.github.aigateway.extension;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of a wire-tap ({@code executorService}) whose copies must never slow the request they copy: at most
 * {@code maxInFlight} copies run at once, and a copy beyond that is dropped, with a warning at most once a minute.
 * Camel's own thread pools would queue it behind the others or, once their queue is full, run it on the thread of
 * GitLab's request, which would then wait for it.
 */
public class TapExecutor extends ThreadPoolExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(TapExecutor.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    public TapExecutor() {
        super(1, 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads());
        allowCoreThreadTimeOut(true);
        setRejectedExecutionHandler((task, executor) -> drop());
    }

    /** Copies running at once; more are dropped. */
    public void setMaxInFlight(int maxInFlight) {
        if (maxInFlight > getMaximumPoolSize()) {
            setMaximumPoolSize(maxInFlight);
            setCorePoolSize(maxInFlight);
        } else {
            setCorePoolSize(maxInFlight);
            setMaximumPoolSize(maxInFlight);
        }
    }

    /** Copies dropped so far because {@code maxInFlight} were running. */
    public long dropped() {
        return dropped.get();
    }

    private void drop() {
        long total = dropped.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("{} wire-tapped copies dropped so far: {} were running already (maxInFlight)", total,
                    getMaximumPoolSize());
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "tap-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
