package io.github.aigateway.resilience;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.stream.TokenStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/**
 * The gateway's one retry loop for model calls of every backend (the {@code loop} of the {@code model-call} route
 * template in {@code routes/model-calls.camel.yaml}; HttpClient's and the Bedrock SDK's own retries are off). It retries
 * only what cannot have produced an answer GitLab saw: a refused or timed-out connection attempt, 502 and 503
 * (Bedrock: ServiceUnavailableException, ModelNotReadyException), and 429 (Bedrock: ThrottlingException) after
 * the model's {@code Retry-After} when that is no longer than the longest backoff; never a 4xx such as a
 * validation error or a denied access, never a timeout, never once a byte went to GitLab, never past the call's
 * total deadline, never a connection check (GitLab's "Test connection" reports the model's first answer).
 * Waits grow exponentially with jitter, so replicas that come back are not hit by every gateway at once.
 */
public class RetryPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    private int maxAttempts = 3;
    private Duration backoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(2);

    /** Attempts in all, the first included; 1 turns retries off. */
    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = Math.max(1, maxAttempts);
    }

    /** Wait before the first retry; each further retry waits twice as long, up to {@link #setMaxBackoffMs}. */
    public void setBackoffMs(long backoffMs) {
        this.backoff = Duration.ofMillis(backoffMs);
    }

    public void setMaxBackoffMs(long maxBackoffMs) {
        this.maxBackoff = Duration.ofMillis(maxBackoffMs);
    }

    /** Before each attempt. */
    public void attempt(Exchange exchange) {
        control(exchange).nextAttempt();
    }

    /**
     * The model server answered; the loop ends. A plain flag the loop tests, rather than a getter it calls:
     * Simple reaches a method of a property by copying the whole exchange, on every turn of the loop.
     */
    public void answered(Exchange exchange) {
        exchange.setProperty(ExchangeProperties.MODEL_ANSWERED, true);
    }

    /**
     * After a failed attempt (inside the loop's {@code doCatch}): waits and returns when the loop should try
     * again, else throws the failure GitLab gets.
     */
    public void afterFailure(Exchange exchange) throws Exception {
        ModelCallControl control = control(exchange);
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        RuntimeException stopped = control.failure(null);
        if (stopped != null) {
            throw stopped;
        }
        TokenStream stream = exchange.getProperty(ExchangeProperties.RESPONSE_STREAM, TokenStream.class);
        boolean connectionCheck = exchange.getProperty(ExchangeProperties.CONNECTION_CHECK, false, Boolean.class);
        Duration wait = connectionCheck || control.attempts() >= maxAttempts || (stream != null && stream.started())
                ? null : delayBeforeRetry(failure, control.attempts());
        if (wait == null || wait.compareTo(control.remaining()) >= 0) {
            throw failure;
        }
        LOG.info("Model call attempt {} failed ({}); retrying in {} ms", control.attempts(), describe(failure),
                wait.toMillis());
        if (!control.pause(wait)) {
            throw control.failure(null);
        }
    }

    /** How long to wait before retrying this failure, or null when it must not be retried. */
    Duration delayBeforeRetry(Throwable failure, int attemptsSoFar) {
        // no connection was made, so no model saw the request
        if (isConnectFailure(failure)) {
            return jittered(attemptsSoFar);
        }
        HttpOperationFailedException http = cause(failure, HttpOperationFailedException.class);
        if (http != null) {
            return delayBeforeRetry(http.getStatusCode(), http.getResponseHeaders(), attemptsSoFar);
        }
        // Bedrock (AWS SDK): the same statuses; ModelNotReadyException is Bedrock's 429 for a model it is loading
        AwsServiceException aws = cause(failure, AwsServiceException.class);
        if (aws instanceof ThrottlingException) {
            return delayBeforeRetry(429, awsHeaders(aws), attemptsSoFar);
        }
        if (aws instanceof ServiceUnavailableException || aws instanceof ModelNotReadyException) {
            return jittered(attemptsSoFar);
        }
        if (aws != null) {
            return delayBeforeRetry(aws.statusCode(), awsHeaders(aws), attemptsSoFar);
        }
        return null;
    }

    private Duration delayBeforeRetry(int status, Map<String, String> headers, int attemptsSoFar) {
        return switch (status) {
            case 502, 503 -> jittered(attemptsSoFar);
            case 429 -> {
                // a longer Retry-After is GitLab's to honour: holding its request that long helps nobody
                Duration asked = retryAfter(headers);
                yield asked == null ? jittered(attemptsSoFar) : asked.compareTo(maxBackoff) <= 0 ? asked : null;
            }
            default -> null;
        };
    }

    /**
     * A refused connection or a connect timeout, from camel-http (HttpClient 5) or the AWS SDK (its Apache
     * client's ConnectTimeoutException, Netty's is a ConnectException): nothing was sent.
     */
    static boolean isConnectFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /** The response headers of an AWS error, first value of each. */
    private static Map<String, String> awsHeaders(AwsServiceException aws) {
        if (aws.awsErrorDetails() == null || aws.awsErrorDetails().sdkHttpResponse() == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        aws.awsErrorDetails().sdkHttpResponse().headers().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name, values.get(0));
            }
        });
        return headers;
    }

    /** backoff × 2^(n-1), capped, then a random point in its upper half. */
    private Duration jittered(int attemptsSoFar) {
        long base = backoff.toMillis() << Math.min(20, Math.max(0, attemptsSoFar - 1));
        long capped = Math.min(base, maxBackoff.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** {@code retry-after-ms} or {@code Retry-After} in seconds; HTTP dates are not honoured. */
    static Duration retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        Duration seconds = null;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            String value = header.getValue() == null ? "" : header.getValue().strip();
            if (name.equals("retry-after-ms") && value.matches("\\d{1,9}")) {
                return Duration.ofMillis(Long.parseLong(value));
            }
            if (name.equals("retry-after") && value.matches("\\d{1,9}")) {
                seconds = Duration.ofSeconds(Long.parseLong(value));
            }
        }
        return seconds;
    }

    private static String describe(Throwable failure) {
        HttpOperationFailedException http = cause(failure, HttpOperationFailedException.class);
        AwsServiceException aws = cause(failure, AwsServiceException.class);
        return http != null ? "HTTP " + http.getStatusCode()
                : aws != null ? "HTTP " + aws.statusCode() + " " + aws.getClass().getSimpleName()
                : failure.getClass().getSimpleName();
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static ModelCallControl control(Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class);
    }
}
