package io.github.aigateway.resilience;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * At most {@code limit} model calls at a time per model endpoint. With virtual threads nothing else bounds
 * the calls in flight, and a model server that is already saturated only gets slower with more; so the
 * excess is refused at once (429) instead of queueing. Endpoints come with GitLab's requests, so an entry
 * lives only while calls to it are in flight.
 */
final class ConcurrencyLimit {

    private final int limit;
    private final ConcurrentMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    ConcurrencyLimit(int limit) {
        this.limit = limit;
    }

    /** Takes a slot for the endpoint; false when all are taken. */
    boolean tryAcquire(String endpoint) {
        boolean[] acquired = {false};
        inFlight.compute(endpoint, (key, count) -> {
            int current = count == null ? 0 : count;
            if (limit > 0 && current >= limit) {
                return count;
            }
            acquired[0] = true;
            return current + 1;
        });
        return acquired[0];
    }

    void release(String endpoint) {
        inFlight.computeIfPresent(endpoint, (key, count) -> count <= 1 ? null : count - 1);
    }

    int inFlight(String endpoint) {
        return inFlight.getOrDefault(endpoint, 0);
    }
}
