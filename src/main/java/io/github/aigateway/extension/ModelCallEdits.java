package io.github.aigateway.extension;

import io.github.aigateway.audit.AuditLog;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.resilience.ClientGoneException;
import io.github.aigateway.stream.TokenStream;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What extension routes may do to a model call at the seams (routes/extension-seams.camel.yaml), as bean
 * methods a YAML route can call.
 */
public class ModelCallEdits {

    private ModelCatalog catalog;

    /** The catalog whose backends resolve a retargeted model, as they resolve GitLab's. */
    public void setCatalog(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The seam-model-failed default: the failure the model router caught goes on to the error handling, as if
     * nothing had caught it.
     */
    public void rethrowFailure(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Hands the call on to another model, with the same messages: {@code modelCall} names the model the arguments
     * resolve to, as GitLab's {@code model_metadata} does ({@link ModelCatalog#select}: the identifier's prefix
     * picks the catalog's backend, e.g. {@code bedrock/…} Bedrock). The call then starts afresh on that model:
     * what the previous one answered, and how it failed, are forgotten. {@code direct:model-backend} then checks
     * the new endpoint (ModelEndpointGuard) and calls it.
     *
     * @param family  the model family, for the catalog's request options; empty keeps the call's
     * @param apiKey  the key for that model only; empty for none
     */
    public void retarget(Exchange exchange, String endpoint, String identifier, String family, String apiKey) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        String targetFamily = family == null || family.isBlank() ? call.model().family() : family;
        ModelSelection target = catalog.select(targetFamily, blankToNull(endpoint), blankToNull(apiKey),
                blankToNull(identifier));
        exchange.setProperty(ExchangeProperties.MODEL_CALL, call.withModel(target));
        forgetOutcome(exchange);
    }

    /** Forgets what the exchange's model call did: its answer, whether it answered, how a stream ended, its failure. */
    static void forgetOutcome(Exchange exchange) {
        exchange.removeProperty(ExchangeProperties.MODEL_ANSWER);
        exchange.removeProperty(ExchangeProperties.MODEL_ANSWERED);
        exchange.removeProperty(ExchangeProperties.STREAM_OUTCOME);
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
    }

    /**
     * Sets one message of the prompt: the first message of {@code role} gets {@code content}; when there is none,
     * a {@code system} message goes first and any other role last.
     */
    public void setMessage(Exchange exchange, String role, String content) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        List<ChatMessage> messages = new ArrayList<>(call.messages());
        ChatMessage replaced = new ChatMessage(role, content);
        int at = messages.stream().map(ChatMessage::role).toList().indexOf(role);
        if (at >= 0) {
            messages.set(at, replaced);
        } else if ("system".equals(role)) {
            messages.add(0, replaced);
        } else {
            messages.add(replaced);
        }
        exchange.setProperty(ExchangeProperties.MODEL_CALL, call.withMessages(messages));
    }

    /**
     * Names the model the call goes to now in the request's audit record, under {@code field}: its identifier as
     * GitLab sent it, else its endpoint, else its family; never its key.
     */
    public void auditModelAs(Exchange exchange, String field) {
        ModelSelection model = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class).model();
        String name = model.identifier() != null && !model.identifier().isBlank() ? model.identifier()
                : model.endpoint() != null ? model.endpoint() : model.family();
        AuditLog.extensionFields(exchange).put(field, name);
    }

    /**
     * Whether nothing of the answer has reached GitLab yet, so another model may still serve the request: no byte
     * of a stream went out, and no status line. A stream's status (200) goes out with its first text, Duo Chat's
     * with its first event, so a Duo Chat request whose model failed before that can be served by another model
     * too; once anything went out, the request ends as it started.
     */
    public boolean nothingReachedGitLab(Exchange exchange) {
        TokenStream stream = exchange.getProperty(ExchangeProperties.RESPONSE_STREAM, TokenStream.class);
        HttpServerResponse response = exchange.getProperty(ExchangeProperties.VERTX_RESPONSE, HttpServerResponse.class);
        return (stream == null || !stream.started()) && (response == null || !response.headWritten());
    }

    /**
     * Whether the failure caught (at seam-model-failed) says the model could not answer, after the call's retries:
     * the model server answered 5xx or 429, could not be reached (refused, reset, timed out), its circuit breaker is
     * open, the call's timeouts passed, or its endpoint's concurrency limit is full. Not when GitLab went away, nor
     * when the gateway refused the call itself (a model endpoint it may not call, a family the catalog does not
     * allow) or the model refused the request (other 4xx): another model would not help with those.
     */
    public boolean modelUnavailable(Exchange exchange) {
        for (Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class); t != null; t = t.getCause()) {
            if (t instanceof ClientGoneException) {
                return false;
            }
            if (t instanceof GatewayException gateway) {
                return gateway.getStatus() == 429 || gateway.getStatus() == 503 || gateway.getStatus() == 504;
            }
            if (t instanceof HttpOperationFailedException http) {
                return unavailable(http.getStatusCode());
            }
            if (t instanceof AwsServiceException aws) {
                return unavailable(aws.statusCode());
            }
            if (t instanceof IOException || t instanceof SdkClientException) {
                return true;
            }
        }
        return false;
    }

    private static boolean unavailable(int status) {
        return status >= 500 || status == 429;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
