package io.github.aigateway.chat;

import io.github.aigateway.auth.ScopedRequest;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelSelection;
import java.util.List;
import java.util.Map;

/**
 * One ReAct step of Duo Chat ({@code POST /v2/chat/agent}), from any GitLab 17.x or 18.x body.
 *
 * @param model                the resolved model
 * @param history              earlier turns of the conversation, oldest first
 * @param question             the user's current message
 * @param pageContext          what the user is looking at ({@code type} and {@code title} or {@code content}), or empty
 * @param currentFile          the open file ({@code file_path}, {@code data}, {@code selected_code}), or empty
 * @param additionalContext    extra context items ({@code category}, {@code id}, {@code content})
 * @param scratchpad           the tool steps already run in this turn
 * @param unavailableResources resources GitLab cannot read for this user; their tools are not offered
 * @param contextCategories    the {@code additional_context} categories of every message, earlier ones included
 * @param earlierConversation  the conversation so far as plain text, as GitLab 17.0-17.4 sent it, or empty
 */
public record ChatAgentRequest(ModelSelection model, List<ChatMessage> history, String question,
                               Map<String, Object> pageContext, Map<String, Object> currentFile,
                               List<Map<String, Object>> additionalContext, List<ScratchpadStep> scratchpad,
                               List<String> unavailableResources, List<String> contextCategories,
                               String earlierConversation)
        implements ScopedRequest {

    /** One tool step: what the model thought and chose, and what the tool returned. */
    public record ScratchpadStep(String thought, String tool, String toolInput, String observation) {
    }

    /** Duo Chat: {@code duo_chat} until GitLab 18.8, {@code duo_classic_chat} from 18.9 on. */
    @Override
    public List<String> anyOfScopes() {
        return List.of("duo_chat", "duo_classic_chat");
    }

    /** The {@code include_<category>_context} scope of each kind of context GitLab attached to any message. */
    @Override
    public List<String> requiredScopes() {
        return contextCategories.stream().map(category -> "include_" + category + "_context").distinct().toList();
    }
}
