package io.github.aigateway.resilience;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long one model call for a feature may take, from a setting such as
 * {@code connect=2s, first-byte=20s, idle=15s, total=50s} (units {@code ms}, {@code s}, {@code m}).
 *
 * @param firstByte longest wait for the model's first streamed token (streams only: a complete answer has
 *                  no first byte before its end, so only {@code total} bounds it)
 * @param idle      longest silence between two streamed chunks
 * @param total     longest call in all, retries and the whole stream included; keep it under GitLab's own
 *                  limit (55 s for code suggestions, 60 s for chat) so GitLab hears why
 * @param connect   longest wait for the TCP connection of each attempt (OpenAI-compatible backends), or null
 *                  for the global {@code AIGW_MODEL_CONNECT_TIMEOUT_MS}
 */
public record CallTimeouts(Duration firstByte, Duration idle, Duration total, Duration connect) {

    private static final Pattern PART =
            Pattern.compile("\\s*(connect|first-byte|idle|total)\\s*=\\s*(\\d+)\\s*(ms|s|m)\\s*");

    public CallTimeouts {
        if (firstByte.isZero() || idle.isZero() || total.isZero() || (connect != null && connect.isZero())) {
            throw new IllegalArgumentException("model call timeouts must be positive");
        }
    }

    /** Timeouts whose connect timeout is the global one. */
    public CallTimeouts(Duration firstByte, Duration idle, Duration total) {
        this(firstByte, idle, total, null);
    }

    public static CallTimeouts parse(String setting) {
        Duration connect = null;
        Duration firstByte = null;
        Duration idle = null;
        Duration total = null;
        for (String part : setting.split(",")) {
            Matcher m = PART.matcher(part.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("model call timeouts: cannot read '" + part.strip()
                        + "' in '" + setting + "' (expected first-byte=20s, idle=15s, total=50s)");
            }
            long amount = Long.parseLong(m.group(2));
            Duration value = switch (m.group(3)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
            switch (m.group(1)) {
                case "connect" -> connect = value;
                case "first-byte" -> firstByte = value;
                case "idle" -> idle = value;
                default -> total = value;
            }
        }
        if (firstByte == null || idle == null || total == null) {
            throw new IllegalArgumentException("model call timeouts: '" + setting + "' needs first-byte, idle and total");
        }
        return new CallTimeouts(firstByte, idle, total, connect);
    }
}
