package io.github.aigateway.resilience;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.metrics.GatewayMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * One circuit breaker per model server base URL (each replica has its own; Bedrock's is its runtime
 * endpoint). Model endpoints arrive with GitLab's requests, so they cannot be route nodes: Camel's
 * {@code circuitBreaker} EIP keeps one breaker per node, which here would be one breaker for every model
 * server behind the backend. After {@code failureThreshold} failures in a row the breaker opens: calls to
 * that server are refused at once with 503 for {@code openDuration}; then one probe call goes through (half
 * open), and its outcome closes or reopens it. Only the server's own failures count: refused or reset
 * connections, 5xx, no answer in time, a stream it breaks off after it started. A 4xx (bad prompt, context
 * too long, throttling, denied access) says the server works, and closes a half-open breaker. Only troubled
 * servers have an entry: a breaker that closes with no failures is dropped.
 */
public class CircuitBreakers {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakers.class);
    /** Endpoints come with requests: past this many troubled servers, a new one gets no breaker. */
    static final int MAX_BREAKERS = 1000;

    private final ConcurrentMap<String, Breaker> breakers = new ConcurrentHashMap<>();
    private final Set<String> watchedBackends = ConcurrentHashMap.newKeySet();
    private int failureThreshold = 5;
    private Duration openDuration = Duration.ofSeconds(10);
    private GatewayMetrics metrics;

    /** Failures in a row that open a breaker; 0 turns breakers off. */
    public void setFailureThreshold(int failureThreshold) {
        this.failureThreshold = failureThreshold;
    }

    /** How long an open breaker refuses calls before it lets one probe through. */
    public void setOpenMs(long openMs) {
        this.openDuration = Duration.ofMillis(openMs);
    }

    public void setMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Before an attempt: refuses it with 503 while the breaker of its server is open. A connection check is never
     * refused: it is how an administrator learns that the server works again (its outcome still counts).
     */
    public void admit(Exchange exchange) {
        if (failureThreshold <= 0 || exchange.getProperty(ExchangeProperties.CONNECTION_CHECK, false, Boolean.class)) {
            return;
        }
        String base = exchange.getProperty(ExchangeProperties.MODEL_BASE, String.class);
        watch(exchange.getProperty(ExchangeProperties.MODEL_BACKEND, String.class));
        Breaker breaker = breakers.get(base);
        if (breaker != null && !breaker.admit(System.nanoTime())) {
            throw new CircuitOpenException(base, openDuration);
        }
    }

    /** The server answered with a 2xx; for a stream, only its end ({@link #streamEnded}) tells whether it worked. */
    public void succeeded(Exchange exchange) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        if (call == null || !call.stream()) {
            String base = exchange.getProperty(ExchangeProperties.MODEL_BASE, String.class);
            breakers.computeIfPresent(base, (key, breaker) -> breaker.succeeded() ? null : breaker);
        }
    }

    /** The attempt failed (inside a {@code doCatch}): counts it when it was the server's fault, then rethrows it. */
    public void failed(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        ModelCallControl control = exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class);
        String base = exchange.getProperty(ExchangeProperties.MODEL_BASE, String.class);
        if (failureThreshold > 0 && !(failure instanceof CircuitOpenException)) {
            switch (blame(failure, control == null ? null : control.stopReason())) {
                case SERVER -> countFailure(exchange, base);
                case NOT_SERVER -> breakers.computeIfPresent(base, (key, breaker) -> breaker.succeeded() ? null : breaker);
                case NOBODY -> breakers.computeIfPresent(base, (key, breaker) -> breaker.released());
            }
        }
        throw failure;
    }

    /**
     * After a relayed stream: one that the model broke off (reset, garbage, silence past the idle timeout) counts
     * as a failure of its server, like a failure before the answer; one that ended normally is a success; one
     * cut at its total cap while still flowing, or whose client left, says nothing about the server.
     */
    public void streamEnded(Exchange exchange) {
        if (failureThreshold <= 0) {
            return;
        }
        String base = exchange.getProperty(ExchangeProperties.MODEL_BASE, String.class);
        String outcome = exchange.getProperty(ExchangeProperties.STREAM_OUTCOME, String.class);
        if (outcome == null) {
            breakers.computeIfPresent(base, (key, breaker) -> breaker.succeeded() ? null : breaker);
        } else if (outcome.equals(StopReason.IDLE_TIMEOUT.outcome()) || outcome.startsWith("failed:")) {
            LOG.debug("Model stream from {} ended early ({}); counted against its circuit breaker", base, outcome);
            countFailure(exchange, base);
        } else {
            breakers.computeIfPresent(base, (key, breaker) -> breaker.released());
        }
    }

    private void countFailure(Exchange exchange, String base) {
        breakers.compute(base, (key, breaker) -> {
            if (breaker == null && breakers.size() >= MAX_BREAKERS) {
                return null;
            }
            Breaker counted = breaker == null ? new Breaker(failureThreshold, openDuration, backend(exchange)) : breaker;
            if (counted.failed(System.nanoTime())) {
                LOG.warn("Circuit breaker opened for model server {}: {} failures in a row; calls are refused for {} s",
                        base, failureThreshold, openDuration.toSeconds());
            }
            return counted;
        });
    }

    /** Worst state of a backend's breakers: 0 closed, 1 half open, 2 open. */
    public int state(String backend) {
        long now = System.nanoTime();
        return breakers.values().stream().filter(b -> b.backend.equals(backend))
                .mapToInt(b -> b.state(now)).max().orElse(Breaker.CLOSED);
    }

    /** State of one server's breaker, for tests and diagnostics. */
    public int stateOf(String base) {
        Breaker breaker = breakers.get(base);
        return breaker == null ? Breaker.CLOSED : breaker.state(System.nanoTime());
    }

    private void watch(String backend) {
        if (metrics != null && backend != null && watchedBackends.add(backend)) {
            metrics.watchCircuitBreaker(backend, () -> state(backend));
        }
    }

    private static String backend(Exchange exchange) {
        String backend = exchange.getProperty(ExchangeProperties.MODEL_BACKEND, String.class);
        return backend == null ? "" : backend;
    }

    private enum Blame { SERVER, NOT_SERVER, NOBODY }

    private static Blame blame(Throwable failure, StopReason stopped) {
        if (stopped != null) {
            return stopped.isTimeout() ? Blame.SERVER : Blame.NOBODY;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpOperationFailedException http) {
                return http.getStatusCode() >= 500 ? Blame.SERVER : Blame.NOT_SERVER;
            }
            // Bedrock: 5xx are its own failures; validation, denied access, throttling (4xx) are not
            if (t instanceof AwsServiceException aws) {
                return aws.statusCode() >= 500 ? Blame.SERVER : Blame.NOT_SERVER;
            }
            // the AWS SDK gave up on the call itself: no answer within the call's budget
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
                return Blame.SERVER;
            }
            if (t instanceof IOException) {
                return Blame.SERVER;
            }
        }
        return Blame.NOBODY;
    }

    /** 503 while a model server's breaker is open; no call is made. */
    public static class CircuitOpenException extends GatewayException {

        CircuitOpenException(String base, Duration openDuration) {
            super(503, "Inference failed: the model server " + base + " is failing; the gateway stopped calling it"
                    + " for " + openDuration.toSeconds() + " s (circuit breaker open)");
        }
    }

    /** Closed → (failures) → open → (open duration) → half open: one probe → closed or open again. */
    private static final class Breaker {

        static final int CLOSED = 0;
        static final int HALF_OPEN = 1;
        static final int OPEN = 2;

        private final int threshold;
        private final long openNanos;
        private final String backend;
        private int failures;
        private long openedAt;
        private boolean open;
        private boolean probing;

        Breaker(int threshold, Duration openDuration, String backend) {
            this.threshold = threshold;
            this.openNanos = openDuration.toNanos();
            this.backend = backend;
        }

        synchronized boolean admit(long now) {
            if (!open) {
                return true;
            }
            if (now - openedAt < openNanos || probing) {
                return false;
            }
            probing = true;
            return true;
        }

        /** @return true when the breaker opened now */
        synchronized boolean failed(long now) {
            failures++;
            boolean wasOpen = open;
            if (probing || failures >= threshold) {
                open = true;
                openedAt = now;
                probing = false;
            }
            return open && !wasOpen;
        }

        /** @return true when the breaker is closed with no failures, so it can be dropped */
        synchronized boolean succeeded() {
            failures = 0;
            open = false;
            probing = false;
            return true;
        }

        synchronized Breaker released() {
            probing = false;
            return this;
        }

        synchronized int state(long now) {
            if (!open) {
                return CLOSED;
            }
            return probing || now - openedAt >= openNanos ? HALF_OPEN : OPEN;
        }
    }
}
