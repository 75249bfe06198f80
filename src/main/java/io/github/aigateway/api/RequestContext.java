package io.github.aigateway.api;

import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * First step of every GitLab route: keeps what later steps need from the HTTP request before any
 * step replaces the platform-http message (a {@code convertBodyTo} does).
 */
public class RequestContext {

    /** Exchange property: the Vert.x response that streams are written to. */
    public static final String RESPONSE = "vertxResponse";
    /** Exchange property: the correlation ID echoed to GitLab and sent to backends. */
    public static final String CORRELATION_ID = "correlationId";

    /** Labkit IDs and UUIDs fit; anything else could forge log lines, so it is replaced. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    public void open(Exchange exchange) {
        HttpMessage http = exchange.getIn(HttpMessage.class);
        if (http != null) {
            HttpServerResponse response = http.getResponse();
            exchange.setProperty(RESPONSE, response);
        }
        String given = exchange.getMessage().getHeader("X-Request-ID", String.class);
        exchange.setProperty(CORRELATION_ID, given != null && SAFE_ID.matcher(given).matches()
                ? given : UUID.randomUUID().toString().replace("-", ""));
    }
}
