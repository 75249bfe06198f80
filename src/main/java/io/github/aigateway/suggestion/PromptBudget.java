package io.github.aigateway.suggestion;

import io.github.aigateway.suggestion.CodeSuggestionRequest.ContextSnippet;
import java.util.ArrayList;
import java.util.List;

/**
 * Trims the code around the cursor to a token budget, as GitLab's gateway does before templating
 * (2,048 tokens, 7% kept for the suffix): the suffix keeps its start, the prefix keeps its end, and
 * context snippets are kept, in order, while room remains. Tokens are estimated from characters,
 * which needs no model tokenizer and errs on the safe side for code.
 */
public final class PromptBudget {

    private final int inputTokens;
    private final int suffixPercent;
    private final int charsPerToken;

    public PromptBudget(int inputTokens, int suffixPercent, int charsPerToken) {
        this.inputTokens = inputTokens;
        this.suffixPercent = suffixPercent;
        this.charsPerToken = charsPerToken;
    }

    /** Prefix, suffix and the context snippets that fit beside them. */
    public record Fitted(String prefix, String suffix, List<ContextSnippet> context) {

        /** The context snippets followed by the prefix, for fill-in-the-middle prompts. */
        public String contextAndPrefix() {
            StringBuilder text = new StringBuilder();
            context.forEach(snippet -> text.append(snippet.content()).append('\n'));
            return text.append(prefix).toString();
        }
    }

    public Fitted fit(String prefix, String suffix, List<ContextSnippet> context) {
        int total = inputTokens * charsPerToken;
        int suffixRoom = total * suffixPercent / 100;
        String keptSuffix = suffix.length() > suffixRoom ? suffix.substring(0, suffixRoom) : suffix;
        int prefixRoom = total - keptSuffix.length();
        String keptPrefix = prefix.length() > prefixRoom ? prefix.substring(prefix.length() - prefixRoom) : prefix;
        List<ContextSnippet> keptContext = new ArrayList<>();
        int room = prefixRoom - keptPrefix.length();
        for (ContextSnippet snippet : context) {
            int needed = snippet.content().length() + 1;
            if (needed > room) {
                break;
            }
            keptContext.add(snippet);
            room -= needed;
        }
        return new Fitted(keptPrefix, keptSuffix, List.copyOf(keptContext));
    }
}
