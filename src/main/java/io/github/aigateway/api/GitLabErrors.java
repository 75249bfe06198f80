package io.github.aigateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.aigateway.audit.SecretMasker;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.AuthenticationException;
import io.github.aigateway.failure.ErrorReply;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.failure.RequestValidationException;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.Provider;
import io.github.aigateway.request.RequestRecord;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Maps every failure to the status and body GitLab's gateway gives for it (contract §10). Details name
 * what to fix but never carry a key or a prompt.
 */
public class GitLabErrors {

    private static final Logger LOG = LoggerFactory.getLogger(GitLabErrors.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int MAX_MODEL_MESSAGE = 300;
    /** Bedrock sends no {@code Retry-After}; GitLab still needs to know when to come back. */
    static final String BEDROCK_RETRY_AFTER_SECONDS = "5";
    /** The statuses LiteLLM gives a model call that timed out and one that could not reach the model server. */
    static final int MODEL_TIMEOUT = 408;
    static final int MODEL_UNREACHABLE = 500;

    /** How failures of one type are answered, given the failure of that type found in the exchange's exception. */
    private record Mapping<T extends Throwable>(Class<T> type, BiFunction<Exchange, T, ErrorReply> reply) {
        ErrorReply replyTo(Exchange exchange, Throwable failure) {
            return reply.apply(exchange, type.cast(failure));
        }
    }

    /** Every type of failure GitLab gets its own answer for. */
    private static final List<Mapping<?>> MAPPINGS = List.of(
            new Mapping<>(RequestValidationException.class, GitLabErrors::validation),
            new Mapping<>(AuthenticationException.class, (exchange, e) -> authentication(e)),
            new Mapping<>(GatewayException.class, GitLabErrors::gateway),
            new Mapping<>(HttpOperationFailedException.class, GitLabErrors::modelStatus),
            new Mapping<>(BedrockRuntimeException.class, GitLabErrors::bedrock),
            new Mapping<>(SdkClientException.class, GitLabErrors::awsClient),
            new Mapping<>(SocketTimeoutException.class, (exchange, e) -> timeout(exchange)),
            new Mapping<>(ConnectionRequestTimeoutException.class, (exchange, e) -> timeout(exchange)),
            new Mapping<>(IOException.class, (exchange, e) -> unreachable(exchange)),
            new Mapping<>(Exception.class, (exchange, e) -> unexpected(exchange)));

    /**
     * The answer GitLab gets for the exchange's failure, mapped by its type the way Camel picks an {@code onException}
     * clause: the failure and each of its causes, innermost first, is matched against {@link #MAPPINGS}; the type
     * closest to an exception's own class wins, an exact class ends the search, and of equally close matches the
     * innermost cause wins. So a {@link SocketTimeoutException} a bean's wrapper carries is still a timeout.
     */
    public ErrorReply reply(Exchange exchange) {
        Throwable caught = caught(exchange);
        List<Throwable> innermostFirst = new ArrayList<>();
        for (Throwable t = caught; t != null && !innermostFirst.contains(t); t = t.getCause()) {
            innermostFirst.add(0, t);
        }
        Mapping<?> best = null;
        Throwable matched = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Throwable t : innermostFirst) {
            for (Mapping<?> candidate : MAPPINGS) {
                int distance = distance(t.getClass(), candidate.type());
                if (distance < bestDistance) {
                    best = candidate;
                    matched = t;
                    bestDistance = distance;
                }
            }
            if (bestDistance == 0) {
                break;
            }
        }
        return best == null ? unexpected(exchange) : best.replyTo(exchange, matched);
    }

    /** How many superclasses up from {@code type} {@code mapped} is; {@link Integer#MAX_VALUE} when it is not one. */
    private static int distance(Class<?> type, Class<?> mapped) {
        int distance = 0;
        for (Class<?> c = type; c != null; c = c.getSuperclass(), distance++) {
            if (c == mapped) {
                return distance;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * A body GitLab's gateway would refuse before its handler runs: 422 {@code {"detail": "Validation error"}}, or
     * with the errors themselves when prompts may be logged for the request (request logging on, or GitLab's
     * verbose AI logs header), as GitLab's gateway answers a {@code RequestValidationError}.
     */
    private static ErrorReply validation(Exchange exchange, RequestValidationException e) {
        RequestRecord record = exchange.getProperty(ExchangeProperties.REQUEST_RECORD, RequestRecord.class);
        boolean mayLogRequestData = record != null && record.verbose();
        return detail(422, mayLogRequestData ? PythonRepr.errors(e.getErrors()) : "Validation error");
    }

    private static ErrorReply gateway(Exchange exchange, GatewayException e) {
        if (e.getStatus() >= 500) {
            LOG.warn("{}", e.getDetail());
        }
        // the only 504 the gateway raises itself: a model call it stopped at its deadline
        if (e.getStatus() == 504 && isPromptCall(exchange)) {
            return misdirected(MODEL_TIMEOUT);
        }
        if (e.getRetryAfterSeconds() != null) {
            return new ErrorReply(e.getStatus(), detailJson(e.getDetail()), String.valueOf(e.getRetryAfterSeconds()));
        }
        if (e.getStatus() == 429) {
            // the gateway's own limit: calls end within seconds, so GitLab may come back soon
            return new ErrorReply(429, detailJson(e.getDetail()), "1");
        }
        return detail(e.getStatus(), e.getDetail());
    }

    /** No valid GitLab token: 401 {@code {"error": ...}}, the shape GitLab's auth middleware answers with. */
    private static ErrorReply authentication(AuthenticationException e) {
        return new ErrorReply(401, Json.write(JSON.createObjectNode().put("error", e.getMessage())), null);
    }

    /** The model server answered with an HTTP error. */
    private static ErrorReply modelStatus(Exchange exchange, HttpOperationFailedException e) {
        int status = e.getStatusCode();
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        String modelMessage = SecretMasker.mask(modelMessage(e),
                call == null || call.model().apiKey() == null ? null : call.model().apiKey().reveal());
        LOG.warn("Model server answered HTTP {}: {}", status, modelMessage);
        if (isPromptCall(exchange)) {
            return misdirected(status);
        }
        if (status == 429) {
            return new ErrorReply(429, detailJson("Too many requests. Please try again later."), retryAfter(e));
        }
        if (status == 401 || status == 403) {
            return detail(503, "Inference failed: the model server rejected the API key (HTTP " + status + ")");
        }
        if (status == 404 && call != null && call.model().provider() == Provider.AZURE) {
            return detail(503, "Inference failed: Azure OpenAI has no deployment '" + call.model().servedModel()
                    + "' at this endpoint (HTTP 404)");
        }
        if (status == 404) {
            String model = call == null ? "" : " '" + call.model().servedModel() + "'";
            return detail(503, "Inference failed: the model server does not serve the model" + model
                    + " at this endpoint (HTTP 404)");
        }
        if (status >= 400 && status < 500) {
            return detail(503, "Inference failed: the model server refused the request (HTTP " + status + "): "
                    + modelMessage);
        }
        return detail(503, "Inference failed");
    }

    /** AWS Bedrock answered with an error (the SDK's exception for Bedrock's error type). */
    private static ErrorReply bedrock(Exchange exchange, BedrockRuntimeException e) {
        String message = shortened(e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
        String errorCode = e.awsErrorDetails() == null ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
        LOG.warn("Bedrock answered HTTP {} {}: {}", e.statusCode(), errorCode, message);
        if (e instanceof ThrottlingException || e instanceof ServiceQuotaExceededException) {
            String retryAfter = e.awsErrorDetails() == null ? null : e.awsErrorDetails().sdkHttpResponse()
                    .firstMatchingHeader("Retry-After").filter(v -> v.strip().matches("\\d{1,9}")).orElse(null);
            return new ErrorReply(429, detailJson("Too many requests. Please try again later."),
                    retryAfter == null ? BEDROCK_RETRY_AFTER_SECONDS : retryAfter.strip());
        }
        if (e instanceof ValidationException) {
            return detail(422, "Bedrock refused the request: " + message);
        }
        if (e instanceof AccessDeniedException) {
            return detail(503, "Inference failed: AWS denied access to Bedrock model " + servedModel(exchange)
                    + ". Grant the gateway's AWS identity bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream"
                    + " on it and enable the model under Bedrock model access in that region (" + message + ")");
        }
        if (e instanceof ResourceNotFoundException) {
            return detail(503, "Inference failed: Bedrock has no model " + servedModel(exchange)
                    + " in the configured region (AWS_REGION_NAME): " + message);
        }
        if (e instanceof ModelTimeoutException) {
            return detail(504, "Inference timed out");
        }
        if (e instanceof ServiceUnavailableException) {
            return detail(503, "Inference failed: Bedrock is unavailable, try again later");
        }
        if (e.statusCode() == 401 || e.statusCode() == 403) {
            return detail(503, "Inference failed: AWS rejected the gateway's credentials (" + errorCode
                    + "). Check the AWS credentials the gateway runs with (AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or the pod's IAM role)");
        }
        return detail(503, "Inference failed: " + errorCode + ": " + message);
    }

    /** The AWS SDK failed before Bedrock answered: no credentials, no region, timeout or no connection. */
    private static ErrorReply awsClient(Exchange exchange, SdkClientException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("Unable to load credentials")) {
            LOG.warn("No AWS credentials for Bedrock: {}", shortened(message));
            return detail(503, "Inference failed: the gateway found no AWS credentials for Bedrock. Set"
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or give the pod an IAM role");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().contains("Timeout")) {
                return timeout(exchange);
            }
        }
        LOG.warn("Bedrock unreachable: {}", shortened(message));
        return detail(503, "Inference failed");
    }

    /** No byte from the model within the read timeout. */
    private static ErrorReply timeout(Exchange exchange) {
        LOG.warn("Model call timed out: {}", caught(exchange).getMessage());
        return isPromptCall(exchange) ? misdirected(MODEL_TIMEOUT) : detail(504, "Inference timed out");
    }

    /** Connection refused, reset or closed by the model server. */
    private static ErrorReply unreachable(Exchange exchange) {
        LOG.warn("Model server unreachable: {}", caught(exchange).toString());
        return isPromptCall(exchange) ? misdirected(MODEL_UNREACHABLE) : detail(503, "Inference failed");
    }

    private static ErrorReply unexpected(Exchange exchange) {
        LOG.error("Unexpected failure", caught(exchange));
        return detail(500, "Internal Server Error");
    }

    /**
     * GitLab's prompt endpoints answer a model failure with 421 "{status}: {reason}", the status LiteLLM gives the
     * failure and Python's reason phrase for it; Rails' "Test connection" shows it as the model server's answer.
     */
    private static ErrorReply misdirected(int modelStatus) {
        return detail(421, modelStatus + ": " + HttpResponseStatus.valueOf(modelStatus).reasonPhrase());
    }

    private static boolean isPromptCall(Exchange exchange) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        return call != null && call.feature() == Feature.PROMPTS;
    }

    private static String servedModel(Exchange exchange) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        return call == null ? "" : "'" + call.model().servedModel() + "'";
    }

    private static String shortened(String message) {
        String oneLine = message == null ? "" : message.replaceAll("\\s+", " ").strip();
        return oneLine.length() > MAX_MODEL_MESSAGE ? oneLine.substring(0, MAX_MODEL_MESSAGE) + "…" : oneLine;
    }

    private static ErrorReply detail(int status, String detail) {
        return new ErrorReply(status, detailJson(detail), null);
    }

    private static String detailJson(String detail) {
        return Json.write(JSON.createObjectNode().put("detail", detail));
    }

    /** The message of an OpenAI-style error body ({@code {"error": {...}}} or vLLM's older flat form). */
    private static String modelMessage(HttpOperationFailedException e) {
        String body = e.getResponseBody();
        String message = body == null ? "" : body;
        try {
            var root = JSON.readTree(body == null ? "{}" : body);
            var error = root.path("error");
            if (error.isObject() && error.hasNonNull("message")) {
                message = error.path("message").asText();
            } else if (root.hasNonNull("message")) {
                message = root.path("message").asText();
            } else if (root.hasNonNull("detail")) {
                message = root.path("detail").asText();
            }
        } catch (Exception notJson) {
            // keep the raw body
        }
        message = message.replaceAll("\\s+", " ").strip();
        return message.length() > MAX_MODEL_MESSAGE ? message.substring(0, MAX_MODEL_MESSAGE) + "…" : message;
    }

    /** Seconds from {@code retry-after-ms} or {@code retry-after}, digits only so nothing else is echoed. */
    private static String retryAfter(HttpOperationFailedException e) {
        Map<String, String> headers = e.getResponseHeaders();
        if (headers == null) {
            return null;
        }
        String seconds = null;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
            String value = header.getValue() == null ? "" : header.getValue().strip();
            if (name.equals("retry-after-ms") && value.matches("\\d{1,9}")) {
                return String.valueOf((Long.parseLong(value) + 999) / 1000);
            }
            if (name.equals("retry-after") && value.matches("\\d{1,9}")) {
                seconds = value;
            }
        }
        return seconds;
    }

    /** The failure the error handler caught. */
    private static Throwable caught(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return caught != null ? caught : exchange.getException();
    }
}
