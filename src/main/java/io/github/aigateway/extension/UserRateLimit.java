package io.github.aigateway.extension;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.auth.GitLabUser;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;

/**
 * At most {@code perMinute} requests per GitLab user in any 60 seconds (recipes/user-rate-limit.camel.yaml). A user
 * is GitLab's {@code X-Gitlab-Global-User-Id} within the GitLab instance the token names; requests without that
 * header share one window per instance. The excess is refused with 429 and {@code Retry-After}: the seconds until
 * the user's oldest request in the window is a minute old. The windows live in this replica's memory.
 */
public class UserRateLimit {

    static final long WINDOW_MS = 60_000;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong();
    private int perMinute;
    private Clock clock = Clock.systemUTC();

    /** Requests a user may make in any 60 seconds; 0 or less admits everything. */
    public void setPerMinute(int perMinute) {
        this.perMinute = perMinute;
    }

    /** The clock windows are measured by (tests fix it). */
    public void setClock(Clock clock) {
        this.clock = clock;
    }

    /** Counts the request against its user's window, or refuses it with 429 when the window is full. */
    public void admit(Exchange exchange) {
        if (perMinute <= 0) {
            return;
        }
        long now = clock.millis();
        long[] waitMs = {0};
        windows.compute(user(exchange), (user, window) -> {
            Window current = window == null ? new Window(perMinute) : window;
            waitMs[0] = current.admit(now);
            return current;
        });
        sweep(now);
        if (waitMs[0] > 0) {
            throw new GatewayException(429, "Too many requests: at most " + perMinute
                    + " requests per minute per user. Please try again later.", (waitMs[0] + 999) / 1000);
        }
    }

    private static String user(Exchange exchange) {
        GitLabUser user = exchange.getProperty(ExchangeProperties.GITLAB_USER, GitLabUser.class);
        String instance = user == null ? "" : user.instanceId();
        String id = exchange.getMessage().getHeader("X-Gitlab-Global-User-Id", "", String.class);
        return instance + "/" + id;
    }

    /** Once a minute, forgets the users whose window has emptied, so idle users cost no memory. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < WINDOW_MS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (String user : windows.keySet()) {
            windows.computeIfPresent(user, (key, window) -> window.emptyAt(now) ? null : window);
        }
    }

    /** The times of a user's requests in the last 60 seconds, oldest first, in a ring of {@code perMinute}. */
    private static final class Window {

        private final long[] times;
        private int oldest;
        private int size;

        Window(int capacity) {
            times = new long[capacity];
        }

        /** Records a request at {@code now} and answers 0, or answers the milliseconds until one would fit. */
        long admit(long now) {
            dropBefore(now - WINDOW_MS);
            if (size == times.length) {
                return times[oldest] + WINDOW_MS - now;
            }
            times[(oldest + size) % times.length] = now;
            size++;
            return 0;
        }

        boolean emptyAt(long now) {
            dropBefore(now - WINDOW_MS);
            return size == 0;
        }

        private void dropBefore(long start) {
            while (size > 0 && times[oldest] <= start) {
                oldest = (oldest + 1) % times.length;
                size--;
            }
        }
    }
}
