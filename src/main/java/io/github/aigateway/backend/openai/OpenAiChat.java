package io.github.aigateway.backend.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.catalog.RequestOptions;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.resilience.ModelCallControl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/** The OpenAI chat completions wire format, as vLLM (and Azure OpenAI) speak it. */
public class OpenAiChat {

    static final ObjectMapper JSON = Json.MAPPER;
    /** Azure OpenAI's {@code finish_reason} when its content filter withheld (part of) the answer. */
    static final String CONTENT_FILTER = "content_filter";

    /** {@code POST .../chat/completions} body for one model call, shaped by the model's catalog quirks. */
    public String requestBody(ModelCall call, RequestOptions options) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", call.model().servedModel());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : call.messages()) {
            messages.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put(options.maxTokensField(), call.maxTokens());
        if (options.sendTemperature()) {
            body.put("temperature", options.temperature(call.temperature()));
        }
        if (!call.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            call.stop().forEach(stop::add);
        }
        body.put("stream", call.stream());
        if (call.stream()) {
            // usage only comes with the stream when asked for
            body.putObject("stream_options").put("include_usage", true);
        }
        return Json.write(body);
    }

    private long maxResponseBytes = Long.MAX_VALUE;

    /** Largest complete answer read from a model server (bytes of JSON). */
    public void setMaxResponseBytes(long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    /** The answer of a non-streamed call. */
    public ModelAnswer answer(Exchange exchange) {
        String body = body(exchange);
        JsonNode root;
        try {
            root = body == null ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !root.path("choices").isArray()) {
            throw new GatewayException(503, "Inference failed: the model server sent an answer that is not a chat completion");
        }
        JsonNode first = root.path("choices").path(0);
        String text = first.path("message").path("content").asText("");
        if (CONTENT_FILTER.equals(first.path("finish_reason").asText())) {
            contentFiltered(exchange, text);
        }
        JsonNode usage = root.path("usage");
        return new ModelAnswer(text, usage.path("prompt_tokens").asInt(-1), usage.path("completion_tokens").asInt(-1));
    }

    /**
     * The response body, read from the live connection (camel-http {@code disableStreamCache}) up to the
     * size cap; the watchdog of the call can still cut a model that trickles it.
     */
    private String body(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof InputStream in)) {
            return exchange.getMessage().getBody(String.class);
        }
        ModelCallControl control = exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class);
        try {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxResponseBytes + 1));
            if (bytes.length > maxResponseBytes) {
                // closing would read the rest of an answer that is already too large
                if (in instanceof EofSensorInputStream sensor) {
                    sensor.abort();
                }
                throw new GatewayException(503, "Inference failed: the model's answer exceeds " + maxResponseBytes
                        + " bytes (AIGW_MODEL_MAX_RESPONSE_BYTES)");
            }
            in.close();
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            GatewayException cut = new GatewayException(503, "Inference failed: the model server cut its answer off");
            throw control == null ? cut : control.failure(cut);
        }
    }

    /**
     * A filtered answer is recorded for the audit log. Code suggestions keep what passed the filter (an empty
     * suggestion is a valid answer); chat and prompts get a clear error instead of an empty answer.
     */
    static void contentFiltered(Exchange exchange, String textSoFar) {
        exchange.setProperty(ExchangeProperties.STREAM_OUTCOME, "content_filter: the model's content filter withheld the answer");
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        boolean codeSuggestion = call != null && (call.feature() == Feature.CODE_COMPLETIONS
                || call.feature() == Feature.CODE_GENERATIONS);
        if (!codeSuggestion && textSoFar.isEmpty()) {
            throw new GatewayException(422, "The model's content filter withheld the answer");
        }
    }
}
