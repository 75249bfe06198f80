package io.github.aigateway.chat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a ReAct answer as the model streams it. Text after {@code Final Answer:} is passed on at once, a
 * piece at a time; a tool choice ({@code Action:} / {@code Action Input:}) is reported once the model has
 * stopped (at {@code Observation:}); anything else is reported whole as unknown.
 */
public final class ReactOutputParser {

    /** What the parser found. */
    public interface Events {
        void finalAnswerDelta(String text);

        void action(String thought, String tool, String toolInput);

        void unknown(String text);
    }

    private static final String FINAL_ANSWER = "Final Answer:";
    private static final String OBSERVATION = "Observation:";
    private static final Pattern ACTION = Pattern.compile(
            "(?s)^(?:\\s*Thought:)?\\s*(.*?)\\s*Action:\\s*(.*?)\\s*Action Input:\\s*(.*?)\\s*$");

    private final List<String> tools;
    private final Events events;
    private final StringBuilder output = new StringBuilder();
    private boolean answering;
    private boolean answerStarted;
    private int emitFrom;

    /** @param tools the tool names offered to the model; a choice of any other is not an action */
    public ReactOutputParser(List<String> tools, Events events) {
        this.tools = List.copyOf(tools);
        this.events = events;
    }

    public void feed(String text) {
        output.append(text);
        if (!answering) {
            int marker = output.indexOf(FINAL_ANSWER);
            if (marker < 0) {
                return;
            }
            answering = true;
            emitFrom = marker + FINAL_ANSWER.length();
        }
        emitAnswer(false);
    }

    /** The model has stopped: reports what is left. */
    public void finish() {
        if (answering) {
            emitAnswer(true);
            return;
        }
        String text = output.toString();
        // a model that cannot be given stop sequences (Llama on Bedrock) may go on to invent the tool's result
        int observation = text.indexOf(OBSERVATION);
        if (observation >= 0) {
            text = text.substring(0, observation);
        }
        Matcher action = ACTION.matcher(text);
        if (action.matches() && tools.contains(action.group(2).strip())) {
            events.action(unescape(action.group(1)), action.group(2).strip(), unescape(action.group(3)));
        } else {
            events.unknown(unescape(text.strip()));
        }
    }

    private void emitAnswer(boolean last) {
        if (!answerStarted) {
            while (emitFrom < output.length() && Character.isWhitespace(output.charAt(emitFrom))) {
                emitFrom++;
            }
            if (emitFrom == output.length()) {
                return;
            }
            answerStarted = true;
        }
        int end = output.length();
        // a trailing backslash may be the start of an escaped underscore in the next piece
        if (!last && output.charAt(end - 1) == '\\') {
            end--;
        }
        if (end > emitFrom) {
            String piece = output.substring(emitFrom, end);
            emitFrom = end;
            if (last) {
                piece = piece.stripTrailing();
            }
            if (!piece.isEmpty()) {
                events.finalAnswerDelta(unescape(piece));
            }
        }
    }

    /** Models trained on markdown escape underscores in identifiers. */
    private static String unescape(String text) {
        return text.replace("\\_", "_");
    }
}
