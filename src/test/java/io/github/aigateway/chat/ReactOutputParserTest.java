package io.github.aigateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ReAct rules of GitLab's gateway ({@code tests/chat/agents/test_react.py}, {@code ReActPlainTextParser}). */
class ReactOutputParserTest {

    private static final List<String> TOOLS = List.of("issue_reader", "merge_request_reader", "gitlab_documentation");

    private final List<String> events = new ArrayList<>();
    private final ReactOutputParser parser = new ReactOutputParser(TOOLS, new ReactOutputParser.Events() {
        @Override
        public void finalAnswerDelta(String text) {
            events.add("delta:" + text);
        }

        @Override
        public void action(String thought, String tool, String toolInput) {
            events.add("action:" + thought + "|" + tool + "|" + toolInput);
        }

        @Override
        public void toolNotAvailable(String tool) {
            events.add("not available:" + tool);
        }

        @Override
        public void unknown(String text) {
            events.add("unknown:" + text);
        }
    });

    private List<String> parse(String... pieces) {
        for (String piece : pieces) {
            parser.feed(piece);
        }
        parser.finish();
        return events;
    }

    @Test
    void streams_the_final_answer_one_piece_at_a_time() {
        assertThat(parse("thought\nFinal Answer: ", "a", "nswer", "\n")).containsExactly("delta:a", "delta:nswer");
    }

    @Test
    void holds_trailing_whitespace_until_more_text_comes() {
        assertThat(parse("Final Answer: Hello ", "world", "  \n")).containsExactly("delta:Hello", "delta: world");
    }

    @Test
    void finds_the_marker_split_over_pieces() {
        assertThat(parse("I know.\nFinal Ans", "wer: B", "ar")).containsExactly("delta:B", "delta:ar");
    }

    @Test
    void keeps_escaped_underscores_in_the_answer() {
        assertThat(parse("Final Answer: use `my\\_var`")).containsExactly("delta:use `my\\_var`");
    }

    @Test
    void reports_a_tool_choice_once_the_model_stopped() {
        assertThat(parse("thought1\nAction: issue", "_reader\nAction Input: tool\\_input1\n"))
                .containsExactly("action:thought1|issue_reader|tool\\_input1");
    }

    @Test
    void reads_the_thought_whether_or_not_the_model_wrote_its_label() {
        assertThat(parse("Thought: I'm thinking...\nAction: issue\\_reader\nAction Input: random input"))
                .containsExactly("action:I'm thinking...|issue_reader|random input");
    }

    @Test
    void accepts_a_dash_before_action_input() {
        assertThat(parse("thought1\nAction: gitlab_documentation\n- Action Input: tool_input1\n"))
                .containsExactly("action:thought1|gitlab_documentation|tool_input1");
    }

    @Test
    void maps_the_camel_case_merge_request_tool() {
        assertThat(parse("Thought: I'm thinking...\nAction: MergeRequestReader\nAction Input: random input"))
                .containsExactly("action:I'm thinking...|merge_request_reader|random input");
    }

    @Test
    void a_tool_that_was_not_offered_is_not_available() {
        assertThat(parse("thought1\nAction: vulnerability_reader\nAction Input: 42"))
                .containsExactly("not available:vulnerability_reader");
    }

    @Test
    void plain_text_is_unknown_as_a_whole() {
        assertThat(parse("  Hi, I'm GitLab ", "Duo Chat.\n")).containsExactly("unknown:Hi, I'm GitLab Duo Chat.");
    }
}
