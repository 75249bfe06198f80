package io.github.aigateway.resilience;

import io.github.aigateway.failure.GatewayException;

/** GitLab closed the connection: nothing can be answered, and the model call was dropped or cancelled. */
public class ClientGoneException extends GatewayException {

    /** nginx's code for a client that closed the request; only the audit record and the metrics see it. */
    public static final int CLIENT_CLOSED_REQUEST = 499;

    public ClientGoneException() {
        super(CLIENT_CLOSED_REQUEST, "Client closed the request");
    }
}
