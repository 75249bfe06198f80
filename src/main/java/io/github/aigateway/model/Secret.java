package io.github.aigateway.model;

/** A credential that prints as {@code ****} wherever it is logged, formatted or serialised by accident. */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? null : new Secret(value);
    }

    /** The clear value, for the one header that carries it to its own backend. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
