package io.github.aigateway.chat;

import io.github.aigateway.auth.ScopedRequest;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelSelection;
import java.util.List;

/**
 * A call of the deprecated {@code /v1/chat/{chat_invokable}} API: GitLab's messages, sent as they are.
 *
 * @param invokable e.g. {@code agent}
 * @param model     the resolved model
 * @param messages  the conversation GitLab sent
 * @param stream    whether GitLab asked for a streamed answer
 */
public record LegacyChatRequest(String invokable, ModelSelection model, List<ChatMessage> messages, boolean stream)
        implements ScopedRequest {

    @Override
    public List<String> requiredScopes() {
        return List.of(unitPrimitive());
    }

    /** The deprecated API names the unit primitive itself: {@code Unauthorized to access duo_chat}. */
    @Override
    public String deniedThing(String scope) {
        return scope;
    }

    /** The scope GitLab's gateway asks of each invokable (contract §4.3). */
    public String unitPrimitive() {
        return switch (invokable) {
            case "explain_vulnerability", "summarize_comments", "troubleshoot_job" -> invokable;
            default -> "duo_chat";
        };
    }
}
