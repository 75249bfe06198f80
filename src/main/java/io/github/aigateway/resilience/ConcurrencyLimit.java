package io.github.aigateway.resilience;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * At most a given number of model calls at a time per key (a model endpoint, or an endpoint's model that has
 * a limit of its own). With virtual threads nothing else bounds the calls in flight, and a model server that
 * is already saturated only gets slower with more; so the excess is refused at once (429) instead of
 * queueing. Endpoints come with GitLab's requests, so an entry lives only while calls to it are in flight.
 */
final class ConcurrencyLimit {

    private final ConcurrentMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    /** Takes a slot under the key's limit (0 for none); false when all are taken. */
    boolean tryAcquire(String key, int limit) {
        boolean[] acquired = {false};
        inFlight.compute(key, (k, count) -> {
            int current = count == null ? 0 : count;
            if (limit > 0 && current >= limit) {
                return count;
            }
            acquired[0] = true;
            return current + 1;
        });
        return acquired[0];
    }

    void release(String key) {
        inFlight.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }

    int inFlight(String key) {
        return inFlight.getOrDefault(key, 0);
    }
}
