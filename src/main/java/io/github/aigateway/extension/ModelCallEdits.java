package io.github.aigateway.extension;

import org.apache.camel.Exchange;

/**
 * What extension routes may do to a model call at the seams (routes/extension-seams.camel.yaml), as bean
 * methods a YAML route can call.
 */
public class ModelCallEdits {

    /**
     * The seam-model-failed default: the failure the model router caught goes on to the error handling, as if
     * nothing had caught it.
     */
    public void rethrowFailure(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure != null) {
            throw failure;
        }
    }
}
