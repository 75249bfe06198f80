package io.github.aigateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.audit.SecretMasker;
import io.github.aigateway.backend.ModelCall;
import io.github.aigateway.catalog.Feature;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to the status and body GitLab's gateway gives for it (contract §10). Details name
 * what to fix but never carry a key or a prompt.
 */
public class GitLabErrors {

    private static final Logger LOG = LoggerFactory.getLogger(GitLabErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MODEL_MESSAGE = 300;

    public ErrorReply validation(Exchange exchange) {
        RequestValidationException e = exception(exchange, RequestValidationException.class);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode detail = body.putArray("detail");
        for (RequestValidationException.FieldError error : e.getErrors()) {
            ObjectNode item = detail.addObject();
            item.put("type", error.type());
            ArrayNode loc = item.putArray("loc");
            error.loc().forEach(part -> {
                if (part instanceof Number n) {
                    loc.add(n.longValue());
                } else {
                    loc.add(String.valueOf(part));
                }
            });
            item.put("msg", error.msg());
        }
        return new ErrorReply(422, body.toString(), null);
    }

    public ErrorReply gateway(Exchange exchange) {
        GatewayException e = exception(exchange, GatewayException.class);
        if (e.getStatus() >= 500) {
            LOG.warn("{}", e.getDetail());
        }
        return detail(e.getStatus(), e.getDetail());
    }

    /** No valid GitLab token: 401 {@code {"error": ...}}, the shape GitLab's auth middleware answers with. */
    public ErrorReply authentication(Exchange exchange) {
        AuthenticationException e = exception(exchange, AuthenticationException.class);
        return new ErrorReply(401, JSON.createObjectNode().put("error", e.getMessage()).toString(), null);
    }

    /** /monitoring/ready while no token could be verified: GitLab's keys have not been fetched yet. */

    /** The model server answered with an HTTP error. */
    public ErrorReply modelStatus(Exchange exchange) {
        HttpOperationFailedException e = exception(exchange, HttpOperationFailedException.class);
        int status = e.getStatusCode();
        ModelCall call = exchange.getProperty("modelCall", ModelCall.class);
        String modelMessage = SecretMasker.mask(modelMessage(e),
                call == null || call.model().apiKey() == null ? null : call.model().apiKey().reveal());
        LOG.warn("Model server answered HTTP {}: {}", status, modelMessage);
        if (call != null && call.feature() == Feature.PROMPTS) {
            // GitLab's prompt endpoints pass the model's status line on as 421
            String reason = e.getStatusText() == null || e.getStatusText().isBlank() ? "" : e.getStatusText().strip();
            return detail(421, status + ": " + reason);
        }
        if (status == 429) {
            return new ErrorReply(429, detailJson("Too many requests. Please try again later."), retryAfter(e));
        }
        if (status == 401 || status == 403) {
            return detail(503, "Inference failed: the model server rejected the API key (HTTP " + status + ")");
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

    /** No byte from the model within the read timeout. */
    public ErrorReply timeout(Exchange exchange) {
        LOG.warn("Model call timed out: {}", exception(exchange, Exception.class).getMessage());
        return detail(504, "Inference timed out");
    }

    /** Connection refused, reset or closed by the model server. */
    public ErrorReply unreachable(Exchange exchange) {
        LOG.warn("Model server unreachable: {}", exception(exchange, Exception.class).toString());
        return detail(503, "Inference failed");
    }

    public ErrorReply unexpected(Exchange exchange) {
        LOG.error("Unexpected failure", exception(exchange, Exception.class));
        return detail(500, "Internal Server Error");
    }

    private static ErrorReply detail(int status, String detail) {
        return new ErrorReply(status, detailJson(detail), null);
    }

    private static String detailJson(String detail) {
        return JSON.createObjectNode().put("detail", detail).toString();
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

    private static <T extends Throwable> T exception(Exchange exchange, Class<T> type) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught == null) {
            caught = exchange.getException();
        }
        // Camel matches onException on the cause too, e.g. inside a bean expression's wrapper
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new IllegalStateException("expected a " + type.getSimpleName() + " but got " + caught);
    }
}
