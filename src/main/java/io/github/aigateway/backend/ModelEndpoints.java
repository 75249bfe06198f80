package io.github.aigateway.backend;

import org.apache.camel.Endpoint;

/** The Camel endpoints that call a model server: what the audit record and the metrics time as backend calls. */
public final class ModelEndpoints {

    private ModelEndpoints() {
    }

    /** camel-http (vLLM, Azure OpenAI), {@code model-stream:} (their streams) and camel-aws-bedrock. */
    public static boolean isModelCall(Endpoint endpoint) {
        String uri = endpoint.getEndpointUri();
        return uri.startsWith("http:") || uri.startsWith("https:") || uri.startsWith("model-stream:")
                || uri.startsWith("aws-bedrock:");
    }
}
