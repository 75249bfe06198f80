package io.github.aigateway.resilience;

/** Why the gateway stopped a model call itself; the name goes to the audit record's {@code stream_outcome}. */
public enum StopReason {
    FIRST_BYTE_TIMEOUT("first_byte_timeout"),
    IDLE_TIMEOUT("idle_timeout"),
    TOTAL_TIMEOUT("total_timeout"),
    CLIENT_DISCONNECTED("client_disconnected");

    private final String outcome;

    StopReason(String outcome) {
        this.outcome = outcome;
    }

    public String outcome() {
        return outcome;
    }

    public boolean isTimeout() {
        return this != CLIENT_DISCONNECTED;
    }
}
