package io.github.aigateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.json.Json;
import io.github.aigateway.metrics.GatewayMetrics;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.monitoring.ReadinessChecks;
import io.github.aigateway.request.RequestRecord;
import io.github.aigateway.suggestion.CodeSuggestionRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one record per GitLab request to the audit log (file or stdout, see {@link AuditLogAppenders}).
 * Called from the wire-tapped audit route, off the response path. Prompts and responses appear only for
 * verbose requests; credentials never do.
 */
public class AuditLog {

    static final String LOGGER = "gateway.audit";
    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = Json.MAPPER;

    private String file = "";
    private boolean formatJson = true;
    private String maxFileSize = "100MB";
    private int maxFiles = 10;
    private ScheduledExecutorService reopener;
    private ReadinessChecks readiness;

    public void setFile(String file) {
        this.file = file == null ? "" : file.strip();
    }

    public void setFormatJson(boolean formatJson) {
        this.formatJson = formatJson;
    }

    public void setMaxFileSize(String maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    public void setMaxFiles(int maxFiles) {
        this.maxFiles = maxFiles;
    }

    /** The metrics then show how many records wait to be written. */
    public void setMetrics(GatewayMetrics metrics) {
        metrics.watchAuditQueue(() -> AuditLogAppenders.queueDepth(LOGGER));
    }

    /** Readiness then reports an audit log that cannot be written. */
    public void setReadiness(ReadinessChecks readiness) {
        this.readiness = readiness;
    }

    /** Sets up the appenders; the bean's init method. The gateway starts even when the file cannot be opened. */
    public synchronized void start() {
        if (readiness != null) {
            readiness.register("audit_log", () -> writable() ? null : "not writable: " + file);
        }
        if (!AuditLogAppenders.install(LOGGER, file.isEmpty() ? null : Path.of(file), maxFileSize, maxFiles)) {
            System.err.println("ai-gateway: the audit log file " + file + " cannot be opened; audit records go to"
                    + " stderr and the gateway reports not ready until it can be written");
            reopener = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "audit-log-reopen");
                thread.setDaemon(true);
                return thread;
            });
            reopener.scheduleWithFixedDelay(this::reopen, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Flushes queued records; the bean's destroy method, so nothing queued is lost at shutdown. */
    public synchronized void stop() {
        if (reopener != null) {
            reopener.shutdownNow();
            reopener = null;
        }
        AuditLogAppenders.uninstall(LOGGER);
    }

    private synchronized void reopen() {
        if (reopener != null && writable()
                && AuditLogAppenders.install(LOGGER, Path.of(file), maxFileSize, maxFiles)) {
            System.err.println("ai-gateway: the audit log file " + file + " is writable again");
            reopener.shutdown();
            reopener = null;
        }
    }

    /** Whether records reach their destination; stdout always does. */
    public boolean writable() {
        if (file.isEmpty()) {
            return true;
        }
        Path path = Path.of(file).toAbsolutePath();
        return Files.exists(path) ? Files.isWritable(path) && Files.isRegularFile(path)
                : Files.isDirectory(path.getParent()) && Files.isWritable(path.getParent());
    }

    /** Queues the request's record and answers it as written, for the seam-audit-record extensions. */
    public String record(Exchange exchange) {
        return log(build(exchange));
    }

    /**
     * An event line beside a request's record, e.g. {@code "event":"shadow"} for a model call made from a copy
     * of the request (extension/TapCopy): built as a record from the copy's exchange, whose own
     * {@link RequestRecord#forCopy record} times it, so {@code duration_s} runs from the copy's start, and whose
     * {@code status_code} is the model's (0 when it gave none: refused, reset, timed out, never called). Answered
     * as written, for the seam-audit-record extensions.
     */
    public String event(Exchange exchange, String event) {
        ObjectNode built = build(exchange);
        RequestRecord request = exchange.getProperty(ExchangeProperties.REQUEST_RECORD, RequestRecord.class);
        ObjectNode record = JSON.createObjectNode();
        record.set("timestamp", built.get("timestamp"));
        record.put("event", event);
        record.setAll(built);
        record.put("status_code", Math.max(0, request.backendStatus()));
        return log(record);
    }

    /** Queues the record's line and answers it. */
    private String log(ObjectNode record) {
        String line = write(record);
        AUDIT.info(line);
        return line;
    }

    /** The record as one line: JSON, or key=value pairs. */
    String write(ObjectNode record) {
        return formatJson ? Json.write(record) : text(record);
    }

    /**
     * The record of a request the listener answered itself before any route ran (a body too large, headers or a
     * URI too long, a malformed request, an unknown path or method, the gateway shutting down), answered as written.
     */
    public String recordListenerReply(RequestRecord request, String correlationId, int status, String reason) {
        ObjectNode record = JSON.createObjectNode();
        record.put("timestamp", request.arrivedAt().toString());
        record.put("correlation_id", correlationId);
        record.put("method", request.method());
        record.put("path", request.path());
        record.put("status_code", status);
        record.put("duration_s", round(request.secondsSinceStart()));
        record.put("client_ip", request.clientIp());
        request.gitlabHeaders().forEach(record::put);
        record.put("error_class", "ListenerReply");
        record.put("error_message", reason);
        return log(record);
    }

    ObjectNode build(Exchange exchange) {
        RequestRecord request = exchange.getProperty(ExchangeProperties.REQUEST_RECORD, RequestRecord.class);
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        ModelAnswer answer = exchange.getProperty(ExchangeProperties.MODEL_ANSWER, ModelAnswer.class);
        HttpServerResponse response = exchange.getProperty(ExchangeProperties.VERTX_RESPONSE, HttpServerResponse.class);
        CodeSuggestionRequest suggestion = exchange.getProperty(ExchangeProperties.GITLAB_REQUEST)
                instanceof CodeSuggestionRequest read ? read : null;
        ModelSelection model = call != null ? call.model() : suggestion != null ? suggestion.model() : null;
        String key = model == null || model.apiKey() == null ? null : model.apiKey().reveal();

        ObjectNode record = JSON.createObjectNode();
        record.put("timestamp", request.arrivedAt().toString());
        record.put("correlation_id", exchange.getProperty(ExchangeProperties.CORRELATION_ID, String.class));
        record.put("method", request.method());
        record.put("path", request.path());
        record.put("status_code", response == null ? 0 : response.getStatusCode());
        record.put("duration_s", round(request.secondsSinceStart()));
        putSeconds(record, "first_chunk_duration_s", request.firstChunkSeconds());
        record.put("client_ip", request.clientIp());
        request.gitlabHeaders().forEach(record::put);
        if (call != null) {
            record.put("feature", call.feature().key());
        } else if (suggestion != null) {
            record.put("feature", suggestion.feature().key());
        }
        if (model != null) {
            record.put("model_family", model.family());
            record.put("model_identifier", model.identifier());
            record.put("model_name", model.servedModel());
            record.put("provider", model.provider().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (request.backendStatus() >= 0) {
            record.put("backend_status", request.backendStatus());
        }
        putSeconds(record, "backend_duration_s", request.backendSeconds());
        if (answer != null && answer.inputTokens() >= 0) {
            record.put("input_tokens", answer.inputTokens());
        }
        if (answer != null && answer.outputTokens() >= 0) {
            record.put("output_tokens", answer.outputTokens());
        }
        String outcome = exchange.getProperty(ExchangeProperties.STREAM_OUTCOME, String.class);
        if (outcome != null) {
            record.put("stream_outcome", SecretMasker.mask(outcome, key));
        }
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error == null) {
            error = exchange.getException();
        }
        if (error != null) {
            Throwable cause = rootOfInterest(error);
            record.put("error_class", cause.getClass().getSimpleName());
            record.put("error_message", SecretMasker.mask(String.valueOf(cause.getMessage()), key));
        }
        addExtensionFields(record, exchange.getProperty(ExchangeProperties.AUDIT_FIELDS, Map.class));
        if (request.verbose()) {
            if (call != null) {
                var prompt = record.putArray("prompt");
                for (ChatMessage message : call.messages()) {
                    prompt.addObject().put("role", message.role()).put("content", SecretMasker.mask(message.content(), key));
                }
            }
            String text = request.streamedText();
            if ((text == null || text.isEmpty()) && answer != null) {
                text = answer.text();
            }
            if (text != null && !text.isEmpty()) {
                record.put("response", SecretMasker.mask(text, key));
            }
        }
        return record;
    }

    /**
     * The fields extension routes add to the request's audit record ({@code auditFields}), open to more: created on
     * first use, or copied from a map an extension set (which may not take more), in the order added.
     */
    public static Map<String, Object> extensionFields(Exchange exchange) {
        Map<?, ?> current = exchange.getProperty(ExchangeProperties.AUDIT_FIELDS, Map.class);
        if (current instanceof ExtensionFields fields) {
            return fields;
        }
        ExtensionFields fields = new ExtensionFields();
        if (current != null) {
            current.forEach((name, value) -> fields.put(String.valueOf(name), value));
        }
        exchange.setProperty(ExchangeProperties.AUDIT_FIELDS, fields);
        return fields;
    }

    /** {@code auditFields} as {@link #extensionFields} keeps it. */
    private static final class ExtensionFields extends LinkedHashMap<String, Object> {
    }

    /** Fields extension routes added; the gateway's own fields keep their values. */
    private static void addExtensionFields(ObjectNode record, Map<?, ?> fields) {
        if (fields != null) {
            fields.forEach((name, value) -> {
                if (!record.has(String.valueOf(name))) {
                    record.set(String.valueOf(name), JSON.valueToTree(value));
                }
            });
        }
    }

    /** Camel wraps bean failures; the wrapped exception says what happened. */
    private static Throwable rootOfInterest(Throwable error) {
        Throwable current = error;
        while (current.getCause() != null && current.getClass().getName().startsWith("org.apache.camel.")
                && !current.getClass().getName().startsWith("org.apache.camel.http")) {
            current = current.getCause();
        }
        return current;
    }

    private static void putSeconds(ObjectNode record, String field, double seconds) {
        if (seconds >= 0) {
            record.put(field, round(seconds));
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1_000_000d) / 1_000_000d;
    }

    /** {@code key=value} pairs on one line; values quoted when needed, line breaks escaped. */
    static String text(ObjectNode record) {
        StringBuilder line = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = record.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!line.isEmpty()) {
                line.append(' ');
            }
            JsonNode value = field.getValue();
            String text = value.isValueNode() ? value.asText() : Json.write(value);
            line.append(field.getKey()).append('=');
            if (value.isNumber() || !text.isEmpty() && text.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\\')) {
                line.append(text);
            } else {
                line.append(Json.write(JSON.getNodeFactory().textNode(text)));
            }
        }
        return line.toString();
    }
}
