package io.github.aigateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules by which GitLab Rails 18.9 (and the glab CLI) read a prompt's answer, ported to Java so that a test
 * can prove an answer in our prompts' format is one GitLab understands. Each rule names the Ruby it follows;
 * Ruby's {@code m} flag is Java's DOTALL, and Ruby's {@code ^}/{@code $} always match at line ends (MULTILINE).
 */
final class RailsAnswerParsers {

    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RailsAnswerParsers() {
    }

    /** One Duo Code Review comment as GitLab keeps it: {@code body} has a {@code <from>/<to>} pair turned into a suggestion. */
    record ReviewComment(String file, Integer oldLine, Integer newLine, String body, String from) {
    }

    private static final Pattern REVIEW_BLOCK = Pattern.compile("<review>.*?</review>", Pattern.DOTALL);
    private static final Pattern COMMENT_WRAPPER = Pattern.compile("^<comment (.+?)>(?:\\n?)(.+?)</comment>$",
            Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern COMMENT_ATTR = Pattern.compile("([^\\s]*?)=\"(.*?)\"");
    private static final Pattern CODE_SUGGESTION = Pattern.compile(
            "(.*?)^(?:<from>\\n(.*?)^</from>\\n<to>\\n(.*?)^</to>|<from>(.+?)</from>\\n<to>(.+?)</to>)(.*?)(?=<from>|\\z)",
            Pattern.DOTALL | Pattern.MULTILINE);

    /** {@code ReviewMergeRequest::ResponseBodyParser#comments} with {@code CodeSuggestionFormatter.parse}: valid comments of the last review block. */
    static List<ReviewComment> reviewComments(String response) {
        List<ReviewComment> comments = new ArrayList<>();
        if (response == null || response.isBlank()) {
            return comments;
        }
        String lastReview = null;
        Matcher review = REVIEW_BLOCK.matcher(response);
        while (review.find()) {
            lastReview = review.group();
        }
        if (lastReview == null || lastReview.isBlank()) {
            return comments;
        }
        Matcher comment = COMMENT_WRAPPER.matcher(lastReview);
        while (comment.find()) {
            Map<String, String> attrs = new HashMap<>();
            Matcher attr = COMMENT_ATTR.matcher(comment.group(1));
            while (attr.find()) {
                attrs.put(attr.group(1), attr.group(2));
            }
            String[] bodyAndFrom = suggestion(comment.group(2));
            ReviewComment parsed = new ReviewComment(attrs.get("file"), integer(attrs.get("old_line")),
                    integer(attrs.get("new_line")), bodyAndFrom[0], bodyAndFrom[1]);
            boolean valid = parsed.body() != null && !parsed.body().isBlank()
                    && (parsed.oldLine() != null || parsed.newLine() != null)
                    && parsed.file() != null && !parsed.file().isBlank();
            if (valid) {
                comments.add(parsed);
            }
        }
        return comments;
    }

    /** {@code CodeSuggestionFormatter.parse}: body with {@code ```suggestion:-0+N} blocks, and the first {@code <from>}. */
    private static String[] suggestion(String body) {
        StringBuilder parsed = new StringBuilder();
        String firstFrom = null;
        boolean any = false;
        Matcher m = CODE_SUGGESTION.matcher(body);
        while (m.find()) {
            any = true;
            String from = m.group(2) != null ? m.group(2) : m.group(4);
            String inlineTo = m.group(5);
            String to = m.group(3) != null ? m.group(3) : inlineTo;
            if (firstFrom == null) {
                firstFrom = from;
            }
            if (from.equals(to)) {
                parsed.append(m.group(1)).append(m.group(6));
                continue;
            }
            long linesBelow = from.lines().count() - 1;
            String suggested = inlineTo == null ? "\n" + to : "\n" + inlineTo + "\n";
            parsed.append(m.group(1)).append("```suggestion:-0+").append(linesBelow).append(suggested).append("```")
                    .append(m.group(6));
        }
        return any ? new String[] {parsed.toString(), firstFrom} : new String[] {body, null};
    }

    /** Ruby's {@code Integer(value, exception: false)} for the digits GitLab's line attributes hold. */
    private static Integer integer(String value) {
        return value != null && value.matches("[+-]?\\d+") ? Integer.valueOf(value) : null;
    }

    /** What vulnerability resolution takes from an answer: the fix's old/new pairs, or a false positive. */
    record VulnerabilityFix(String analysis, String summary, boolean falsePositive, List<String[]> changes) {

        /**
         * {@code CreateFromVulnerabilityDataService}: each stripped {@code <old_code>} replaced by its stripped
         * {@code <new_code>} ({@code ApplyLlmRemediationService}, a gsub); fails where GitLab answers "Response unreadable".
         */
        String applyTo(String source) {
            if (changes.isEmpty() || changes.stream().anyMatch(pair -> pair[0] == null || pair[1] == null)) {
                throw new AssertionError("GitLab: code tags not correct in response");
            }
            String patched = source;
            for (String[] change : changes) {
                patched = patched.replace(change[0].strip(), change[1].strip());
            }
            return patched;
        }
    }

    /** {@code ResolveVulnerability::Helpers#extract_llm_change} and {@code extract_changes_from_blocks}. */
    static VulnerabilityFix vulnerabilityFix(String response) {
        String fixedCode = between(response, "<fixed_code>\n", "</fixed_code>");
        String falsePositiveFlag = between(response, "<is_false_positive>\n", "</is_false_positive>");
        boolean falsePositive = fixedCode == null || fixedCode.isBlank()
                || (falsePositiveFlag != null && falsePositiveFlag.strip().equalsIgnoreCase("true"));
        List<String[]> changes = new ArrayList<>();
        if (!falsePositive) {
            // GitLab scans the whole fixed_code text it passes on (the llm_patch) for the pairs
            List<String> olds = all(fixedCode, "<old_code>", "</old_code>");
            List<String> news = all(fixedCode, "<new_code>", "</new_code>");
            for (int i = 0; i < olds.size(); i++) {
                changes.add(new String[] {olds.get(i), i < news.size() ? news.get(i) : null});
            }
        }
        return new VulnerabilityFix(between(response, "<analysis>\n", "</analysis>"),
                between(response, "<summary>\n", "</summary>"), falsePositive, changes);
    }

    private static String between(String text, String start, String end) {
        Matcher m = Pattern.compile("(?<=" + Pattern.quote(start) + ").*?(?=" + Pattern.quote(end) + ")", Pattern.DOTALL)
                .matcher(text);
        return m.find() ? m.group() : null;
    }

    private static List<String> all(String text, String start, String end) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile("(?<=" + Pattern.quote(start) + ").*?(?=" + Pattern.quote(end) + ")", Pattern.DOTALL)
                .matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    /**
     * {@code Chain::Tools::Identifier#extract_json}: the text before any "Question:", then the JSON between
     * {@code ```json} and the next {@code ```} (or the whole text without fences). Fails as GitLab's JSON parser does.
     */
    static JsonNode readerJson(String response) {
        String text = response;
        if (!text.contains("ResourceIdentifierType")) {
            text = "```json\n{\n\"ResourceIdentifierType\": \"" + text;
        }
        String[] beforeQuestion = text.split("Question:");
        text = (beforeQuestion.length > 0 ? beforeQuestion[0] : text).strip();
        String[] afterTicks = text.split("```json", 2);
        String between = afterTicks[afterTicks.length - 1].split("```", 2)[0];
        try {
            return STRICT_JSON.readTree(between.strip());
        } catch (JsonProcessingException e) {
            throw new AssertionError("GitLab: JSON has an invalid format in " + response, e);
        }
    }

    /** What Duo Chat shows of a documentation answer, and the search result ids it links as sources. */
    record DocumentationAnswer(String content, List<String> sourceIds) {
    }

    private static final Pattern NO_ANSWER = Pattern.compile("i do.*n.+know", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTENT_ID = Pattern.compile("CNT-IDX-([0-9a-z]+)");

    /** {@code Anthropic::ResponseModifiers::TanukiBot#parsed_response}: split at "ATTRS:", ids of the documents searched. */
    static DocumentationAnswer documentationAnswer(String response, List<String> searchedIds) {
        String[] parts = response.strip().split(Pattern.quote("ATTRS:"));
        String message = parts[0].strip();
        String sourceIds = parts.length > 1 ? parts[1] : null;
        List<String> sources = new ArrayList<>();
        if (sourceIds != null && !sourceIds.isBlank() && !NO_ANSWER.matcher(message).find()) {
            Matcher id = CONTENT_ID.matcher(sourceIds);
            while (id.find()) {
                if (searchedIds.contains(id.group(1)) && !sources.contains(id.group(1))) {
                    sources.add(id.group(1));
                }
            }
        }
        return new DocumentationAnswer(message, sources);
    }

    private static final Pattern GLAB_COMMAND = Pattern.compile("```([^`]*)```");

    /** glab's {@code duo ask}: the text of each {@code ```} pair is a command; it offers to run those that start with git. */
    static List<String> glabCommands(String response) {
        List<String> commands = new ArrayList<>();
        Matcher m = GLAB_COMMAND.matcher(response);
        while (m.find()) {
            commands.add(m.group(1).strip());
        }
        return commands;
    }
}
