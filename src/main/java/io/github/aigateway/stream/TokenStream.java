package io.github.aigateway.stream;

/**
 * Generated text on its way to GitLab, in the format the endpoint promises. Backends push pieces of
 * text as they arrive; the status line and headers go out with the first write, so a failure before it
 * can still get a proper error status.
 */
public interface TokenStream {

    /** Sends one piece of generated text at once. */
    void write(String text);

    /** Ends the stream normally. */
    void end();

    /** Ends a stream that already started, in the stream's own error form. */
    void abort(String reason);

    /** Whether anything has been sent, i.e. whether an HTTP error status is still possible. */
    boolean started();

    /** Whether GitLab has gone away, so the backend call can be dropped. */
    boolean clientGone();

    /** {@link System#nanoTime()} when the first piece of text went out, or -1 before that; for metrics. */
    default long firstTextNanos() {
        return -1;
    }
}
