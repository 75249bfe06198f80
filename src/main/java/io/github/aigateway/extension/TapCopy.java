package io.github.aigateway.extension;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.audit.AuditLog;
import io.github.aigateway.request.RequestRecord;
import io.github.aigateway.model.ModelCall;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultMessage;

/**
 * A wire-tap's {@code onPrepare} (bean {@code tapCopy}) that makes the tapped copy of a GitLab request fit to call
 * a model on its own, e.g. through {@code direct:model-backend}, without touching GitLab's answer or its record.
 * A wire-tap copies the exchange's properties by reference, so the copy would otherwise share the objects GitLab's
 * request is answered and recorded with. The copy keeps the request's {@code correlationId} (its model calls carry
 * the same {@code X-Request-ID}), its typed request ({@code gitlabRequest}) and its {@code modelCall}; from the rest it drops or replaces:
 * <ul>
 * <li>{@code responseStream}, {@code vertxResponse} and {@code vertxContext}
 * ({@link ExchangeProperties#VERTX_RESPONSE}, {@link ExchangeProperties#VERTX_CONTEXT}), and its message (GitLab's request
 * headers, GitLab's token among them, and body) for an empty one: nothing the copy does can write to GitLab's
 * answer. Without a stream to relay into, {@code modelCall} becomes the same call answered whole
 * ({@link ModelCall#withoutStream}), so the model is asked for a complete answer.</li>
 * <li>{@code requestRecord} ({@link ExchangeProperties#REQUEST_RECORD}), for {@link RequestRecord#forCopy a record of its own}
 * that is already claimed: the audit log's onCompletion never fires for the copy, and its model call's status and
 * timing go to its own record, which {@link AuditLog#event} writes as an event line, not to the request's.</li>
 * <li>{@code modelCallControl} ({@link ExchangeProperties#MODEL_CALL_CONTROL}): the original call's watchdog. A copy that goes
 * through {@code direct:model-call} gets its own, with the feature's timeouts, and is not cancelled when GitLab's
 * request ends.</li>
 * <li>{@code traceRequestSpan} and {@code traceModelSpan} ({@link ExchangeProperties#TRACE_REQUEST_SPAN},
 * {@link ExchangeProperties#TRACE_MODEL_SPAN}), and the endpoint the exchange came from (GitLab's platform-http route):
 * the request's metrics and spans count exchanges from platform-http as GitLab's request, and the copy is not it.</li>
 * <li>What the original's model call did: {@code modelAnswer}, {@code modelAnswered}
 * ({@link ExchangeProperties#MODEL_ANSWERED}), {@code streamOutcome}, the failure caught ({@link Exchange#EXCEPTION_CAUGHT}),
 * and {@code auditFields} ({@link ExchangeProperties#AUDIT_FIELDS}, a map the copy would otherwise write into).</li>
 * </ul>
 */
public class TapCopy implements Processor {

    @Override
    public void process(Exchange copy) {
        copy.setMessage(new DefaultMessage(copy));
        copy.getExchangeExtension().setFromEndpoint(null);
        copy.removeProperty(ExchangeProperties.RESPONSE_STREAM);
        copy.removeProperty(ExchangeProperties.VERTX_RESPONSE);
        copy.removeProperty(ExchangeProperties.VERTX_CONTEXT);
        ModelCall call = copy.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        if (call != null) {
            copy.setProperty(ExchangeProperties.MODEL_CALL, call.withoutStream());
        }
        RequestRecord record = copy.getProperty(ExchangeProperties.REQUEST_RECORD, RequestRecord.class);
        if (record != null) {
            copy.setProperty(ExchangeProperties.REQUEST_RECORD, record.forCopy());
        }
        copy.removeProperty(ExchangeProperties.MODEL_CALL_CONTROL);
        copy.removeProperty(ExchangeProperties.TRACE_REQUEST_SPAN);
        copy.removeProperty(ExchangeProperties.TRACE_MODEL_SPAN);
        ModelCallEdits.forgetOutcome(copy);
        copy.removeProperty(ExchangeProperties.AUDIT_FIELDS);
    }
}
