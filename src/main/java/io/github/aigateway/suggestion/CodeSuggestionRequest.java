package io.github.aigateway.suggestion;

import io.github.aigateway.auth.ScopedRequest;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelSelection;
import java.util.List;

/**
 * One code suggestion request, read once from whichever body shape GitLab sent.
 *
 * @param feature     completion or generation
 * @param format      the response shape of the endpoint that received it
 * @param model       the resolved model
 * @param fileName    current file name
 * @param language    lower-case language name, or empty when unknown
 * @param reportedLanguage the {@code lang} a v2 answer reports, as GitLab's gateway names it
 *                    ({@code api.Languages#reported})
 * @param prefix      code above the cursor
 * @param suffix      code below the cursor (never null)
 * @param instruction generation instruction, or empty
 * @param context     extra code context GitLab attached (file snippets, related files)
 * @param preparedPrompt the messages of a v2 generation GitLab 17.0–17.2 built itself ({@code prompt_version} 3),
 *                    sent to the model as they are; null when the gateway's prompt template builds them
 * @param promptId    GitLab's {@code prompt_id} of a v2 generation (17.3 on), empty when it named none
 * @param stream      whether GitLab asked for a streamed answer
 */
public record CodeSuggestionRequest(Feature feature, ResponseFormat format, ModelSelection model, String fileName,
                                    String language, String reportedLanguage, String prefix, String suffix, String instruction,
                                    List<ContextSnippet> context, List<ChatMessage> preparedPrompt, String promptId,
                                    boolean stream)
        implements ScopedRequest {

    /** The unit primitive of the feature: v2 endpoints have theirs, v3 and v4 bodies name it in the prompt component. */
    @Override
    public List<String> requiredScopes() {
        return List.of(feature.unitPrimitive());
    }

    /** A piece of context code: a file or snippet name and its content. */
    public record ContextSnippet(String name, String content) {
    }
}
