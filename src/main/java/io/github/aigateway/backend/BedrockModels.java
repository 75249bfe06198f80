package io.github.aigateway.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.api.GatewayException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;

/** Bedrock InvokeModel requests and answers for a model call, in the served model's own JSON. */
public class BedrockModels {

    /**
     * The request the {@code aws-bedrock:} endpoint sends as it is ({@code pojoRequest=true}): the served
     * model id and its body travel here, not in the endpoint URI.
     */
    public InvokeModelRequest invokeRequest(ModelCall call) {
        return InvokeModelRequest.builder()
                .modelId(call.model().servedModel())
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromUtf8String(requestBody(call)))
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
            root = body == null ? null : OpenAiChat.JSON.readTree(body);
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
