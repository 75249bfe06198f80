package io.github.aigateway.backend.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelUsage;
import io.github.aigateway.resilience.ModelCallControl;
import java.time.Duration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;

/** Bedrock InvokeModel requests and answers for a model call, in the served model's own JSON. */
public class BedrockModels {

    private String region;
    private String endpointOverride;

    public void setRegion(String region) {
        this.region = region;
    }

    /** A VPC endpoint or a fake; empty for Bedrock's public endpoint of the region. */
    public void setEndpointOverride(String endpointOverride) {
        this.endpointOverride = endpointOverride;
    }

    /**
     * The Bedrock Runtime endpoint the gateway calls: its override, else the region's public endpoint. Every
     * Bedrock model is served from it, so it keys Bedrock's concurrency limit and circuit breaker.
     */
    public String runtimeEndpoint() {
        return endpointOverride != null && !endpointOverride.isBlank() ? endpointOverride.strip()
                : "https://bedrock-runtime." + region + ".amazonaws.com";
    }

    /**
     * The request of one attempt, which the {@code aws-bedrock:} endpoint sends as it is
     * ({@code pojoRequest=true}): the served model id and its body travel here, not in the endpoint URI. The
     * SDK gives up on it once the call's remaining time is spent (ApiCallTimeoutException, 504), so a model
     * that answers slowly cannot hold the request past the feature's total timeout.
     */
    public InvokeModelRequest invokeRequest(ModelCall call, ModelCallControl control) {
        Duration remaining = control.remaining();
        return InvokeModelRequest.builder()
                .modelId(call.model().servedModel())
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(requestBody(call)))
                .overrideConfiguration(o -> o.apiCallTimeout(remaining.isZero() ? Duration.ofMillis(1) : remaining))
                .build();
    }

    /** The model's JSON body for a call, streamed or not. */
    static String requestBody(ModelCall call) {
        return BedrockFormat.of(call.model().servedModel()).requestBody(call);
    }

    /** The answer of a complete call, from the model's JSON. */
    public ModelAnswer answer(ModelCall call, String body) {
        BedrockFormat format = BedrockFormat.of(call.model().servedModel());
        JsonNode root;
        try {
            root = body == null ? null : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || !format.isAnswer(root)) {
            throw new GatewayException(503, "Inference failed: Bedrock sent an answer that is not in the format of "
                    + call.model().servedModel());
        }
        ModelUsage usage = format.usage(root);
        return new ModelAnswer(format.text(root), usage.inputTokens(), usage.outputTokens());
    }
}
