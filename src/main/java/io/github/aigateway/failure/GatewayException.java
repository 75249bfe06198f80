package io.github.aigateway.failure;

/**
 * A failure the gateway answers itself, in GitLab's error shape {@code {"detail": "..."}}.
 * The detail is shown to GitLab administrators, so it must never carry a secret.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final Long retryAfterSeconds;

    public GatewayException(int status, String detail) {
        this(status, detail, null);
    }

    /** A refusal that says when to come back: {@code Retry-After}, in seconds. */
    public GatewayException(int status, String detail, Long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int getStatus() {
        return status;
    }

    public String getDetail() {
        return getMessage();
    }

    /** Seconds for {@code Retry-After}, or null when the failure does not say. */
    public Long getRetryAfterSeconds() {
        return retryAfterSeconds;
    }
}
