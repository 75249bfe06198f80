package io.github.aigateway.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.ErrorReply;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.prompt.PromptRequest;
import io.github.aigateway.resilience.ModelCallControl;
import io.github.aigateway.resilience.StopReason;
import io.github.aigateway.stream.NdjsonStream;
import io.github.aigateway.stream.PromptContentStream;
import io.github.aigateway.stream.RawTextStream;
import io.github.aigateway.stream.StreamObserver;
import io.github.aigateway.stream.TokenStream;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.time.Clock;
import org.apache.camel.Exchange;

/** Writes Duo Chat and prompt answers in the shapes GitLab parses (contract §7, §8). */
public class ChatResponses {

    private static final ObjectMapper JSON = Json.MAPPER;

    private ChatPrompts chatPrompts;
    private Clock clock = Clock.systemUTC();

    public void setChatPrompts(ChatPrompts chatPrompts) {
        this.chatPrompts = chatPrompts;
    }

    /** {@code /v2/chat/agent}: NDJSON events out of the ReAct parser. */
    public TokenStream agentStream(Exchange exchange) {
        ChatAgentRequest request = exchange.getProperty(ExchangeProperties.GITLAB_REQUEST, ChatAgentRequest.class);
        StreamObserver record = observer(exchange);
        StreamObserver firstChunkOnly = new StreamObserver() {
            @Override
            public void firstChunk() {
                record.firstChunk();
            }

            @Override
            public void text(String text) {
                // the audit record gets the model's text from the chat stream, not the NDJSON
            }

            @Override
            public String streamOverheadMs() {
                return record.streamOverheadMs();
            }
        };
        NdjsonStream lines = new NdjsonStream(response(exchange), correlationId(exchange), firstChunkOnly);
        return new ChatAgentStream(lines, chatPrompts.toolNames(request), record);
    }

    /**
     * A model call for Duo Chat failed after GitLab's request was accepted: like GitLab's gateway, the answer is a
     * 200 stream that ends with an {@code error} event carrying the failure ({@code retryable} false: the gateway
     * has retried what was safe to retry), not an HTTP error. The audit record says how the stream ended.
     */
    public void modelFailed(Exchange exchange) {
        ErrorReply error = exchange.getProperty(ExchangeProperties.ERROR_REPLY, ErrorReply.class);
        String detail;
        try {
            detail = JSON.readTree(error.body()).path("detail").asText(error.body());
        } catch (IOException notJson) {
            detail = error.body();
        }
        ModelCallControl control = exchange.getProperty(ExchangeProperties.MODEL_CALL_CONTROL, ModelCallControl.class);
        StopReason stopped = control == null ? null : control.stopReason();
        exchange.setProperty(ExchangeProperties.STREAM_OUTCOME, stopped != null ? stopped.outcome() : "failed: " + detail);
        exchange.getProperty(ExchangeProperties.RESPONSE_STREAM, ChatAgentStream.class).fail(detail);
    }

    /**
     * {@code /v1/prompts/*} and {@code /v1/chat/*} stream raw text; {@code /v2/prompts/*} JSON lines; null when
     * GitLab asked for a complete answer.
     */
    public TokenStream textStream(Exchange exchange) {
        if (!exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class).stream()) {
            return null;
        }
        if (exchange.getProperty(ExchangeProperties.GITLAB_REQUEST) instanceof PromptRequest prompt
                && prompt.apiVersion() == 2) {
            return new PromptContentStream(response(exchange), correlationId(exchange), observer(exchange));
        }
        return new RawTextStream(response(exchange), correlationId(exchange), observer(exchange));
    }

    /** A complete prompt answer: v1 a JSON string, v2 {@code {"content": ..., "usage": {...}}}. */
    public String promptAnswer(PromptRequest request, ModelCall call, ModelAnswer answer) {
        if (request.apiVersion() == 1) {
            return Json.write(JSON.getNodeFactory().textNode(answer.text()));
        }
        ObjectNode body = JSON.createObjectNode().put("content", answer.text());
        ObjectNode usage = body.putObject("usage").putObject(call.model().servedModel());
        usage.put("input_tokens", Math.max(answer.inputTokens(), 0));
        usage.put("output_tokens", Math.max(answer.outputTokens(), 0));
        return Json.write(body);
    }

    /** {@code /v1/chat/*}: {@code {"response": ..., "metadata": {...}}}. */
    public String legacyAnswer(LegacyChatRequest request, ModelAnswer answer) {
        ObjectNode body = JSON.createObjectNode().put("response", answer.text());
        body.putObject("metadata").put("provider", "litellm").put("model", request.model().family())
                .put("timestamp", clock.instant().getEpochSecond());
        return Json.write(body);
    }

    private static HttpServerResponse response(Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.VERTX_RESPONSE, HttpServerResponse.class);
    }

    private static String correlationId(Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.CORRELATION_ID, String.class);
    }

    private static StreamObserver observer(Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.REQUEST_RECORD, StreamObserver.NONE, StreamObserver.class);
    }
}
