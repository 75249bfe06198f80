package io.github.aigateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.json.Json;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.stream.RawTextStream;
import io.github.aigateway.stream.SseSuggestionStream;
import io.github.aigateway.stream.StreamObserver;
import io.github.aigateway.stream.TokenStream;
import io.github.aigateway.suggestion.CodeSuggestionRequest;
import io.github.aigateway.suggestion.ResponseFormat;
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
        boolean generation = request.feature() == Feature.CODE_GENERATIONS;
        return switch (request.format()) {
            case SUGGESTIONS_V2 -> suggestionsV2(request, call, answer, generation
                    ? GeneratedCode.cleanForV2(promptRegistryText(request, answer.text()), request.prefix())
                    : promptRegistryText(request, answer.text()));
            // GitLab's gateway post-processes a self-hosted v3/v4 generation (prompt_version ^1.0.0) with its
            // Anthropic post-processor, which only empties an all-whitespace answer
            case COMPLETION_V3, SUGGESTIONS_V4 -> completionV3(request, call, answer.text().isBlank() ? "" : answer.text());
        };
    }

    /**
     * GitLab's gateway's prompt registry unescapes Mixtral's markdown-escaped underscores ({@code \_}) in the
     * answers of the prompts it runs: v2 completions, and v2 generations that name a {@code prompt_id}.
     */
    private static String promptRegistryText(CodeSuggestionRequest request, String text) {
        boolean mixtral = "mixtral".equals(request.model().family());
        return fromPromptRegistry(request) && mixtral ? text.replace("\\_", "_") : text;
    }

    /** Whether GitLab's gateway answers a v2 request from its prompt registry rather than its LiteLLM chat model. */
    private static boolean fromPromptRegistry(CodeSuggestionRequest request) {
        return request.feature() == Feature.CODE_COMPLETIONS || !request.promptId().isEmpty();
    }

    /** The stream a streamed answer is written to, in the endpoint's streaming format; null for a complete answer. */
    public TokenStream openStream(Exchange exchange) {
        CodeSuggestionRequest request = exchange.getProperty(ExchangeProperties.GITLAB_REQUEST, CodeSuggestionRequest.class);
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        if (!call.stream()) {
            return null;
        }
        HttpServerResponse response = exchange.getProperty(ExchangeProperties.VERTX_RESPONSE, HttpServerResponse.class);
        String correlationId = exchange.getProperty(ExchangeProperties.CORRELATION_ID, String.class);
        StreamObserver observer = exchange.getProperty(ExchangeProperties.REQUEST_RECORD, StreamObserver.NONE, StreamObserver.class);
        if (request.format() == ResponseFormat.SUGGESTIONS_V4) {
            // GitLab's stream metadata names the model without its language
            ObjectNode metadata = metadata(request, call);
            ((ObjectNode) metadata.get("model")).remove("lang");
            metadata.put("region", region);
            return new SseSuggestionStream(response, correlationId, observer, metadata);
        }
        return new RawTextStream(response, correlationId, observer);
    }

    /**
     * GitLab's gateway's v2 answer. Completions come from its prompt registry (engine {@code agent}, the prompt's
     * name); so do generations that name a {@code prompt_id}, while the others come from its LiteLLM chat model
     * (engine {@code litellm}, {@code custom_openai/<model_name>}). Only a completion with a suggestion reports tokens.
     */
    private String suggestionsV2(CodeSuggestionRequest request, ModelCall call, ModelAnswer answer, String text) {
        boolean completion = request.feature() == Feature.CODE_COMPLETIONS;
        boolean promptRegistry = fromPromptRegistry(request);
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "id");
        ObjectNode model = body.putObject("model");
        model.put("engine", promptRegistry ? "agent" : "litellm");
        model.put("name", promptRegistry ? call.promptName() : "custom_openai/" + request.model().family());
        model.put("lang", request.reportedLanguage());
        if (completion && !text.isEmpty()) {
            ObjectNode usage = model.putObject("tokens_consumption_metadata");
            usage.put("input_tokens", Math.max(answer.inputTokens(), 0));
            usage.put("output_tokens", Math.max(answer.outputTokens(), 0));
            usage.put("max_output_tokens_used", answer.outputTokens() >= call.maxTokens());
            usage.put("context_tokens_sent", 0);
            usage.put("context_tokens_used", 0);
        } else {
            model.putNull("tokens_consumption_metadata");
        }
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
