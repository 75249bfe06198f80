package io.github.aigateway.api;

import java.util.regex.Pattern;

/**
 * Cleans a v2 code generation answer before the IDE inserts it, with GitLab's gateway's own v2 steps. v3 and v4
 * answers go to GitLab as the model wrote them, as GitLab 18's gateway sends them.
 */
final class GeneratedCode {

    /** A line that opens or closes a markdown fence, as GitLab's gateway finds them. */
    private static final Pattern FENCE_LINE = Pattern.compile("^`{3}\\S*\n", Pattern.MULTILINE | Pattern.UNIX_LINES);

    private GeneratedCode() {
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
}
