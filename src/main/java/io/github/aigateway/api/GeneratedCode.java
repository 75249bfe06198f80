package io.github.aigateway.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans a code generation answer before the IDE inserts it. v3 and v4: code out of markdown fences and
 * {@code <new_code>} tags, the echo of code already above the cursor removed, surrounding blank lines dropped.
 * v2: GitLab's gateway's own steps for it ({@link #cleanForV2}).
 */
final class GeneratedCode {

    private static final Pattern FENCED = Pattern.compile("```[^\\n`]*\\n(.*?)(?:\\n```|$)", Pattern.DOTALL);
    /** A line that opens or closes a markdown fence, as GitLab's gateway finds them. */
    private static final Pattern FENCE_LINE = Pattern.compile("^`{3}\\S*\n", Pattern.MULTILINE | Pattern.UNIX_LINES);
    private static final Pattern TAGGED = Pattern.compile("<new_code>(.*?)(?:</new_code>|$)", Pattern.DOTALL);

    private GeneratedCode() {
    }

    static String clean(String answer, String prefix) {
        String code = answer;
        Matcher tagged = TAGGED.matcher(code);
        if (tagged.find()) {
            code = tagged.group(1);
        }
        Matcher fenced = FENCED.matcher(code);
        if (fenced.find()) {
            code = fenced.group(1);
        }
        code = withoutEcho(code, prefix);
        return stripBlankLines(code);
    }

    /**
     * A v2 generation as GitLab's gateway cleans it: fence lines removed, a newline put first when the code
     * above the cursor does not end with one (so the code starts on a line of its own), code repeated from
     * above the cursor dropped ({@link ModelReflection}), and an answer of only whitespace made empty.
     */
    static String cleanForV2(String answer, String prefix) {
        String code = FENCE_LINE.matcher(answer).replaceAll("").replaceAll("`+\\z", "");
        if (!code.isEmpty() && !prefix.endsWith("\n") && !code.startsWith("\n")) {
            code = "\n" + code;
        }
        code = ModelReflection.clean(prefix, code);
        return code.isBlank() ? "" : code;
    }

    /** Models often repeat the line the cursor is on, or the whole prefix, before the new code. */
    private static String withoutEcho(String code, String prefix) {
        if (!prefix.isBlank() && code.startsWith(prefix)) {
            return code.substring(prefix.length());
        }
        String lastLine = lastCodeLine(prefix);
        int firstBreak = code.indexOf('\n');
        String firstLine = (firstBreak < 0 ? code : code.substring(0, firstBreak)).strip();
        if (!lastLine.isEmpty() && firstLine.equals(lastLine)) {
            return firstBreak < 0 ? "" : code.substring(firstBreak + 1);
        }
        return code;
    }

    private static String lastCodeLine(String prefix) {
        String[] lines = prefix.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "";
    }

    private static String stripBlankLines(String code) {
        String result = code.replaceAll("^(?:[ \\t]*\\n)+", "");
        return result.stripTrailing();
    }
}
