package io.github.aigateway.metrics;

import java.util.function.Consumer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCreatedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * A notifier of the exchange events a request's metrics and traces are read from: created, completed or failed,
 * and each send with its time. Camel creates an event object for every kind a notifier does not ignore, so every
 * other kind is ignored up front.
 */
public final class ExchangeEventNotifier extends EventNotifierSupport {

    private final Consumer<CamelEvent> listener;

    public ExchangeEventNotifier(Consumer<CamelEvent> listener) {
        this.listener = listener;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        // Camel times a send (and then reports ExchangeSentEvent) only when a notifier takes its sending event
        return event instanceof ExchangeCreatedEvent || event instanceof ExchangeCompletedEvent
                || event instanceof ExchangeFailedEvent || event instanceof ExchangeSendingEvent
                || event instanceof ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        listener.accept(event);
    }
}
