package io.github.aigateway.trace;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.backend.ModelEndpoints;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.metrics.ExchangeEventNotifier;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCreatedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry traces from Camel's exchange events, so the routes carry no tracing steps: one server span per
 * GitLab request (continuing GitLab's W3C {@code traceparent}), and a client span per model call with the GenAI
 * semantic-convention attributes, whose context goes on to the model server as {@code traceparent}. The standard
 * {@code OTEL_*} variables configure the SDK (OTLP over HTTP/protobuf by default, service name {@code ai-gateway}).
 * <p>
 * Off unless an OTLP endpoint is configured: then no notifier is registered and Camel does no tracing work at all.
 * Like {@code ExchangeMetrics}, the bean owns its notifier and adds it from its init method.
 */
public class ExchangeTracing implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeTracing.class);
    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    /** A request's span, ended once whichever copy of its exchange completes first. */
    private record RequestSpan(Span span, AtomicBoolean ended) {
    }

    private static final TextMapGetter<Message> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Message message) {
            return message.getHeaders().keySet();
        }

        @Override
        public String get(Message message, String name) {
            return message == null ? null : message.getHeader(name, String.class);
        }
    };

    private String otlpEndpoint;
    private CamelContext camelContext;
    private OpenTelemetrySdk sdk;
    private Tracer tracer;
    private final ExchangeEventNotifier notifier = new ExchangeEventNotifier(this::trace);

    /** {@code OTEL_EXPORTER_OTLP_ENDPOINT}; empty leaves tracing off (unless a traces endpoint of its own is set). */
    public void setOtlpEndpoint(String otlpEndpoint) {
        this.otlpEndpoint = otlpEndpoint;
    }

    public void register() {
        if (!enabled(otlpEndpoint, System.getenv())) {
            return;
        }
        sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults(otlpEndpoint))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        tracer = sdk.getTracer("ai-gateway");
        camelContext.getManagementStrategy().addEventNotifier(notifier);
        LOG.info("OpenTelemetry traces go to {}", otlpEndpoint == null || otlpEndpoint.isBlank()
                ? System.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") : otlpEndpoint);
    }

    /** Flushes the spans still queued: the last requests before a stop are traced too. */
    public void unregister() {
        if (sdk != null) {
            camelContext.getManagementStrategy().removeEventNotifier(notifier);
            sdk.close();
        }
    }

    static boolean enabled(String otlpEndpoint, Map<String, String> env) {
        boolean endpoint = (otlpEndpoint != null && !otlpEndpoint.isBlank())
                || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
        return endpoint && !"true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))
                && !"none".equalsIgnoreCase(env.get("OTEL_TRACES_EXPORTER"));
    }

    /** Defaults under the standard variables: this service's name, OTLP over HTTP/protobuf, traces only (no metrics or logs). */
    private static Map<String, String> defaults(String otlpEndpoint) {
        Map<String, String> defaults = new java.util.HashMap<>(Map.of("otel.service.name", "ai-gateway",
                "otel.exporter.otlp.protocol", "http/protobuf", "otel.metrics.exporter", "none", "otel.logs.exporter", "none"));
        if (otlpEndpoint != null && !otlpEndpoint.isBlank()) {
            defaults.put("otel.exporter.otlp.endpoint", otlpEndpoint);
        }
        return defaults;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    private void trace(CamelEvent event) {
        Exchange exchange = ((ExchangeEvent) event).getExchange();
        if (event instanceof ExchangeSendingEvent sending) {
            if (ModelEndpoints.isModelCall(sending.getEndpoint())) {
                startModelSpan(exchange);
            }
        } else if (event instanceof ExchangeSentEvent sent) {
            if (ModelEndpoints.isModelCall(sent.getEndpoint()) && exchange.getException() != null) {
                endModelSpan(exchange);
            }
        } else if (exchange.getFromEndpoint() instanceof PlatformHttpEndpoint http) {
            if (event instanceof ExchangeCreatedEvent) {
                startRequestSpan(exchange, http);
            } else {
                endRequestSpan(exchange);
            }
        }
    }

    private void startRequestSpan(Exchange exchange, PlatformHttpEndpoint http) {
        if (exchange.getProperty(ExchangeProperties.TRACE_REQUEST_SPAN) != null) {
            return; // a copy of a request already traced
        }
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "POST", String.class);
        Context parent = W3C.extract(Context.root(), exchange.getMessage(), HEADERS);
        Span span = tracer.spanBuilder(method + " " + http.getPath()).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("url.path", exchange.getMessage().getHeader(Exchange.HTTP_PATH, http.getPath(), String.class))
                .startSpan();
        exchange.setProperty(ExchangeProperties.TRACE_REQUEST_SPAN, new RequestSpan(span, new AtomicBoolean()));
    }

    /** A span per attempt, child of the request's; its context goes to the model server as {@code traceparent}. */
    private void startModelSpan(Exchange exchange) {
        RequestSpan request = exchange.getProperty(ExchangeProperties.TRACE_REQUEST_SPAN, RequestSpan.class);
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        if (request == null || call == null) {
            return;
        }
        endModelSpan(exchange); // an earlier attempt's, if it is still open
        ModelSelection model = call.model();
        String operation = "chat";
        Span span = tracer.spanBuilder(operation + " " + model.servedModel()).setSpanKind(SpanKind.CLIENT)
                .setParent(Context.root().with(request.span()))
                .setAttribute("gen_ai.operation.name", operation)
                .setAttribute("gen_ai.system", system(model))
                .setAttribute("gen_ai.request.model", model.servedModel())
                .setAttribute("gen_ai.request.max_tokens", (long) call.maxTokens())
                .setAttribute("gen_ai.request.temperature", call.temperature())
                .setAttribute("gitlab.model_family", model.family())
                .setAttribute("gitlab.feature", call.feature().key())
                .startSpan();
        W3C.inject(Context.root().with(span), exchange.getMessage(), Message::setHeader);
        exchange.setProperty(ExchangeProperties.TRACE_MODEL_SPAN, span);
    }

    private static String system(ModelSelection model) {
        return switch (model.provider()) {
            case OPENAI_COMPATIBLE -> "openai";
            case AZURE -> "az.ai.openai";
            case BEDROCK -> "aws.bedrock";
        };
    }

    private static void endModelSpan(Exchange exchange) {
        Span span = exchange.getProperty(ExchangeProperties.TRACE_MODEL_SPAN, Span.class);
        if (span == null) {
            return;
        }
        exchange.removeProperty(ExchangeProperties.TRACE_MODEL_SPAN);
        Exception failure = exchange.getException();
        if (failure instanceof HttpOperationFailedException http) {
            span.setAttribute(STATUS, (long) http.getStatusCode());
        }
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            span.setAttribute("error.type", failure.getClass().getName());
        }
        ModelAnswer answer = exchange.getProperty(ExchangeProperties.MODEL_ANSWER, ModelAnswer.class);
        if (answer != null && failure == null) {
            if (answer.inputTokens() >= 0) {
                span.setAttribute(INPUT_TOKENS, (long) answer.inputTokens());
            }
            if (answer.outputTokens() >= 0) {
                span.setAttribute(OUTPUT_TOKENS, (long) answer.outputTokens());
            }
        }
        span.end();
    }

    private static void endRequestSpan(Exchange exchange) {
        RequestSpan request = exchange.getProperty(ExchangeProperties.TRACE_REQUEST_SPAN, RequestSpan.class);
        if (request == null || !request.ended().compareAndSet(false, true)) {
            return;
        }
        endModelSpan(exchange);
        Span span = request.span();
        span.setAttribute("correlation_id", exchange.getProperty(ExchangeProperties.CORRELATION_ID, "", String.class));
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        long code = status != null ? status : exchange.isFailed() ? 500 : 200;
        span.setAttribute(STATUS, code);
        if (code >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
