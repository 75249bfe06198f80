package io.github.aigateway.exchange;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Every exchange property the routes, beans and extension routes share: its name, the type of its value, the
 * step that sets it and the first seam (routes/extension-seams.camel.yaml) at which an extension may read it.
 * Routes read them as {@code ${exchangeProperty.<name>}}; {@code ExchangePropertiesTest} fails when a route or
 * recipe uses a name not declared here, and the integrator guide's table lists them.
 */
public final class ExchangeProperties {

    /** What a property holds and who sets it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Holds {
        /** The class of the value, by name (this package depends on no other of the gateway's). */
        String type();

        /** The step that sets it. */
        String setBy();

        /** The first seam at which it is set, or {@link Seam#INTERNAL} for the gateway's own bookkeeping. */
        Seam from();
    }

    /** The seams in the order a request passes them. */
    public enum Seam {
        REQUEST_ACCEPTED("seam-request-accepted"),
        BEFORE_MODEL_CALL("seam-before-model-call"),
        AFTER_ANSWER("seam-after-answer"),
        /** set and read by the gateway's own beans; an extension leaves it alone */
        INTERNAL("internal");

        private final String routeId;

        Seam(String routeId) {
            this.routeId = routeId;
        }

        public String routeId() {
            return routeId;
        }
    }

    // --- the request, from its first step

    @Holds(type = "java.lang.String", setBy = "requestContext.open: GitLab's X-Request-ID, or a new one (listenerReplies,"
            + " for the record of a request it answered itself)",
            from = Seam.REQUEST_ACCEPTED)
    public static final String CORRELATION_ID = "correlationId";

    @Holds(type = "io.github.aigateway.auth.GitLabUser", setBy = "gitlabAuth.authenticate: the token's instance and user",
            from = Seam.REQUEST_ACCEPTED)
    public static final String GITLAB_USER = "gitlabUser";

    @Holds(type = "java.lang.Object", setBy = "the gitlab-endpoint template's reader: the typed request"
            + " (CodeSuggestionRequest, ChatAgentRequest, LegacyChatRequest, PromptRequest or DocsSearchRequest)",
            from = Seam.REQUEST_ACCEPTED)
    public static final String GITLAB_REQUEST = "gitlabRequest";

    @Holds(type = "io.github.aigateway.request.RequestRecord", setBy = "requestContext.open: timings and headers"
            + " for the audit record", from = Seam.INTERNAL)
    public static final String REQUEST_RECORD = "requestRecord";

    @Holds(type = "io.vertx.core.http.HttpServerResponse", setBy = "requestContext.open: GitLab's response",
            from = Seam.INTERNAL)
    public static final String VERTX_RESPONSE = "vertxResponse";

    @Holds(type = "io.vertx.core.Context", setBy = "requestContext.open: the event loop of GitLab's request",
            from = Seam.INTERNAL)
    public static final String VERTX_CONTEXT = "vertxContext";

    @Holds(type = "io.github.aigateway.metrics.ExchangeMetrics$Start", setBy = "exchangeMetrics, when the exchange"
            + " is created", from = Seam.INTERNAL)
    public static final String METRICS_START = "metricsStart";

    @Holds(type = "io.github.aigateway.trace.ExchangeTracing$RequestSpan", setBy = "exchangeTracing, when the"
            + " exchange is created (traces on)", from = Seam.INTERNAL)
    public static final String TRACE_REQUEST_SPAN = "traceRequestSpan";

    @Holds(type = "java.lang.Boolean", setBy = "invoke-prompt: true for GitLab's \"Test connection\" prompt, whose"
            + " model is called once whatever its breaker says", from = Seam.BEFORE_MODEL_CALL)
    public static final String CONNECTION_CHECK = "connectionCheck";

    @Holds(type = "io.github.aigateway.monitoring.ReadinessChecks$Readiness", setBy = "monitoring-ready",
            from = Seam.INTERNAL)
    public static final String READINESS = "readiness";

    // --- the model call

    @Holds(type = "io.github.aigateway.model.ModelCall", setBy = "the feature route (suggest-code,"
            + " chat-agent-step, legacy-chat, invoke-prompt); an extension may replace it (ModelCall.withMessages,"
            + " withModel, modelCallEdits)", from = Seam.BEFORE_MODEL_CALL)
    public static final String MODEL_CALL = "modelCall";

    @Holds(type = "io.github.aigateway.stream.TokenStream", setBy = "the feature route: where a streamed answer is"
            + " written to GitLab; null for a complete answer", from = Seam.BEFORE_MODEL_CALL)
    public static final String RESPONSE_STREAM = "responseStream";

    @Holds(type = "java.lang.String", setBy = "model-backend: the backend route the catalog's backends pick",
            from = Seam.AFTER_ANSWER)
    public static final String MODEL_BACKEND = "modelBackend";

    @Holds(type = "java.lang.String", setBy = "modelEndpointGuard.check: the endpoint called, once checked",
            from = Seam.AFTER_ANSWER)
    public static final String MODEL_ENDPOINT = "modelEndpoint";

    @Holds(type = "io.github.aigateway.backend.CheckedEndpoint", setBy = "modelEndpointGuard.check: the addresses"
            + " checked, which the call connects to", from = Seam.INTERNAL)
    public static final String MODEL_ENDPOINT_CHECKED = "modelEndpointChecked";

    @Holds(type = "io.github.aigateway.catalog.RequestOptions", setBy = "openai-compatible-backend: the catalog's"
            + " request options for the model", from = Seam.INTERNAL)
    public static final String REQUEST_OPTIONS = "requestOptions";

    @Holds(type = "java.lang.String", setBy = "openai-compatible-backend: the chat completions URL",
            from = Seam.INTERNAL)
    public static final String MODEL_URL = "modelUrl";

    @Holds(type = "java.lang.String", setBy = "the backend route: the request body sent to the model",
            from = Seam.INTERNAL)
    public static final String MODEL_REQUEST_BODY = "modelRequestBody";

    @Holds(type = "io.github.aigateway.resilience.ModelCallControl", setBy = "modelCalls.begin: the call's"
            + " timeouts, concurrency slot and cancellation", from = Seam.INTERNAL)
    public static final String MODEL_CALL_CONTROL = "modelCallControl";

    @Holds(type = "java.lang.String", setBy = "model-attempt: the load-balancing route of the endpoint's replicas,"
            + " if any", from = Seam.INTERNAL)
    public static final String MODEL_REPLICAS = "modelReplicas";

    @Holds(type = "java.lang.String", setBy = "model-attempt or the replicas' route: the one server called",
            from = Seam.INTERNAL)
    public static final String MODEL_BASE = "modelBase";

    @Holds(type = "io.github.aigateway.backend.bedrock.BedrockResponseStreamRelay$OpenStream",
            setBy = "the Bedrock streaming attempt", from = Seam.INTERNAL)
    public static final String BEDROCK_STREAM = "bedrockStream";

    @Holds(type = "io.opentelemetry.api.trace.Span", setBy = "exchangeTracing, when the model call starts"
            + " (traces on)", from = Seam.INTERNAL)
    public static final String TRACE_MODEL_SPAN = "traceModelSpan";

    // --- the answer

    @Holds(type = "java.lang.Boolean", setBy = "modelRetry.answered: ends the retry loop", from = Seam.INTERNAL)
    public static final String MODEL_ANSWERED = "modelAnswered";

    @Holds(type = "io.github.aigateway.model.ModelAnswer", setBy = "the backend route: the model's complete answer"
            + " (or the text a stream relayed)", from = Seam.AFTER_ANSWER)
    public static final String MODEL_ANSWER = "modelAnswer";

    @Holds(type = "io.github.aigateway.model.ModelUsage", setBy = "the Bedrock stream relay: the tokens the model"
            + " counted", from = Seam.AFTER_ANSWER)
    public static final String MODEL_USAGE = "modelUsage";

    @Holds(type = "java.lang.String", setBy = "the stream relays: how a stream ended, when not normally",
            from = Seam.AFTER_ANSWER)
    public static final String STREAM_OUTCOME = "streamOutcome";

    @Holds(type = "io.github.aigateway.failure.ErrorReply", setBy = "error-handling: the status and body GitLab"
            + " gets for a failure", from = Seam.INTERNAL)
    public static final String ERROR_REPLY = "errorReply";

    @Holds(type = "java.util.Map", setBy = "extension routes: fields added to the request's audit record"
            + " (the gateway's own fields keep their values)", from = Seam.REQUEST_ACCEPTED)
    public static final String AUDIT_FIELDS = "auditFields";

    private ExchangeProperties() {
    }
}
