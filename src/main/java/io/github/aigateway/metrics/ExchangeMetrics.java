package io.github.aigateway.metrics;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.suggestion.CodeSuggestionRequest;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.backend.ModelEndpoints;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.metrics.GatewayMetrics.RequestLabels;
import io.github.aigateway.stream.TokenStream;
import java.time.Duration;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCreatedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;

/**
 * Records the metrics of every GitLab request in one place, from Camel's exchange events, so the routes
 * carry no metrics steps: a request starts when platform-http creates its exchange and ends when the
 * exchange completes; what it was for is read from the properties the routes set ({@code suggestion},
 * {@code modelCall}, {@code modelAnswer}, {@code responseStream}) and the status from the answer.
 * Every {@code to} a model server ({@link ModelEndpoints}) is a backend call.
 * <p>
 * The bean is not an {@code EventNotifier} itself: camel-main adds every notifier bean it finds, and YAML
 * beans are bound twice at start-up, so events were counted twice. Its init method {@link #register}
 * adds the one notifier it owns, and its destroy method takes it away again.
 */
public class ExchangeMetrics implements CamelContextAware {

    /** When a request started, and whether it has been counted. */
    private record Start(long nanos, AtomicBoolean counted) {
    }
    private static final String NONE = "none";

    private GatewayMetrics metrics;
    private ModelCatalog catalog;
    private CamelContext camelContext;
    private final ExchangeEventNotifier notifier = new ExchangeEventNotifier(this::record);

    public void setMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /** Families the catalog knows become labels; any other name GitLab sends is counted as {@code other}. */
    public void setCatalog(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public void register() {
        camelContext.getManagementStrategy().addEventNotifier(notifier);
    }

    public void unregister() {
        camelContext.getManagementStrategy().removeEventNotifier(notifier);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    private void record(CamelEvent event) {
        Exchange exchange = ((ExchangeEvent) event).getExchange();
        if (event instanceof ExchangeSendingEvent) {
            return;
        }
        if (event instanceof ExchangeSentEvent sent) {
            if (ModelEndpoints.isModelCall(sent.getEndpoint())) {
                metrics.backendCall(labels(exchange), backendStatus(exchange), Duration.ofMillis(sent.getTimeTaken()));
            }
            return;
        }
        if (!(exchange.getFromEndpoint() instanceof PlatformHttpEndpoint)) {
            return;
        }
        if (event instanceof ExchangeCreatedEvent) {
            if (exchange.getProperty(ExchangeProperties.METRICS_START) != null) {
                return; // a copy of a request already started
            }
            exchange.setProperty(ExchangeProperties.METRICS_START, new Start(System.nanoTime(), new AtomicBoolean()));
            metrics.requestStarted();
            return;
        }
        // the audit wire-tap and onCompletion complete copies of the request that share its Start: count it once
        Start start = exchange.getProperty(ExchangeProperties.METRICS_START, Start.class);
        if (start == null || !start.counted().compareAndSet(false, true)) {
            return;
        }
        long started = start.nanos();
        RequestLabels labels = labels(exchange);
        metrics.requestFinished(labels, answerStatus(exchange), Duration.ofNanos(System.nanoTime() - started));
        ModelAnswer answer = exchange.getProperty(ExchangeProperties.MODEL_ANSWER, ModelAnswer.class);
        if (answer != null) {
            metrics.tokens(labels, answer.inputTokens(), answer.outputTokens());
        }
        TokenStream stream = exchange.getProperty(ExchangeProperties.RESPONSE_STREAM, TokenStream.class);
        if (stream != null && stream.firstTextNanos() >= 0) {
            metrics.firstToken(labels, Duration.ofNanos(stream.firstTextNanos() - started));
        }
    }

    private RequestLabels labels(Exchange exchange) {
        String endpoint = endpointPath(exchange.getFromEndpoint());
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        if (call != null) {
            return labels(endpoint, call.feature().key(), call.model());
        }
        if (exchange.getProperty(ExchangeProperties.GITLAB_REQUEST) instanceof CodeSuggestionRequest suggestion) {
            return labels(endpoint, suggestion.feature().key(), suggestion.model());
        }
        return new RequestLabels(endpoint, NONE, NONE, NONE);
    }

    private RequestLabels labels(String endpoint, String feature, ModelSelection model) {
        String family = catalog != null && catalog.families().containsKey(model.family()) ? model.family() : "other";
        return new RequestLabels(endpoint, feature, family, model.provider().name().toLowerCase(Locale.ROOT));
    }

    private static String endpointPath(Endpoint from) {
        return from instanceof PlatformHttpEndpoint http ? http.getPath() : NONE;
    }

    /** The status GitLab got: the one the routes set, 500 for a failure nothing handled, else 200. */
    private static String answerStatus(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null) {
            return status.toString();
        }
        return exchange.isFailed() ? "500" : "200";
    }

    /** The model server's status, or {@code error} when it gave none (refused, reset, timed out). */
    private static String backendStatus(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure instanceof HttpOperationFailedException http) {
            return Integer.toString(http.getStatusCode());
        }
        if (failure != null) {
            return "error";
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return status == null ? "ok" : status.toString();
    }
}
