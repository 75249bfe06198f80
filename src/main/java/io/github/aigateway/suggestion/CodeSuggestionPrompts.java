package io.github.aigateway.suggestion;

import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.catalog.PromptSettings;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.prompt.PromptTemplates;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the model call for a code completion or generation from the catalog and the prompt templates. */
public class CodeSuggestionPrompts {

    private ModelCatalog catalog;
    private PromptTemplates templates;
    private int completionInputTokens = 2048;
    private int generationInputTokens = 8192;
    private int suffixPercent = 7;
    private int charsPerToken = 4;

    public ModelCall modelCall(CodeSuggestionRequest request) {
        PromptSettings settings = catalog.prompt(request.model().family(), request.feature());
        List<ChatMessage> messages = request.preparedPrompt() != null
                ? request.preparedPrompt()
                : templates.render(settings.template(), variables(request));
        return new ModelCall(request.feature(), request.model(), settings.name(), messages,
                settings.temperature(), settings.maxTokens(), settings.stop(), request.stream());
    }

    private Map<String, Object> variables(CodeSuggestionRequest request) {
        boolean completion = request.feature() == Feature.CODE_COMPLETIONS;
        PromptBudget budget = new PromptBudget(completion ? completionInputTokens : generationInputTokens,
                suffixPercent, charsPerToken);
        PromptBudget.Fitted fitted = budget.fit(request.prefix(), request.suffix(), request.context());
        Map<String, Object> variables = new HashMap<>();
        variables.put("prefix", completion ? fitted.contextAndPrefix() : fitted.prefix());
        variables.put("suffix", fitted.suffix());
        variables.put("context", completion ? List.of() : fitted.context());
        variables.put("file_name", request.fileName());
        variables.put("language", request.language());
        variables.put("instruction", request.instruction());
        return variables;
    }

    public void setCatalog(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public void setTemplates(PromptTemplates templates) {
        this.templates = templates;
    }

    public void setCompletionInputTokens(int completionInputTokens) {
        this.completionInputTokens = completionInputTokens;
    }

    public void setGenerationInputTokens(int generationInputTokens) {
        this.generationInputTokens = generationInputTokens;
    }

    public void setSuffixPercent(int suffixPercent) {
        this.suffixPercent = suffixPercent;
    }

    public void setCharsPerToken(int charsPerToken) {
        this.charsPerToken = charsPerToken;
    }
}
