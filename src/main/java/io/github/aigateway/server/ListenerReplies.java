package io.github.aigateway.server;

import io.github.aigateway.api.RequestContext;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Answers the listener gives before any route runs, in GitLab's error shape ({@code {"detail": ...}}) like
 * every other refusal: a body over {@code camel.server.maxBodySize} (Vert.x's body handler would answer a
 * plain-text 413), and a request that arrives while the gateway shuts down (platform-http would answer an
 * empty 503) with {@code Connection: close} on HTTP/1.1, so GitLab's connection pool drops this pod while the streams
 * in flight finish. Every answer carries {@code X-Process-Time}, the seconds until its headers went out, as
 * GitLab's gateway sends it. A path no route serves, or a method its route does not take, gets FastAPI's 404 and 405
 * answers ({@code {"detail": "Not Found"}}, {@code {"detail": "Method Not Allowed"}} with {@code Allow}) instead of
 * Vert.x's HTML page and empty body. Installed on the platform-http router once it exists.
 */
public class ListenerReplies implements CamelContextAware {

    private CamelContext camelContext;
    private int port;
    private long maxBodySize;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** The platform-http port, which names its router. */
    public void setPort(int port) {
        this.port = port;
    }

    /** {@code camel.server.maxBodySize}, for the message. */
    public void setMaxBodySize(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public void start() throws Exception {
        camelContext.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                install(VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port)));
            }
        });
    }

    private void install(Router router) {
        String shuttingDown = "{\"detail\":\"The AI gateway is shutting down; try again\"}";
        router.route().order(Integer.MIN_VALUE).handler(request -> {
            long arrived = System.nanoTime();
            request.addHeadersEndHandler(headers -> request.response()
                    .putHeader("X-Process-Time", seconds(System.nanoTime() - arrived)));
            if (!camelContext.isStopping()) {
                request.next();
                return;
            }
            if (request.request().version() != HttpVersion.HTTP_2) {
                request.response().putHeader("Connection", "close");
            }
            request.response().setStatusCode(503).putHeader("Content-Type", "application/json").end(shuttingDown);
        });
        String body = "{\"detail\":\"Request body is larger than " + maxBodySize + " bytes\"}";
        // after every route: nothing served the request (platform-http's router is mounted under the server's, whose
        // 404 and 405 answers it cannot change)
        router.route().last().handler(unserved -> {
            String allowed = allowedMethods(router, unserved.normalizedPath());
            if (allowed.isEmpty()) {
                reply(unserved, 404, "{\"detail\":\"Not Found\"}");
            } else {
                unserved.response().putHeader("Allow", allowed);
                reply(unserved, 405, "{\"detail\":\"Method Not Allowed\"}");
            }
        });
        router.route().failureHandler(failed -> {
            if (failed.statusCode() != 413 || failed.response().headWritten()) {
                failed.next();
                return;
            }
            failed.response().setStatusCode(413).putHeader("Content-Type", "application/json").end(body);
        });
    }

    /** Seconds as GitLab's gateway writes them in {@code X-Process-Time} (a plain decimal, never 1.2E-4). */
    static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    private static void reply(RoutingContext request, int status, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("X-Request-ID", RequestContext.correlationId(request.request().getHeader("X-Request-ID")))
                .end(body);
    }

    /** The methods of the routes serving {@code path}, e.g. {@code GET} for /monitoring/healthz. */
    private static String allowedMethods(Router router, String path) {
        return router.getRoutes().stream()
                .filter(route -> route.getPath() != null && !route.isRegexPath() && (route.isExactPath()
                        ? route.getPath().equals(path) : path.startsWith(route.getPath())))
                .flatMap(route -> route.methods() == null ? Stream.empty() : route.methods().stream())
                .map(HttpMethod::name).distinct().sorted().collect(Collectors.joining(", "));
    }
}
