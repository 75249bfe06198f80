package io.github.aigateway.request;

import io.github.aigateway.exchange.ExchangeProperties;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.MDC;

/**
 * First step of every GitLab route: keeps what later steps need from the HTTP request before any step
 * replaces the platform-http message or removes the request headers.
 */
public class RequestContext {

    /** MDC key that puts the correlation ID on every application log line of the request. */
    public static final String MDC_KEY = "correlation_id";

    /** Labkit IDs and UUIDs fit; anything else could forge log lines, so it is replaced. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final int MAX_HEADER_VALUE = 256;
    private static final Map<String, String> AUDITED_HEADERS = Map.of(
            "gitlab_instance_id", "X-Gitlab-Instance-Id",
            "gitlab_global_user_id", "X-Gitlab-Global-User-Id",
            "gitlab_realm", "X-Gitlab-Realm",
            "gitlab_host_name", "X-Gitlab-Host-Name",
            "gitlab_version", "X-Gitlab-Version");

    private boolean requestLogging;

    /** The request's id: GitLab's {@code X-Request-ID} when it is a safe one, else a new one. */
    public static String correlationId(String given) {
        return given != null && SAFE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString().replace("-", "");
    }

    /** {@code AIGW_LOGGING__ENABLE_REQUEST_LOGGING}: log prompts and responses of every request. */
    public void setRequestLogging(boolean requestLogging) {
        this.requestLogging = requestLogging;
    }

    public void open(Exchange exchange) {
        String correlationId = correlationId(exchange.getMessage().getHeader("X-Request-ID", String.class));
        exchange.setProperty(ExchangeProperties.CORRELATION_ID, correlationId);
        MDC.put(MDC_KEY, correlationId);

        HttpMessage http = exchange.getIn(HttpMessage.class);
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "", String.class);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
        String clientIp = "";
        if (http != null) {
            HttpServerResponse response = http.getResponse();
            exchange.setProperty(ExchangeProperties.VERTX_RESPONSE, response);
            HttpServerRequest request = http.getRequest();
            if (request instanceof HttpServerRequestInternal internal) {
                exchange.setProperty(ExchangeProperties.VERTX_CONTEXT, internal.context());
            }
            method = request.method().name();
            path = request.path();
            clientIp = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
        }
        Map<String, String> gitlab = gitlabHeaders(name -> exchange.getMessage().getHeader(name, String.class));
        // exactly "true", as GitLab's gateway compares it
        boolean verbose = requestLogging || "true".equals(
                exchange.getMessage().getHeader("X-Gitlab-Enabled-Instance-Verbose-Ai-Logs", String.class));
        exchange.setProperty(ExchangeProperties.REQUEST_RECORD, new RequestRecord(method, path, clientIp, gitlab, verbose));
    }

    /** The record of a request the listener answers itself, before any route (never verbose: it has no prompt). */
    public static RequestRecord record(HttpServerRequest request) {
        return new RequestRecord(request.method() == null ? "" : request.method().name(),
                request.path() == null ? "" : request.path(),
                request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress(),
                gitlabHeaders(request.headers()::get), false);
    }

    private static Map<String, String> gitlabHeaders(Function<String, String> header) {
        Map<String, String> gitlab = new LinkedHashMap<>();
        AUDITED_HEADERS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(field -> {
            String value = header.apply(field.getValue());
            if (value != null) {
                gitlab.put(field.getKey(), value.length() > MAX_HEADER_VALUE ? value.substring(0, MAX_HEADER_VALUE) : value);
            }
        });
        return gitlab;
    }
}
