package io.github.aigateway.chat;

import io.github.aigateway.api.ScopedRequest;
import io.github.aigateway.backend.ChatMessage;
import io.github.aigateway.catalog.ModelSelection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One ReAct step of Duo Chat ({@code POST /v2/chat/agent}), from either GitLab 17.x or 18.x bodies.
 *
 * @param model                the resolved model
 * @param history              earlier turns of the conversation, oldest first
 * @param question             the user's current message
 * @param pageContext          what the user is looking at ({@code type} and {@code title} or {@code content}), or empty
 * @param currentFile          the open file ({@code file_path}, {@code data}, {@code selected_code}), or empty
 * @param additionalContext    extra context items ({@code category}, {@code id}, {@code content})
 * @param scratchpad           the tool steps already run in this turn
 * @param unavailableResources resources GitLab cannot read for this user; their tools are not offered
 */
public record ChatAgentRequest(ModelSelection model, List<ChatMessage> history, String question,
                               Map<String, Object> pageContext, Map<String, Object> currentFile,
                               List<Map<String, Object>> additionalContext, List<ScratchpadStep> scratchpad,
                               List<String> unavailableResources) implements ScopedRequest {

    /** One tool step: what the model thought and chose, and what the tool returned. */
    public record ScratchpadStep(String thought, String tool, String toolInput, String observation) {
    }

    /** Duo Chat itself, then the {@code include_<category>_context} scope of each kind of context GitLab attached. */
    @Override
    public List<String> requiredScopes() {
        List<String> scopes = new ArrayList<>();
        scopes.add("duo_chat");
        scopes.addAll(contextScopes());
        return scopes;
    }

    /** The {@code include_<category>_context} scope each {@code additional_context} item needs. */
    public List<String> contextScopes() {
        return additionalContext.stream()
                .map(item -> "include_" + item.getOrDefault("category", "") + "_context")
                .distinct()
                .toList();
    }
}
