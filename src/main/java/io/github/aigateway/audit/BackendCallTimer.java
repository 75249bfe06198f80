package io.github.aigateway.audit;

import io.github.aigateway.backend.ModelEndpoints;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.request.RequestRecord;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Times each call to a model backend (see {@link ModelEndpoints}) for the audit record, so backend routes need
 * no timing steps of their own.
 */
public class BackendCallTimer extends EventNotifierSupport {

    public BackendCallTimer() {
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreStepEvents(true);
        // raised before every processor of every route: creating it for nobody costs 2 % of a request's CPU
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeSendingEvent || event instanceof ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof ExchangeSendingEvent sending && ModelEndpoints.isModelCall(sending.getEndpoint())) {
            RequestRecord record = record(sending.getExchange());
            if (record != null) {
                record.backendStarted();
            }
        } else if (event instanceof ExchangeSentEvent sent && ModelEndpoints.isModelCall(sent.getEndpoint())) {
            RequestRecord record = record(sent.getExchange());
            if (record != null) {
                record.backendFinished(status(sent.getExchange()));
            }
        }
    }

    private static RequestRecord record(Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.REQUEST_RECORD, RequestRecord.class);
    }

    private static int status(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure instanceof HttpOperationFailedException http) {
            return http.getStatusCode();
        }
        if (failure != null) {
            return 0;
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return code == null ? 200 : code;
    }
}
