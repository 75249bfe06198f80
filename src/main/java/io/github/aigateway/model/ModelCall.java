package io.github.aigateway.model;

import java.util.List;

/**
 * Everything a backend route needs for one model call, whatever the wire protocol.
 *
 * @param feature     what the call is for
 * @param model       backend, endpoint, served model and key
 * @param promptName  the model name GitLab shows ({@code model.name} in responses)
 * @param messages    rendered prompt, in order
 * @param temperature sampling temperature
 * @param maxTokens   output cap
 * @param stop        stop sequences
 * @param stream      relay tokens as they come
 */
public record ModelCall(Feature feature, ModelSelection model, String promptName, List<ChatMessage> messages,
                        double temperature, int maxTokens, List<String> stop, boolean stream) {

    /** The model endpoint GitLab named (base URL), or null for a provider that has none (Bedrock). */
    public String endpoint() {
        return model.endpoint();
    }

    /** The same call with other messages (an extension rewrote the prompt). */
    public ModelCall withMessages(List<ChatMessage> replaced) {
        return new ModelCall(feature, model, promptName, List.copyOf(replaced), temperature, maxTokens, stop, stream);
    }

    /** The same call to another model (the catalog pinned it; an extension shadowed or replaced the one GitLab named). */
    public ModelCall withModel(ModelSelection replaced) {
        return new ModelCall(feature, replaced, promptName, messages, temperature, maxTokens, stop, stream);
    }

    /** The same call answered whole: a copy of the request has no stream to GitLab to relay tokens into. */
    public ModelCall withoutStream() {
        return new ModelCall(feature, model, promptName, messages, temperature, maxTokens, stop, false);
    }
}
