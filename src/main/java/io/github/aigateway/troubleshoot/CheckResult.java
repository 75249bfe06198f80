package io.github.aigateway.troubleshoot;

/**
 * The outcome of one troubleshooting check.
 *
 * @param check  what was checked, a few words
 * @param status passed, a risk worth knowing, or failed
 * @param detail what was found
 * @param fix    what to change; null when there is nothing to do
 */
record CheckResult(String check, Status status, String detail, String fix) {

    enum Status {
        PASS("✔"), WARN("⚠"), FAIL("✖");

        final String symbol;

        Status(String symbol) {
            this.symbol = symbol;
        }
    }

    static CheckResult pass(String check, String detail) {
        return new CheckResult(check, Status.PASS, detail, null);
    }

    static CheckResult warn(String check, String detail, String fix) {
        return new CheckResult(check, Status.WARN, detail, fix);
    }

    static CheckResult fail(String check, String detail, String fix) {
        return new CheckResult(check, Status.FAIL, detail, fix);
    }

    boolean failed() {
        return status == Status.FAIL;
    }
}
