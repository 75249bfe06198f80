package io.github.aigateway.extension;

import io.github.aigateway.audit.AuditLog;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * Replaces what the patterns match in a model call's messages with {@value #MASK}
 * (recipes/redact-secrets.camel.yaml, which names the patterns). A pattern with a group named {@code secret} has
 * only that group replaced, so {@code password = "x"} keeps its name; text already redacted is left as it is.
 * The number of replacements goes to the request's audit record as {@code redacted}.
 */
public class SecretRedaction {

    static final String MASK = "[REDACTED]";
    private static final String SECRET_GROUP = "secret";

    private final Map<String, String> patterns = new TreeMap<>();
    private List<Rule> rules = List.of();

    /**
     * The patterns by name, Java regular expressions; the recipe's {@code patterns.<name>} properties land here.
     * They are applied in the order of their names.
     */
    public Map<String, String> getPatterns() {
        return patterns;
    }

    /** Bean init: compiles the patterns, so that one that is not a regular expression stops the start. */
    public void start() {
        rules = patterns.values().stream()
                .map(regex -> new Rule(Pattern.compile(regex), regex.contains("(?<" + SECRET_GROUP + ">"))).toList();
    }

    /** Redacts exchange property {@code modelCall} and adds the count to the audit record's {@code redacted}. */
    public void redact(Exchange exchange) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        if (call == null) {
            return;
        }
        int count = 0;
        List<ChatMessage> redacted = new ArrayList<>(call.messages().size());
        for (ChatMessage message : call.messages()) {
            String content = message.content();
            if (content != null) {
                for (Rule rule : rules) {
                    Redacted result = redact(content, rule);
                    content = result.text();
                    count += result.count();
                }
            }
            redacted.add(new ChatMessage(message.role(), content));
        }
        if (count > 0) {
            exchange.setProperty(ExchangeProperties.MODEL_CALL, call.withMessages(redacted));
        }
        AuditLog.extensionFields(exchange).merge("redacted", count,
                (before, added) -> ((Number) before).intValue() + ((Number) added).intValue());
    }

    private static Redacted redact(String text, Rule rule) {
        boolean namedSecret = rule.namedSecret();
        Matcher matcher = rule.pattern().matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int count = 0;
        while (matcher.find()) {
            int start = namedSecret ? matcher.start(SECRET_GROUP) : matcher.start();
            int end = namedSecret ? matcher.end(SECRET_GROUP) : matcher.end();
            if (start < 0 || text.startsWith(MASK, start) && end - start == MASK.length()) {
                continue;
            }
            out.append(text, copied, start).append(MASK);
            copied = end;
            count++;
        }
        if (count == 0) {
            return new Redacted(text, 0);
        }
        return new Redacted(out.append(text, copied, text.length()).toString(), count);
    }

    /** A compiled pattern, and whether it names the {@code secret} group to replace instead of the whole match. */
    private record Rule(Pattern pattern, boolean namedSecret) {
    }

    private record Redacted(String text, int count) {
    }
}
