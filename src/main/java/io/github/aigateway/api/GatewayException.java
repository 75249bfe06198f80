package io.github.aigateway.api;

/**
 * A failure the gateway answers itself, in GitLab's error shape {@code {"detail": "..."}}.
 * The detail is shown to GitLab administrators, so it must never carry a secret.
 */
public class GatewayException extends RuntimeException {

    private final int status;

    public GatewayException(int status, String detail) {
        super(detail);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }

    public String getDetail() {
        return getMessage();
    }
}
