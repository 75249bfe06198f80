package io.github.aigateway.server;

import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Answers the listener gives before any route runs, in GitLab's error shape ({@code {"detail": ...}}) like
 * every other refusal: a body over {@code camel.server.maxBodySize} (Vert.x's body handler would answer a
 * plain-text 413), and a request that arrives while the gateway shuts down (platform-http would answer an
 * empty 503) with {@code Connection: close} on HTTP/1.1, so GitLab's connection pool drops this pod while the streams
 * in flight finish. Installed on the platform-http router once it exists.
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
        router.route().failureHandler(failed -> {
            if (failed.statusCode() != 413 || failed.response().headWritten()) {
                failed.next();
                return;
            }
            failed.response().setStatusCode(413).putHeader("Content-Type", "application/json").end(body);
        });
    }
}
