package io.github.aigateway.backend.openai;

import io.github.aigateway.backend.CheckedEndpoint;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.resilience.ModelCallControl;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.http.common.HttpHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * {@code to: model-stream:<name>}: the HTTP call of a streamed answer from an OpenAI-compatible model server (vLLM,
 * Azure OpenAI). It sends what camel-http would send for a complete answer (the URL in {@code CamelHttpUri}, the
 * body, the message headers through camel-http's header filter) and fails as camel-http fails (a non-2xx answer is an
 * {@link HttpOperationFailedException} with the model's status, headers and body), but with the Vert.x HTTP client,
 * on the event loop that serves GitLab's request. It returns once the model answered with its status and headers,
 * with the unread body as a {@link ModelStream}: the relay ({@link OpenAiStreamRelay}) then reads each token there
 * and writes it to GitLab on the same thread. Read by camel-http, every token crossed from the route's thread to
 * the event loop; without that the relay's CPU per token fell by a third (README "Performance").
 */
public class ModelStreamComponent extends DefaultComponent {

    private final HeaderFilterStrategy headerFilter = new HttpHeaderFilterStrategy();
    private int maxConnectionsPerHost = 2000;
    private long connectTimeoutMs = 5000;
    private long responseTimeoutMs = 50000;
    private long maxResponseBytes = 1 << 20;
    private long idleConnectionMs = 2000;
    private OpenAiStreamRelay relay;
    private HttpClient client;

    /** Connections kept per model server (as {@code AIGW_MODEL_MAX_CONNECTIONS_PER_HOST} for camel-http). */
    public void setMaxConnectionsPerHost(int maxConnectionsPerHost) {
        this.maxConnectionsPerHost = maxConnectionsPerHost;
    }

    /** Connect timeout of a call whose feature sets none. */
    public void setConnectTimeoutMs(long connectTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /** Longest silence on the connection: a backstop under the watchdog's timeouts, as camel-http's read timeout. */
    public void setResponseTimeoutMs(long responseTimeoutMs) {
        this.responseTimeoutMs = responseTimeoutMs;
    }

    /** Largest error body read from a model server. */
    public void setMaxResponseBytes(long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    /** Idle time after which a pooled connection is closed (whole seconds, at least one: Vert.x counts in seconds). */
    public void setIdleConnectionMs(long idleConnectionMs) {
        this.idleConnectionMs = idleConnectionMs;
    }

    /** What reads the streamed answers' events (SSE lines) as they arrive. */
    public void setRelay(OpenAiStreamRelay relay) {
        this.relay = relay;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new ModelStreamEndpoint(uri, this);
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        super.doStop();
    }

    /**
     * One attempt: sends the call on the event loop of GitLab's request and waits for the model's status and headers.
     * A connection waits for its connect timeout at most, the time to get a pooled one included.
     */
    void send(Exchange exchange) throws Exception {
        Context context = exchange.getProperty(ExchangeProperties.VERTX_CONTEXT, Context.class);
        if (context == null) {
            throw new IllegalStateException("a streamed model call needs the Vert.x context of GitLab's request");
        }
        ModelCallControl control = exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class);
        Duration connectTimeout = control == null || control.connectTimeout() == null
                ? Duration.ofMillis(connectTimeoutMs) : control.connectTimeout();
        String url = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setFollowRedirects(false)
                .setConnectTimeout(connectTimeout.toMillis())
                .setIdleTimeout(responseTimeoutMs);
        CheckedEndpoint checked = exchange.getProperty(ExchangeProperties.MODEL_ENDPOINT_CHECKED, CheckedEndpoint.class);
        if (checked != null && checked.isHostOf(url)) {
            // connect to the address the endpoint guard checked, not to Netty's own DNS answer; the URL's host
            // still names the server in Host and TLS
            if (checked.addresses().isEmpty()) {
                throw new UnknownHostException(checked.host());
            }
            options.setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(checked.addresses().get(0),
                    serverPort(url))));
        }
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (value != null && !headerFilter.applyFilterToCamelHeaders(name, value, exchange)) {
                options.putHeader(name, value.toString());
            }
        });
        // the filter leaves the body's type to the entity, as camel-http sets it
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType != null) {
            options.putHeader(Exchange.CONTENT_TYPE, contentType);
        }
        Buffer body = Buffer.buffer(exchange.getMessage().getMandatoryBody(String.class).getBytes(StandardCharsets.UTF_8));

        ModelStream call = new ModelStream(context, relay.events(exchange));
        if (control != null) {
            control.attach(call);
        }
        HttpClient http = client(context.owner());
        context.runOnContext(start -> {
            if (call.isCancelled()) {
                return;
            }
            http.request(options).onComplete(requested -> {
                if (requested.failed()) {
                    call.failed(requested.cause(), true);
                    return;
                }
                call.sending(requested.result());
                requested.result().send(body).onComplete(answer -> {
                    if (answer.succeeded()) {
                        call.answered(answer.result());
                    } else {
                        call.failed(answer.cause(), false);
                    }
                });
            });
        });

        HttpClientResponse response = call.awaitAnswer();
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().forEach(header -> headers.putIfAbsent(header.getKey(), header.getValue()));
            String text = call.readBody(maxResponseBytes);
            throw new HttpOperationFailedException(url, status, response.statusMessage(), headers.get("Location"),
                    headers, text);
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setBody(call);
    }

    private static int serverPort(String url) {
        URI uri = URI.create(url);
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** One client for every model server, on the Vert.x instance of platform-http, created on first use. */
    private synchronized HttpClient client(Vertx vertx) {
        if (client == null) {
            // each request's own connect timeout bounds its connection; the client's only backs it up
            client = vertx.createHttpClient(new HttpClientOptions()
                            .setKeepAlive(true)
                            .setKeepAliveTimeout((int) Math.max(1, idleConnectionMs / 1000))
                            .setTcpNoDelay(true)
                            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, responseTimeoutMs))
                            .setDecompressionSupported(false),
                    new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost));
        }
        return client;
    }

    private static final class ModelStreamEndpoint extends DefaultEndpoint {

        ModelStreamEndpoint(String uri, ModelStreamComponent component) {
            super(uri, component);
        }

        @Override
        public Producer createProducer() {
            ModelStreamComponent component = (ModelStreamComponent) getComponent();
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) throws Exception {
                    component.send(exchange);
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("model-stream: only sends model calls");
        }
    }
}
