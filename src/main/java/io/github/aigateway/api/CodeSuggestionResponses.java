package io.github.aigateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.backend.ModelAnswer;
import io.github.aigateway.backend.ModelCall;
import io.github.aigateway.catalog.Feature;
import io.github.aigateway.stream.RawTextStream;
import io.github.aigateway.stream.SseSuggestionStream;
import io.github.aigateway.stream.StreamObserver;
import io.github.aigateway.stream.TokenStream;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import org.apache.camel.Exchange;

/** Writes code suggestion answers in the shape of the endpoint GitLab called (contract §5.3–§6.2). */
public class CodeSuggestionResponses {

    private static final ObjectMapper JSON = Json.MAPPER;

    private String region = "us-central1";
    private Clock clock = Clock.systemUTC();

    public void setRegion(String region) {
        this.region = region;
    }

    void setClock(Clock clock) {
        this.clock = clock;
    }

    /** The JSON body for a complete answer. */
    public String render(CodeSuggestionRequest request, ModelCall call, ModelAnswer answer) {
        return switch (request.format()) {
            case SUGGESTIONS_V2 -> suggestionsV2(request, call, answer, request.feature() == Feature.CODE_GENERATIONS
                    ? GeneratedCode.clean(answer.text(), request.prefix())
                    : answer.text());
            // GitLab's gateway post-processes a self-hosted v3/v4 generation (prompt_version ^1.0.0) with its
            // Anthropic post-processor, which only empties an all-whitespace answer
            case COMPLETION_V3, SUGGESTIONS_V4 -> completionV3(request, call, answer.text().isBlank() ? "" : answer.text());
        };
    }

    /** The stream a streamed answer is written to, in the endpoint's streaming format; null for a complete answer. */
    public TokenStream openStream(Exchange exchange) {
        CodeSuggestionRequest request = exchange.getProperty("suggestion", CodeSuggestionRequest.class);
        ModelCall call = exchange.getProperty("modelCall", ModelCall.class);
        if (!call.stream()) {
            return null;
        }
        HttpServerResponse response = exchange.getProperty(RequestContext.RESPONSE, HttpServerResponse.class);
        String correlationId = exchange.getProperty(RequestContext.CORRELATION_ID, String.class);
        StreamObserver observer = exchange.getProperty(RequestContext.RECORD, StreamObserver.NONE, StreamObserver.class);
        if (request.format() == ResponseFormat.SUGGESTIONS_V4) {
            // GitLab's stream metadata names the model without its language
            ObjectNode metadata = metadata(request, call);
            ((ObjectNode) metadata.get("model")).remove("lang");
            metadata.put("region", region);
            return new SseSuggestionStream(response, correlationId, observer, metadata);
        }
        return new RawTextStream(response, correlationId, observer);
    }

    private String suggestionsV2(CodeSuggestionRequest request, ModelCall call, ModelAnswer answer, String text) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "id");
        ObjectNode model = body.putObject("model");
        model.put("engine", "agent");
        model.put("name", call.promptName());
        model.put("lang", request.language());
        ObjectNode usage = model.putObject("tokens_consumption_metadata");
        usage.put("input_tokens", Math.max(answer.inputTokens(), 0));
        usage.put("output_tokens", Math.max(answer.outputTokens(), 0));
        usage.put("max_output_tokens_used", answer.outputTokens() >= call.maxTokens());
        usage.putNull("context_tokens_sent");
        usage.putNull("context_tokens_used");
        model.put("region", region);
        body.putArray("experiments");
        body.put("object", "text_completion");
        body.put("created", clock.instant().getEpochSecond());
        choices(body, text);
        body.putObject("metadata").putArray("enabled_feature_flags");
        return Json.write(body);
    }

    private String completionV3(CodeSuggestionRequest request, ModelCall call, String text) {
        ObjectNode body = JSON.createObjectNode();
        choices(body, text);
        ObjectNode metadata = metadata(request, call);
        // GitLab 18's gateway sets a region only on streams; FastAPI writes the unset field as null
        metadata.putNull("region");
        body.set("metadata", metadata);
        // GitLab's gateway also mirrors the model at the top level (since 2026-07); older clients ignore it
        body.set("model", metadata.get("model").deepCopy());
        return Json.write(body);
    }

    private ObjectNode metadata(CodeSuggestionRequest request, ModelCall call) {
        ObjectNode metadata = JSON.createObjectNode();
        ObjectNode model = metadata.putObject("model");
        model.put("engine", "agent");
        model.put("name", call.promptName());
        model.put("lang", request.language());
        metadata.put("timestamp", clock.instant().getEpochSecond());
        metadata.putArray("enabled_feature_flags");
        return metadata;
    }

    /** An empty suggestion is an empty list, as GitLab's gateway drops it (contract §5.3). */
    private static void choices(ObjectNode body, String text) {
        ArrayNode choices = body.putArray("choices");
        if (!text.isEmpty()) {
            ObjectNode choice = choices.addObject();
            choice.put("text", text);
            choice.put("index", 0);
            choice.put("finish_reason", "length");
        }
    }
}
