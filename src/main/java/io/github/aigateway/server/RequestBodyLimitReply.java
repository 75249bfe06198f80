package io.github.aigateway.server;

import io.vertx.ext.web.Router;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * A request body over {@code camel.server.maxBodySize} is refused by Vert.x's body handler before any route
 * runs, with its own plain-text 413. This puts GitLab's error shape on it ({@code {"detail": ...}}), so the
 * limit reads like every other refusal. Installed on the platform-http router once it exists.
 */
public class RequestBodyLimitReply implements CamelContextAware {

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
