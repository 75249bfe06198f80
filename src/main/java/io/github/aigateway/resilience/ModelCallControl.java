package io.github.aigateway.resilience;

import io.github.aigateway.failure.GatewayException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * One model call as the gateway watches it (exchange property {@code modelCallControl}): its deadlines, the
 * upstream HTTP request in flight, and why the gateway stopped it, if it did. camel-http's read timeout
 * only bounds each read, so a model that trickles bytes, or a whole stream, could run for ever; here a
 * watchdog cancels the upstream request at the first deadline that passes (first token, silence between
 * chunks, total) or as soon as GitLab goes. Cancelling closes the connection, so the blocked read fails
 * at once and the model server sees the client leave and stops generating.
 */
public final class ModelCallControl {

    private final ScheduledExecutorService scheduler;
    private final long firstByteDeadline;
    private final long totalDeadline;
    private final long idleNanos;
    private final boolean stream;
    private final Duration connectTimeout;
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private volatile long lastChunkNanos;
    private volatile boolean firstByteSeen;
    private volatile StopReason stopped;
    private volatile Cancellable upstream;
    private volatile boolean closed;
    private ScheduledFuture<?> watchdog;
    private int attempts;

    ModelCallControl(ScheduledExecutorService scheduler, CallTimeouts timeouts, boolean stream) {
        this.scheduler = scheduler;
        this.stream = stream;
        long startNanos = System.nanoTime();
        this.firstByteDeadline = startNanos + timeouts.firstByte().toNanos();
        this.totalDeadline = startNanos + timeouts.total().toNanos();
        this.idleNanos = timeouts.idle().toNanos();
        this.connectTimeout = timeouts.connect();
    }

    void startWatchdog() {
        check();
    }

    /** Counts an attempt; the first is 1. */
    int nextAttempt() {
        return ++attempts;
    }

    int attempts() {
        return attempts;
    }

    /** Time left before the total deadline. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, totalDeadline - System.nanoTime()));
    }

    /** A streamed chunk arrived: the first one ends the first-byte wait, each one restarts the idle clock. */
    public void chunkArrived() {
        lastChunkNanos = System.nanoTime();
        firstByteSeen = true;
    }

    /**
     * The upstream request now in flight (an HTTP request, a Bedrock SDK call); cancelled at once if the call
     * was already stopped, else when the watchdog or GitLab's disconnect stops the call.
     */
    public void attach(Cancellable request) {
        upstream = request;
        if (stopped != null || closed) {
            request.cancel();
        }
    }

    /** The feature's connect timeout for each attempt, or null for the client's global one. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Stops the call: the upstream request is cancelled and the relay or retry loop sees why. */
    public void stop(StopReason reason) {
        synchronized (this) {
            if (stopped != null || closed) {
                return;
            }
            stopped = reason;
        }
        stoppedLatch.countDown();
        Cancellable request = upstream;
        if (request != null) {
            request.cancel();
        }
    }

    /** Why the gateway stopped the call, or null. */
    public StopReason stopReason() {
        return stopped;
    }

    /**
     * The failure GitLab should get for a call the gateway stopped (504 for a timeout; for a client that
     * went, nothing anyone reads), or {@code otherwise} when the gateway did not stop it.
     */
    public RuntimeException failure(RuntimeException otherwise) {
        StopReason reason = stopped;
        if (reason == null) {
            return otherwise;
        }
        return reason.isTimeout() ? new GatewayException(504, "Inference timed out")
                : new ClientGoneException();
    }

    /** Waits before a retry; false when the call was stopped meanwhile. */
    boolean pause(Duration wait) throws InterruptedException {
        return !stoppedLatch.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The request has been answered: no timer fires any more and nothing is cancelled after this. */
    void close() {
        synchronized (this) {
            closed = true;
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
        upstream = null;
    }

    private void check() {
        if (closed || stopped != null) {
            return;
        }
        long now = System.nanoTime();
        long next = totalDeadline;
        if (stream && !firstByteSeen) {
            next = Math.min(next, firstByteDeadline);
        } else if (stream) {
            next = Math.min(next, lastChunkNanos + idleNanos);
        }
        if (now - next >= 0) {
            stop(now - totalDeadline >= 0 ? StopReason.TOTAL_TIMEOUT
                    : firstByteSeen ? StopReason.IDLE_TIMEOUT : StopReason.FIRST_BYTE_TIMEOUT);
            return;
        }
        synchronized (this) {
            if (!closed) {
                watchdog = scheduler.schedule(this::check, next - now, TimeUnit.NANOSECONDS);
            }
        }
    }
}
