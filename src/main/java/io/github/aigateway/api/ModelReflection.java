package io.github.aigateway.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitLab's gateway's cleanup of a generation that repeats code already above the cursor ({@code
 * clean_model_reflection}): after the line the cursor is on, lines also found above the cursor are dropped when
 * they are a lone comment or a long run of ordinary code; short or symbol-heavy repeats stay, as GitLab keeps them.
 */
final class ModelReflection {

    private static final List<String> COMMENT_STARTS = List.of("/*", "//", "#");
    private static final String SPECIAL_CHARS = "()[];.,$%&^*@#!{}/";
    private static final int MIN_BLOCK_SIZE = 5;
    private static final double MIN_SPECIAL_CHARS = 0.25;
    private static final double MIN_DIVERSITY_CHARS = 0.35;
    private static final Pattern LINE = Pattern.compile("[^\\r\\n]*(?:\\r\\n|\\r|\\n)|[^\\r\\n]+$");

    private ModelReflection() {
    }

    static String clean(String context, String completion) {
        return clean(context, completion, MIN_BLOCK_SIZE);
    }

    /** {@code minBlockSize}: how many repeated lines make a long run (GitLab's gateway uses 5). */
    static String clean(String context, String completion, int minBlockSize) {
        String text = context + completion;
        int lineEnd = newlinePosition(text, context.length());
        if (lineEnd == -1) {
            return completion; // only the cursor's line was completed
        }
        List<String> before = codeLines(text.substring(0, lineEnd));
        List<String> after = codeLines(text.substring(lineEnd));
        StringBuilder kept = new StringBuilder(text.substring(context.length(), lineEnd));
        int previous = 0;
        for (List<Integer> group : commonLines(stripped(before), stripped(after))) {
            int start = group.get(0);
            int end = group.get(group.size() - 1);
            List<String> repeated = after.subList(start, end + 1);
            after.subList(previous, start).forEach(kept::append);
            if (!(isSingleLineComment(repeated) || isLargeGroup(group, repeated, minBlockSize))) {
                repeated.forEach(kept::append);
            }
            previous = end + 1;
        }
        after.subList(previous, after.size()).forEach(kept::append);
        return kept.toString();
    }

    /** Where the line after {@code start} begins: {@code start} itself when only blanks follow a newline before it. */
    private static int newlinePosition(String text, int start) {
        String head = text.substring(0, start).replaceAll("[ \\t]+$", "");
        if (head.endsWith("\n")) {
            return start;
        }
        int newline = text.indexOf('\n', start);
        return newline < 0 ? -1 : newline + 1;
    }

    /** Lines with their break moved to the start of the next line, and a last "\n" of its own. */
    private static List<String> codeLines(String text) {
        List<String> raw = new ArrayList<>();
        Matcher line = LINE.matcher(text);
        while (line.find()) {
            raw.add(line.group());
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String content = raw.get(i).replaceAll("\\n+$", "");
            lines.add(i > 0 ? "\n" + content : content);
        }
        if (!raw.isEmpty() && raw.get(raw.size() - 1).endsWith("\n")) {
            lines.add("\n");
        }
        return lines;
    }

    private static List<String> stripped(List<String> lines) {
        return lines.stream().map(String::strip).toList();
    }

    /**
     * GitLab's {@code find_common_lines}: the target lines that also occur in the source, grouped where they
     * follow each other in the source too (its longest-common-run table, quirks included).
     */
    static List<List<Integer>> commonLines(List<String> source, List<String> target) {
        int[][] runs = new int[source.size() + 1][target.size() + 1];
        for (int i = 1; i <= source.size(); i++) {
            for (int j = 1; j <= target.size(); j++) {
                if (source.get(i - 1).equals(target.get(j - 1))) {
                    // a run longer than one starts at 2, so that longer runs win the maximum below
                    if (runs[i - 1][j - 1] == 1) {
                        runs[i - 1][j - 1] = 2;
                    }
                    runs[i][j] = runs[i - 1][j - 1] + 1;
                }
            }
        }
        List<Integer> targetLines = new ArrayList<>();
        List<Integer> sourceRows = new ArrayList<>();
        for (int j = 1; j <= target.size(); j++) {
            int best = 0;
            for (int i = 1; i <= source.size(); i++) {
                if (runs[i][j] > runs[best][j]) {
                    best = i;
                }
            }
            if (best > 0) {
                targetLines.add(j - 1);
                sourceRows.add(best);
            }
        }
        List<List<Integer>> groups = new ArrayList<>();
        for (int k = 0; k < targetLines.size(); k++) {
            if (k == 0 || sourceRows.get(k) - sourceRows.get(k - 1) != 1) {
                groups.add(new ArrayList<>());
            }
            groups.get(groups.size() - 1).add(targetLines.get(k));
        }
        return groups;
    }

    private static boolean isSingleLineComment(List<String> lines) {
        return lines.size() == 1 && COMMENT_STARTS.stream().anyMatch(lines.get(0).stripLeading()::startsWith);
    }

    private static boolean isLargeGroup(List<Integer> group, List<String> lines, int minBlockSize) {
        Map<Integer, Integer> counts = new HashMap<>();
        lines.forEach(line -> line.strip().codePoints().forEach(c -> counts.merge(c, 1, Integer::sum)));
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        if (group.size() < minBlockSize || total == 0) {
            return false;
        }
        int special = SPECIAL_CHARS.chars().map(c -> counts.getOrDefault(c, 0)).sum();
        return (double) special / total < MIN_SPECIAL_CHARS && (double) counts.size() / total < MIN_DIVERSITY_CHARS;
    }
}
