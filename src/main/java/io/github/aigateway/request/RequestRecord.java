package io.github.aigateway.request;

import io.github.aigateway.stream.StreamObserver;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the audit log needs to know about one GitLab request, collected while the request is served:
 * taken from the HTTP request when it arrives (request headers are gone by the time the audit record is
 * written), then filled in by the backend call and the response stream.
 */
public final class RequestRecord implements StreamObserver {

    /** Longest response text kept for a verbose record. */
    private static final int MAX_LOGGED_RESPONSE = 64 * 1024;

    private final Instant arrivedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final String method;
    private final String path;
    private final String clientIp;
    private final Map<String, String> gitlabHeaders;
    private final boolean verbose;
    private final StringBuilder responseText;

    private final AtomicBoolean audited = new AtomicBoolean();
    private volatile long firstChunkNanos;
    private volatile long backendStartNanos;
    private volatile long backendNanos = -1;
    private volatile int backendStatus = -1;

    /**
     * @param gitlabHeaders audit field name to header value, for the GitLab headers that identify the caller
     * @param verbose       whether prompts and responses may be logged for this request
     */
    public RequestRecord(String method, String path, String clientIp, Map<String, String> gitlabHeaders,
                         boolean verbose) {
        this.method = method;
        this.path = path;
        this.clientIp = clientIp;
        this.gitlabHeaders = Map.copyOf(gitlabHeaders);
        this.verbose = verbose;
        this.responseText = verbose ? new StringBuilder() : null;
    }

    /**
     * The record of a copy of this request that runs on its own (a wire-tap's, see extension/TapCopy): the same
     * request fields, its own clock and model call timing, and already claimed, so the request's audit
     * onCompletion never writes it and nothing the copy does reaches this record.
     */
    public RequestRecord forCopy() {
        RequestRecord copy = new RequestRecord(method, path, clientIp, gitlabHeaders, verbose);
        copy.audited.set(true);
        return copy;
    }

    /** True once: the request's single audit record is written by whoever claims it first. */
    public boolean claimForAudit() {
        return audited.compareAndSet(false, true);
    }

    @Override
    public void firstChunk() {
        firstChunkNanos = System.nanoTime();
    }

    @Override
    public void text(String text) {
        if (responseText != null && responseText.length() < MAX_LOGGED_RESPONSE) {
            synchronized (responseText) {
                responseText.append(text, 0, Math.min(text.length(), MAX_LOGGED_RESPONSE - responseText.length()));
            }
        }
    }

    /**
     * Milliseconds spent in the gateway so far for a complete answer, excluding the model's time, for
     * {@code X-Gateway-Overhead-Ms}.
     */
    public String answerOverheadMs() {
        long now = System.nanoTime();
        long modelNanos = backendStartNanos == 0 ? 0 : backendNanos >= 0 ? backendNanos : now - backendStartNanos;
        return millis(now - startNanos - modelNanos);
    }

    /**
     * For a stream, when its headers go out with the first text: everything since the model was called
     * (its answer's headers and then its first token) is the model's time.
     */
    @Override
    public String streamOverheadMs() {
        long now = System.nanoTime();
        return millis(now - startNanos - (backendStartNanos == 0 ? 0 : now - backendStartNanos));
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", Math.max(nanos, 0) / 1e6);
    }

    public void backendStarted() {
        backendStartNanos = System.nanoTime();
    }

    public void backendFinished(int status) {
        backendNanos = System.nanoTime() - backendStartNanos;
        backendStatus = status;
    }

    public Instant arrivedAt() {
        return arrivedAt;
    }

    public double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Seconds from arrival to the first streamed bytes, or -1 when nothing was streamed. */
    public double firstChunkSeconds() {
        return firstChunkNanos == 0 ? -1 : (firstChunkNanos - startNanos) / 1e9;
    }

    /** Seconds the backend took to answer (streams: to start answering), or -1 when it was not called. */
    public double backendSeconds() {
        return backendNanos < 0 ? -1 : backendNanos / 1e9;
    }

    public int backendStatus() {
        return backendStatus;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String clientIp() {
        return clientIp;
    }

    public Map<String, String> gitlabHeaders() {
        return gitlabHeaders;
    }

    /** Whether the request's prompts, answers and body may be logged (GitLab's gateway: can_log_request_data). */
    public boolean verbose() {
        return verbose;
    }

    /** The streamed text, when verbose; null otherwise. */
    public String streamedText() {
        if (responseText == null) {
            return null;
        }
        synchronized (responseText) {
            return responseText.toString();
        }
    }
}
