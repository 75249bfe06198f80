package io.github.aigateway.resilience;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.backend.CheckedAddressResolver;
import io.github.aigateway.backend.CheckedEndpoint;
import io.github.aigateway.backend.DeadConnectionRetry;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.Feature;
import io.vertx.core.http.HttpServerResponse;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Opens each model call, whatever the backend: its timeouts (per feature), a slot under the per-endpoint
 * concurrency limit, and the hook that cancels it when GitLab goes. Also the camel-http client configurer
 * that tells the call which upstream request to cancel and gives each request its feature's connect timeout,
 * sends it to the addresses the endpoint guard checked, and keeps dead pooled connections from failing it.
 */
public class ModelCalls implements HttpClientConfigurer {

    /** The call the current thread is about to send; taken by the client's interceptor. */
    private static final ThreadLocal<Sending> SENDING = new ThreadLocal<>();

    /** A call about to be sent: its control, and its endpoint's checked addresses (null for none). */
    private record Sending(ModelCallControl control, CheckedEndpoint endpoint) {
    }

    private static final ObjectMapper JSON = Json.MAPPER;

    private final Map<Feature, CallTimeouts> timeouts = new EnumMap<>(Feature.class);
    private final ConcurrencyLimit limit = new ConcurrencyLimit();
    private int concurrencyLimit;
    private Map<String, Map<String, Integer>> engineLimits = Map.of();
    private ScheduledExecutorService scheduler;
    private long idleConnectionMs = 2000;

    public void setCodeCompletionsTimeouts(String setting) {
        timeouts.put(Feature.CODE_COMPLETIONS, CallTimeouts.parse(setting));
    }

    public void setCodeGenerationsTimeouts(String setting) {
        timeouts.put(Feature.CODE_GENERATIONS, CallTimeouts.parse(setting));
    }

    public void setChatTimeouts(String setting) {
        timeouts.put(Feature.CHAT, CallTimeouts.parse(setting));
    }

    public void setPromptsTimeouts(String setting) {
        timeouts.put(Feature.PROMPTS, CallTimeouts.parse(setting));
    }

    /**
     * Idle time after which camel-http's pooled model connections are closed (checked as often, so a connection
     * is closed after one to two times this).
     */
    public void setIdleConnectionMs(long idleConnectionMs) {
        this.idleConnectionMs = idleConnectionMs;
    }

    /** Model calls in flight per model endpoint; 0 for no limit. */
    public void setConcurrencyLimit(int concurrencyLimit) {
        this.concurrencyLimit = concurrencyLimit;
    }

    /**
     * The environment variable (or, in tests, system property) holding the limits of single models, in the JSON
     * shape of GitLab's {@code AIGW_MODEL_ENGINE_CONCURRENCY_LIMITS}: {@code {"<engine>": {"<model name>": limit}}},
     * the engine being the provider as the audit log names it ({@code openai_compatible}, {@code azure},
     * {@code bedrock}) and the model name the served model. A model listed there counts on its own, against its
     * own limit, instead of against its endpoint's. Read here rather than through a property placeholder:
     * Camel parses a resolved value again and refuses the {@code }}} that ends such JSON.
     */
    public void setEngineConcurrencyLimitsVariable(String variable) {
        String json = System.getenv(variable);
        if (json == null) {
            json = System.getProperty(variable);
        }
        setEngineConcurrencyLimits(variable, json);
    }

    void setEngineConcurrencyLimits(String variable, String json) {
        if (json == null || json.isBlank()) {
            engineLimits = Map.of();
            return;
        }
        try {
            engineLimits = Map.copyOf(JSON.readValue(json, new TypeReference<Map<String, Map<String, Integer>>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(variable + " is not JSON of the form {\"<engine>\": {\"<model name>\": limit}}: "
                    + e.getOriginalMessage());
        }
        engineLimits.forEach((engine, models) -> models.forEach((model, max) -> {
            if (max == null || max < 0) {
                throw new IllegalArgumentException(variable + ": the limit of " + engine + " model " + model
                        + " must be 0 (no limit) or more");
            }
        }));
    }

    public void start() {
        for (Feature feature : Feature.values()) {
            if (!timeouts.containsKey(feature)) {
                throw new IllegalStateException("no model call timeouts for " + feature.key());
            }
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "model-call-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // cancelled watchdogs (every call that ends in time) must not pile up until their deadline
        timer.setRemoveOnCancelPolicy(true);
        scheduler = Executors.unconfigurableScheduledExecutorService(timer);
    }

    public void stop() {
        scheduler.shutdownNow();
    }

    /**
     * Before the first attempt: drops a request whose client has already gone (it waited for a worker
     * or sat in a queue), refuses one over the endpoint's limit with 429, and starts the watchdog.
     */
    public void begin(Exchange exchange) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        HttpServerResponse response = exchange.getProperty(ExchangeProperties.VERTX_RESPONSE, HttpServerResponse.class);
        if (response != null && response.closed()) {
            throw new ClientGoneException();
        }
        String endpoint = exchange.getProperty(ExchangeProperties.MODEL_ENDPOINT, String.class);
        Integer modelLimit = engineLimits.getOrDefault(call.model().provider().name().toLowerCase(Locale.ROOT), Map.of())
                .get(call.model().servedModel());
        String key = modelLimit == null ? endpoint : limitKey(endpoint, call.model().servedModel());
        if (!limit.tryAcquire(key, modelLimit == null ? concurrencyLimit : modelLimit)) {
            throw new TooManyCallsException();
        }
        ModelCallControl control = new ModelCallControl(scheduler, timeouts.get(call.feature()), call.stream());
        exchange.setProperty(ExchangeProperties.MODEL_CALL_CONTROL, control);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                control.close();
                limit.release(key);
            }
        });
        if (response != null) {
            response.closeHandler(gone -> control.stop(StopReason.CLIENT_DISCONNECTED));
            if (response.closed()) {
                control.stop(StopReason.CLIENT_DISCONNECTED);
            }
        }
        control.startWatchdog();
    }

    /** Right before camel-http sends: the next request this thread sends belongs to this call. */
    public void sending(Exchange exchange) {
        SENDING.set(new Sending(exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class),
                exchange.getProperty(ExchangeProperties.MODEL_ENDPOINT_CHECKED, CheckedEndpoint.class)));
    }

    /** Model calls in flight to an endpoint, for tests and diagnostics. */
    public int inFlight(String endpoint) {
        return limit.inFlight(endpoint);
    }

    /** Model calls in flight to a model with a limit of its own, for tests and diagnostics. */
    public int inFlight(String endpoint, String servedModel) {
        return limit.inFlight(limitKey(endpoint, servedModel));
    }

    private static String limitKey(String endpoint, String servedModel) {
        return endpoint + " " + servedModel;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // the gateway's retry loop is the only one: HttpClient 5 would otherwise repeat a 429 or 503 itself,
        // sleeping out any Retry-After (37 s for a throttled Azure deployment), unseen by the time budget
        builder.disableAutomaticRetries();
        builder.addExecInterceptorFirst("model-call-control", (request, scope, chain) -> {
            Sending sending = SENDING.get();
            SENDING.remove();
            if (sending == null) {
                return chain.proceed(request, scope);
            }
            ModelCallControl control = sending.control();
            if (control != null) {
                control(control, scope);
            }
            // a new connection goes to the addresses the endpoint guard checked, not to a second DNS answer
            return CheckedAddressResolver.sendingTo(sending.endpoint(), () -> chain.proceed(request, scope));
        });
        builder.addExecInterceptorAfter("model-call-control", "dead-connection-retry", new DeadConnectionRetry());
        // before a model server's keep-alive timeout (vLLM's uvicorn: 5 s), so few calls meet a dead connection
        builder.evictIdleConnections(TimeValue.ofMilliseconds(idleConnectionMs));
    }

    private static void control(ModelCallControl control, ExecChain.Scope scope) {
        // cancelling the request stops its wait for a pooled connection, stops a connect in progress, or
        // closes the connection of a request in flight (its response stream included)
        Cancellable upstream = scope.originalRequest instanceof Cancellable cancellable ? cancellable
                : scope.execRuntime instanceof Cancellable runtime ? runtime : null;
        if (upstream != null) {
            control.attach(upstream);
        }
        if (control.connectTimeout() != null) {
            // the feature's connect timeout becomes this request's socket connect timeout (camel-http gives each
            // request its own context), exact and thread-free; a watchdog cancelling the connect instead would
            // race with HttpClient, which checks for cancellation before it creates and binds the socket
            RequestConfig config = scope.clientContext.getRequestConfigOrDefault();
            @SuppressWarnings("deprecation") // ConnectionConfig holds it per route; only this one is per request
            RequestConfig withConnect = RequestConfig.copy(config)
                    .setConnectTimeout(Timeout.of(control.connectTimeout())).build();
            scope.clientContext.setRequestConfig(withConnect);
        }
    }

    /** 429 in GitLab's words when an endpoint already has its limit of calls in flight. */
    public static class TooManyCallsException extends GatewayException {

        public TooManyCallsException() {
            super(429, "Too many requests. Please try again later.");
        }
    }
}
