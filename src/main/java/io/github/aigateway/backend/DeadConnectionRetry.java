package io.github.aigateway.backend;

import java.io.IOException;
import java.net.SocketException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a model call again, once, on a new connection when the pooled connection it went out on was already dead:
 * closed or reset by the model server (or a proxy in front of it) before any byte of an answer, as servers with
 * short keep-alive timeouts do without saying so. Nothing reached a model that could act on it, so this is no
 * retry in the sense of the gateway's retry loop and is not counted as an attempt. A failure on a new connection
 * is left to that loop. Part of camel-http's client for complete answers (the streaming client sees a server's
 * close on its event loop and never reuses such a connection).
 */
public final class DeadConnectionRetry implements ExecChainHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadConnectionRetry.class);

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        boolean pooled = leaseConnection(scope);
        try {
            return chain.proceed(request, scope);
        } catch (NoHttpResponseException | SocketException dead) {
            if (!pooled || request.getEntity() != null && !request.getEntity().isRepeatable()
                    || scope.execRuntime.isExecutionAborted()) {
                throw dead;
            }
            LOG.debug("A pooled model connection was dead ({}); sending again on a new one", dead.toString());
            if (leaseConnection(scope)) {
                scope.execRuntime.disconnectEndpoint();
            }
            return chain.proceed(ClassicRequestBuilder.copy(scope.originalRequest).build(), scope);
        }
    }

    /** Takes the connection the request goes out on, as HttpClient would next; true when it is a pooled one. */
    private static boolean leaseConnection(ExecChain.Scope scope) throws IOException {
        ExecRuntime runtime = scope.execRuntime;
        if (!runtime.isEndpointAcquired()) {
            runtime.acquireEndpoint(scope.exchangeId, scope.route, scope.clientContext.getUserToken(), scope.clientContext);
        }
        return runtime.isEndpointConnected();
    }
}
