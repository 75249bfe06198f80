package io.github.aigateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * The gateway's Prometheus metrics, in one registry that {@link MetricsServer} serves. Every label value
 * comes from a closed set (routes, catalog families, providers, status codes), so a caller cannot grow
 * the number of series.
 */
public class GatewayMetrics {

    /** GitLab's gateway uses these request latency buckets (seconds). */
    private static final Duration[] REQUEST_BUCKETS = seconds(0.5, 1, 2.5, 5, 10, 30, 60);
    private static final Duration[] BACKEND_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    private static final Duration[] FIRST_TOKEN_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

    /** Circuit breaker state values, as issue 8's breakers will report them. */
    public static final int BREAKER_CLOSED = 0;
    public static final int BREAKER_HALF_OPEN = 1;
    public static final int BREAKER_OPEN = 2;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<IntSupplier> auditQueueDepth = new AtomicReference<>(() -> 0);
    private final Map<String, AtomicReference<IntSupplier>> breakers = new ConcurrentHashMap<>();

    public GatewayMetrics() {
        Gauge.builder("aigw.requests.in.flight", inFlight, AtomicInteger::get)
                .description("GitLab requests being answered")
                .register(registry);
        // the audit log reports its queue through watchAuditQueue
        Gauge.builder("aigw.audit.queue.depth", () -> auditQueueDepth.get().getAsInt())
                .description("Audit records waiting to be written")
                .register(registry);
        // circuit breakers report through watchCircuitBreaker; the OpenAI-compatible backend's gauge shows from the start
        watchCircuitBreaker("openai-compatible", () -> BREAKER_CLOSED);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** A GitLab request arrived. */
    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    /** A GitLab request was answered. */
    public void requestFinished(RequestLabels labels, String status, Duration took) {
        inFlight.decrementAndGet();
        Timer.builder("aigw.request.duration")
                .description("GitLab requests by endpoint, feature, model family, provider and answer status")
                .tags(labels.tags()).tag("status", status)
                .serviceLevelObjectives(REQUEST_BUCKETS)
                .register(registry)
                .record(took);
    }

    /** One call to a model server, until its answer (or, for streams, its response headers) arrived. */
    public void backendCall(RequestLabels labels, String status, Duration took) {
        Timer.builder("aigw.backend.duration")
                .description("Model server calls until the answer (streams: until the response headers)")
                .tag("provider", labels.provider()).tag("family", labels.family()).tag("status", status)
                .serviceLevelObjectives(BACKEND_BUCKETS)
                .register(registry)
                .record(took);
    }

    /** Time from GitLab's request to the first piece of streamed text sent back. */
    public void firstToken(RequestLabels labels, Duration took) {
        Timer.builder("aigw.time.to.first.token")
                .description("Streamed requests: from GitLab's request to the first text sent back")
                .tags(labels.tags())
                .serviceLevelObjectives(FIRST_TOKEN_BUCKETS)
                .register(registry)
                .record(took);
    }

    /** Tokens a model server reported for one call; negative counts mean it reported none. */
    public void tokens(RequestLabels labels, int input, int output) {
        if (input > 0) {
            tokenCounter(labels, "input").increment(input);
        }
        if (output > 0) {
            tokenCounter(labels, "output").increment(output);
        }
    }

    /** Lets the audit log report how many records wait to be written. */
    public void watchAuditQueue(IntSupplier depth) {
        auditQueueDepth.set(depth);
    }

    /** Lets a circuit breaker report its state ({@link #BREAKER_CLOSED}, half open, open). */
    public void watchCircuitBreaker(String backend, IntSupplier state) {
        breakers.computeIfAbsent(backend, name -> {
            AtomicReference<IntSupplier> current = new AtomicReference<>(state);
            Gauge.builder("aigw.circuit.breaker.state", () -> current.get().getAsInt())
                    .description("Circuit breaker per backend: 0 closed, 1 half open, 2 open")
                    .tag("backend", name)
                    .register(registry);
            return current;
        }).set(state);
    }

    /** Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    private Counter tokenCounter(RequestLabels labels, String direction) {
        return Counter.builder("aigw.model.tokens")
                .description("Tokens the model servers reported, by direction")
                .tags(labels.tags()).tag("direction", direction)
                .register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000_000L));
        }
        return durations;
    }

    /** What a request was for; every value from a closed set. */
    public record RequestLabels(String endpoint, String feature, String family, String provider) {

        Tags tags() {
            return Tags.of("endpoint", endpoint, "feature", feature, "family", family, "provider", provider);
        }
    }
}
