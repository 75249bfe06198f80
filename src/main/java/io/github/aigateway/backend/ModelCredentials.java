package io.github.aigateway.backend;

import org.apache.camel.Exchange;

/**
 * How a backend proves itself to its model server: the type of the {@code credentials} parameter of the
 * {@code openai-compatible-backend} route template (routes/backend-openai.camel.yaml), checked at start.
 */
public interface ModelCredentials {

    /** Sets the header that carries the key of the call ({@code exchangeProperty.modelCall}) on the message. */
    void authenticate(Exchange exchange);
}
