package io.github.aigateway.api;

import io.github.aigateway.catalog.Feature;
import io.github.aigateway.catalog.ModelSelection;
import java.util.List;

/**
 * One code suggestion request, read once from whichever body shape GitLab sent.
 *
 * @param feature     completion or generation
 * @param format      the response shape of the endpoint that received it
 * @param model       the resolved model
 * @param fileName    current file name
 * @param language    lower-case language name, or empty when unknown
 * @param prefix      code above the cursor
 * @param suffix      code below the cursor (never null)
 * @param instruction generation instruction, or empty
 * @param context     extra code context GitLab attached (file snippets, related files)
 * @param rawPrompt   a prompt GitLab 17.1–17.3 built itself; sent as it is when present
 * @param stream      whether GitLab asked for a streamed answer
 */
public record CodeSuggestionRequest(Feature feature, ResponseFormat format, ModelSelection model, String fileName,
                                    String language, String prefix, String suffix, String instruction,
                                    List<ContextSnippet> context, String rawPrompt, boolean stream)
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
