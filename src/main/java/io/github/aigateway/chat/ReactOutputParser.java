package io.github.aigateway.chat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a ReAct answer as the model streams it, with the rules of GitLab's gateway ({@code ReActPlainTextParser}):
 * once {@code Final Answer:} appears its text is passed on as it grows (trailing whitespace waits for more text);
 * otherwise, when the model has stopped, a tool choice ({@code Action:} ... {@code Action Input:}) is one action,
 * and anything else is reported whole as unknown. Only the thought and the tool name lose Markdown's {@code \_}.
 */
public final class ReactOutputParser {

    /** What the parser found. */
    public interface Events {
        void finalAnswerDelta(String text);

        void action(String thought, String tool, String toolInput);

        /** The model chose a tool that was not offered. */
        void toolNotAvailable(String tool);

        void unknown(String text);
    }

    private static final String FINAL_ANSWER = "Final Answer:";
    private static final String END = "</message>";
    private static final String OBSERVATION = "Observation:";
    // GitLab's patterns, over the answer wrapped as "<message>Thought: ...</message>"
    private static final Pattern THOUGHT = Pattern.compile("<message>Thought:\\s*([\\s\\S]*?)\\s*(?:Action|Final Answer):");
    private static final Pattern ACTION = Pattern.compile("Action:\\s*([\\s\\S]*?)[\\s-]*Action");
    private static final Pattern ACTION_INPUT = Pattern.compile("Action Input:\\s*([\\s\\S]*?)\\s*</message>");
    /** Our prompts let the model write the first "Thought:" itself; GitLab's write it for the model. */
    private static final Pattern OWN_THOUGHT_LABEL = Pattern.compile("^Thought:\\s*");

    private final List<String> tools;
    private final Events events;
    private final StringBuilder output = new StringBuilder();
    private int answerFrom = -1;
    private int answerSent;

    /** @param tools the tool names offered to the model; a choice of any other is not available */
    public ReactOutputParser(List<String> tools, Events events) {
        this.tools = List.copyOf(tools);
        this.events = events;
    }

    public void feed(String text) {
        output.append(text);
        if (answerFrom < 0) {
            int marker = output.indexOf(FINAL_ANSWER);
            if (marker < 0) {
                return;
            }
            answerFrom = marker + FINAL_ANSWER.length();
        }
        emitAnswer();
    }

    /** The model has stopped: reports what is left. */
    public void finish() {
        if (answerFrom >= 0) {
            emitAnswer();
            return;
        }
        String text = output.toString().strip();
        // a model that cannot be given stop sequences (Llama on Bedrock) may go on to invent the tool's result
        int observation = text.indexOf(OBSERVATION);
        String step = observation >= 0 ? text.substring(0, observation).strip() : text;
        String wrapped = "<message>Thought: " + OWN_THOUGHT_LABEL.matcher(step).replaceFirst("") + END;
        Matcher action = ACTION.matcher(wrapped);
        Matcher input = ACTION_INPUT.matcher(wrapped);
        if (action.find() && input.find()) {
            Matcher thought = THOUGHT.matcher(wrapped);
            String tool = toolName(action.group(1));
            if (tools.contains(tool)) {
                events.action(thought.find() ? thought.group(1).replace("\\_", "_") : "", tool, input.group(1));
            } else {
                events.toolNotAvailable(tool);
            }
        } else {
            events.unknown(text);
        }
    }

    /** Sends the answer's text that is new, up to its last non-blank character. */
    private void emitAnswer() {
        int from = answerFrom;
        while (from < output.length() && Character.isWhitespace(output.charAt(from))) {
            from++;
        }
        int end = output.length();
        while (end > from && Character.isWhitespace(output.charAt(end - 1))) {
            end--;
        }
        int start = from + answerSent;
        if (end > start) {
            events.finalAnswerDelta(output.substring(start, end));
            answerSent = end - from;
        }
    }

    /** Older GitLab prompts led models to name the merge request tool in CamelCase. */
    private static String toolName(String name) {
        return name.equals("MergeRequestReader") ? "merge_request_reader" : name.replace("\\_", "_");
    }
}
