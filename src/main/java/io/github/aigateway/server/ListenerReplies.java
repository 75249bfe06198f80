package io.github.aigateway.server;

import io.github.aigateway.request.RequestContext;
import io.github.aigateway.audit.AuditLog;
import io.github.aigateway.exchange.ExchangeProperties;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;
import java.net.BindException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The listener GitLab talks to, and the answers it gives before any route runs, each in GitLab's error shape
 * ({@code {"detail": ...}}) with {@code X-Request-ID} and one audit record (handed to {@code seam-audit-record}),
 * like every other answer: a body over {@code camel.server.maxBodySize} (413), a request line or headers too long
 * (414, 431), a request that is no valid HTTP (400), a path no route serves (404) or a method it does not take
 * (405), and a request that arrives while the gateway shuts down (503, with {@code Connection: close} on
 * HTTP/1.1, so GitLab's connection pool drops this pod while the streams in flight finish). A 405 names the
 * methods the path takes in {@code Allow}, and every answer the router serves carries {@code X-Process-Time}, the
 * seconds until its headers went out, as GitLab's gateway sends it.
 *
 * <p>platform-http's HTTP server takes no options and no connection or invalid-request handlers, so once its
 * router exists this replaces the server with one that has them, serving the same router on the same address:
 * its connections are bound by {@link RequestReadDeadline}.
 */
public class ListenerReplies implements CamelContextAware {

    private static final String SHUTTING_DOWN = "The AI gateway is shutting down; try again";
    private static final String AUDIT_SEAM = "direct:seam-audit-record";

    private CamelContext camelContext;
    private String host = "0.0.0.0";
    private int port;
    private long maxBodySize;
    private long requestReadTimeoutMs = 30_000;
    private AuditLog auditLog;
    private ProducerTemplate auditSeam;
    private HttpServer server;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** The platform-http address ({@code camel.server.host}, {@code camel.server.port}); the port names its router. */
    public void setHost(String host) {
        this.host = host;
    }

    public void setPort(int port) {
        this.port = port;
    }

    /** {@code camel.server.maxBodySize}, for the message. */
    public void setMaxBodySize(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    /** How long a connection may take to deliver a complete request, after it opens or after its last answer. */
    public void setRequestReadTimeoutMs(long requestReadTimeoutMs) {
        this.requestReadTimeoutMs = requestReadTimeoutMs;
    }

    public void setAuditLog(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    public void start() throws Exception {
        camelContext.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                install(VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port)));
            }
        });
    }

    /** Closes the listener (platform-http closes the server it had started itself) and the seam's producer. */
    public void stop() throws Exception {
        if (server != null) {
            await(server.close());
            server = null;
        }
        if (auditSeam != null) {
            auditSeam.stop();
            auditSeam = null;
        }
    }

    private void install(VertxPlatformHttpRouter router) throws Exception {
        auditSeam = camelContext.createProducerTemplate();
        RequestReadDeadline deadline = new RequestReadDeadline(router.vertx(), requestReadTimeoutMs);
        router.route().order(Integer.MIN_VALUE).handler(request -> {
            long arrived = System.nanoTime();
            request.addHeadersEndHandler(headers -> request.response()
                    .putHeader("X-Process-Time", seconds(System.nanoTime() - arrived)));
            deadline.requestArrived(request);
            if (!camelContext.isStopping()) {
                request.next();
                return;
            }
            if (request.request().version() != HttpVersion.HTTP_2) {
                request.response().putHeader("Connection", "close");
            }
            reply(request.request(), 503, SHUTTING_DOWN);
        });
        String tooLarge = "Request body is larger than " + maxBodySize + " bytes";
        router.route().failureHandler(failed -> {
            if (failed.statusCode() != 413 || failed.response().headWritten()) {
                failed.next();
                return;
            }
            reply(failed.request(), 413, tooLarge);
        });
        router.errorHandler(404, missing -> reply(missing.request(), 404, "Not Found"));
        router.errorHandler(405, wrong -> {
            wrong.response().putHeader("Allow", allowedMethods(router, wrong.normalizedPath()));
            reply(wrong.request(), 405, "Method Not Allowed");
        });

        // no h2c: GitLab speaks HTTP/1.1, and with h2c Vert.x sets a connection up only once its first bytes tell
        // which protocol it speaks, so one that sends nothing would escape the deadline
        HttpServer replacement = router.vertx().createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .connectionHandler(deadline::opened)
                .invalidRequestHandler(this::invalidRequest)
                .requestHandler(router);
        await(router.getServer().getServer().close());
        listen(replacement);
        server = replacement;
    }

    /** Vert.x reports the old server closed a moment before its socket is released: the port may still be taken. */
    private void listen(HttpServer replacement) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                await(replacement.listen(port, host));
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof BindException) || attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Vert.x could not read the request: its line or headers are too long, or it is no valid HTTP. */
    private void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        String problem = cause instanceof TooLongFrameException && cause.getMessage() != null ? cause.getMessage() : "";
        int status = problem.startsWith("An HTTP line is larger") ? 414
                : problem.startsWith("HTTP header is larger") ? 431 : 400;
        String detail = switch (status) {
            case 414 -> "Request line is too long";
            case 431 -> "Request headers are too large";
            default -> "Bad Request";
        };
        request.response().putHeader("Connection", "close");
        reply(request, status, detail).onComplete(sent -> request.connection().close());
    }

    private Future<Void> reply(HttpServerRequest request, int status, String detail) {
        String correlationId = RequestContext.correlationId(request.getHeader("X-Request-ID"));
        if (auditLog != null) {
            String record = auditLog.recordListenerReply(RequestContext.record(request), correlationId, status, detail);
            // to the extensions as every other record, off the event loop: what they do may block
            auditSeam.asyncSend(AUDIT_SEAM, exchange -> {
                exchange.getMessage().setBody(record);
                exchange.setProperty(ExchangeProperties.CORRELATION_ID, correlationId);
            });
        }
        return request.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Request-ID", correlationId)
                .end(new JsonObject().put("detail", detail).encode());
    }

    /** Seconds as GitLab's gateway writes them in {@code X-Process-Time} (a plain decimal, never 1.2E-4). */
    static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    /** The methods of the routes serving {@code path}, e.g. {@code GET} for /monitoring/healthz. */
    private static String allowedMethods(Router router, String path) {
        return router.getRoutes().stream()
                .filter(route -> route.getPath() != null && !route.isRegexPath() && (route.isExactPath()
                        ? route.getPath().equals(path) : path.startsWith(route.getPath())))
                .flatMap(route -> route.methods() == null ? Stream.empty() : route.methods().stream())
                .map(HttpMethod::name).distinct().sorted().collect(Collectors.joining(", "));
    }

    /**
     * Waits for {@code future}. One that is complete already is read directly: on shutdown Vert.x has closed the
     * server and its event loops before the registry stops this bean, so a listener could not be called.
     */
    private static <T> T await(Future<T> future) throws Exception {
        if (future.succeeded()) {
            return future.result();
        }
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
