package io.github.aigateway.chat;

import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.Feature;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.catalog.PromptSettings;
import io.github.aigateway.prompt.PromptTemplates;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the model calls of Duo Chat: the ReAct step of {@code /v2/chat/agent} (the family's chat template
 * renders the system message and the current user turn; the conversation so far goes between them as it
 * is) and the plain conversation of the legacy {@code /v1/chat/*} API.
 */
public class ChatPrompts {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEEE, MMMM dd, yyyy", Locale.ENGLISH);

    private ModelCatalog catalog;
    private PromptTemplates templates;
    private ChatTools tools;
    private double legacyTemperature = 0.1;
    private int legacyMaxTokens = 2048;

    public ModelCall agentCall(ChatAgentRequest request) {
        PromptSettings settings = catalog.prompt(request.model().family(), Feature.CHAT);
        Map<String, Object> variables = new HashMap<>();
        variables.put("tools", tools.available(request.unavailableResources()));
        variables.put("question", request.question());
        // every key a template may read is present: a missing one would fail the strict template
        Map<String, Object> page = request.pageContext();
        variables.put("page_context", Map.of("type", text(page, "type"), "title", text(page, "title"),
                "content", text(page, "content")));
        Map<String, Object> file = request.currentFile();
        variables.put("current_file", Map.of("file_path", text(file, "file_path"), "data", text(file, "data"),
                "selected_code", Boolean.TRUE.equals(file.get("selected_code"))));
        variables.put("additional_context", request.additionalContext().stream()
                .map(item -> Map.of("category", text(item, "category"), "id", text(item, "id"),
                        "content", text(item, "content")))
                .toList());
        variables.put("scratchpad", request.scratchpad());
        variables.put("current_date", LocalDate.now().format(DATE));
        List<ChatMessage> rendered = templates.render(settings.template(), variables);
        List<ChatMessage> messages = new ArrayList<>();
        rendered.stream().filter(m -> m.role().equals("system")).map(m -> withEarlierConversation(m, request))
                .forEach(messages::add);
        messages.addAll(request.history());
        rendered.stream().filter(m -> !m.role().equals("system")).forEach(messages::add);
        return new ModelCall(Feature.CHAT, request.model(), settings.name(), messages, settings.temperature(),
                settings.maxTokens(), settings.stop(), true);
    }

    /** A conversation GitLab sent as plain text has no turns to replay: the system message carries it. */
    private static ChatMessage withEarlierConversation(ChatMessage system, ChatAgentRequest request) {
        if (request.earlierConversation().isBlank()) {
            return system;
        }
        return new ChatMessage(system.role(), system.content() + "\n\nThe conversation before this question:\n"
                + request.earlierConversation());
    }

    public ModelCall legacyCall(LegacyChatRequest request) {
        return new ModelCall(Feature.CHAT, request.model(), "Duo Chat (legacy API)", request.messages(),
                legacyTemperature, legacyMaxTokens, List.of(), request.stream());
    }

    private static String text(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? "" : String.valueOf(value);
    }

    /** The tool names offered for this request, which the answer parser accepts. */
    public List<String> toolNames(ChatAgentRequest request) {
        return tools.available(request.unavailableResources()).stream().map(ChatTools.Tool::name).toList();
    }

    public void setCatalog(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public void setTemplates(PromptTemplates templates) {
        this.templates = templates;
    }

    public void setTools(ChatTools tools) {
        this.tools = tools;
    }

    public void setLegacyTemperature(double legacyTemperature) {
        this.legacyTemperature = legacyTemperature;
    }

    public void setLegacyMaxTokens(int legacyMaxTokens) {
        this.legacyMaxTokens = legacyMaxTokens;
    }
}
