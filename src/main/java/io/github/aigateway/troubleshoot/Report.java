package io.github.aigateway.troubleshoot;

import io.github.aigateway.audit.SecretMasker;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Prints the results as a table and the summary. Every line passes through {@link #redact}: a model
 * server or GitLab may echo a key back in an error, and the output is meant to be shared with support.
 */
final class Report {

    private final PrintStream out;
    private final String[] secrets;

    Report(PrintStream out, List<String> secrets) {
        this.out = out;
        this.secrets = secrets.stream().filter(Objects::nonNull).toArray(String[]::new);
    }

    void print(List<CheckResult> results, Map<String, String> summary) {
        int width = results.stream().mapToInt(result -> result.check().length()).max().orElse(10);
        line("AI Gateway troubleshooting");
        line("");
        for (CheckResult result : results) {
            line("  " + result.status().symbol + "  " + pad(result.check(), width) + "  " + result.detail());
            if (result.fix() != null) {
                line("     " + pad("", width) + "  fix: " + result.fix());
            }
        }
        long failed = results.stream().filter(CheckResult::failed).count();
        line("");
        line(failed == 0 ? "All checks passed." : failed + " check(s) failed.");
        line("");
        line("Summary (secrets removed; safe to share with support):");
        summary.forEach((name, value) -> line("  " + pad(name, 28) + value));
    }

    private void line(String text) {
        out.println(redact(text));
    }

    String redact(String text) {
        return SecretMasker.mask(text, secrets);
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
