package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Duo Chat's ReAct endpoint against a streaming fake vLLM: the NDJSON events GitLab dispatches on. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15106", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true"})
class DuoChatRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayClient gateway = new GatewayClient(15106);
    private ScriptedStreamingModel model;

    @BeforeEach
    void startModel() throws Exception {
        model = new ScriptedStreamingModel();
    }

    @AfterEach
    void stopModel() {
        model.close();
    }

    /** GitLab 18.x's self-hosted chat body (contract §7.1), pointed at the fake. */
    private String chatBody18(String family, String extraMessages, String unavailable) {
        return """
                {"messages": [
                   {"role": "user", "content": "Hi, how do I rebase?", "context": null, "current_file": null,
                    "additional_context": []},
                   {"role": "assistant", "content": "Use git rebase."},
                   {"role": "user", "content": "Summarize issue #12",
                    "context": {"type": "issue", "title": "Login broken"},
                    "current_file": {"file_path": "app/models/user.rb", "data": "class User\\nend", "selected_code": true},
                    "additional_context": [{"category": "snippet", "id": "hello world",
                                            "content": "puts \\"Hello, world\\"", "metadata": {}}]}%s
                 ],
                 "model_metadata": {"api_key": "test_token", "endpoint": "%s", "name": "%s",
                                    "provider": "openai", "identifier": "custom_openai/Mistral-7B-Instruct-v0.3"},
                 "unavailable_resources": %s}
                """.formatted(extraMessages, model.endpoint(), family, unavailable);
    }

    @Test
    void streams_the_final_answer_as_deltas_before_the_model_has_finished() throws Exception {
        model.tokens("Thought: I can answer directly.\nFinal Answer: To rebase", " onto main,", " run `git rebase main`.");

        HttpResponse<InputStream> response = gateway.postStreaming("/v2/chat/agent", chatBody18("mistral", "", "[]"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson; charset=utf-8");
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertThat(model.finished()).isFalse();
        assertThat(first).isEqualTo("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"To rebase\"}}");
        model.clientSawFirstToken();
        assertThat(lines.lines().toList()).containsExactly(
                "{\"type\": \"final_answer_delta\", \"data\": {\"text\": \" onto main,\"}}",
                "{\"type\": \"final_answer_delta\", \"data\": {\"text\": \" run `git rebase main`.\"}}");
    }

    @Test
    void reports_a_tool_choice_as_exactly_one_action() throws Exception {
        model.clientSawFirstToken();
        model.tokens("Thought: I need to read", " the issue.\nAction: issue_reader\nAction", " Input: #12");

        List<String> events = events(fixtureBody("v2-chat-agent/tool-action"));

        assertThat(events).containsExactly("{\"type\": \"action\", \"data\": {\"tool\": \"issue_reader\", \"tool_input\": \"#12\","
                + " \"thought\": \"I need to read the issue.\"}}");
    }

    @Test
    void renders_the_conversation_the_context_and_the_tools_into_the_prompt() throws Exception {
        model.clientSawFirstToken();
        model.tokens("Final Answer: ok");

        events(chatBody18("mixtral", "", "[\"Pipelines\", \"Vulnerabilities\"]"));

        JsonNode sent = JSON.readTree(model.requestBodies().get(0));
        assertThat(sent.path("stop")).containsExactly(JSON.getNodeFactory().textNode("Observation:"));
        assertThat(sent.path("stream").asBoolean()).isTrue();
        JsonNode messages = sent.path("messages");
        assertThat(messages).extracting(m -> m.path("role").asText())
                .containsExactly("system", "user", "assistant", "user");
        assertThat(messages.path(0).path("content").asText())
                .contains("- issue_reader: Reads a GitLab issue.")
                .contains("Action: the tool's name, one of: issue_reader, epic_reader, merge_request_reader,"
                        + " commit_reader, build_reader, work_item_reader, gitlab_documentation");
        assertThat(messages.path(1).path("content").asText()).isEqualTo("Hi, how do I rebase?");
        assertThat(messages.path(2).path("content").asText()).isEqualTo("Use git rebase.");
        assertThat(messages.path(3).path("content").asText()).isEqualTo("""
                The user is looking at a GitLab issue titled "Login broken".

                The user has the file app/models/user.rb open and selected this code:
                class User
                end

                Context the user attached (snippet hello world):
                puts "Hello, world"

                Question: Summarize issue #12""");
    }

    @Test
    void leaves_out_tools_for_unavailable_resources() throws Exception {
        model.clientSawFirstToken();
        model.tokens("Final Answer: ok");

        events(chatBody18("mistral", "", "[\"Issues\", \"Merge Requests\"]"));

        String system = JSON.readTree(model.requestBodies().get(0)).path("messages").path(0).path("content").asText();
        assertThat(system).doesNotContain("issue_reader").doesNotContain("merge_request_reader")
                .contains("epic_reader").contains("gitlab_documentation");
    }

    @Test
    void replays_the_scratchpad_of_a_second_step() throws Exception {
        model.clientSawFirstToken();
        model.tokens("Final Answer: The issue is about login.");
        String scratchpad = """
                ,
                   {"role": "assistant", "agent_scratchpad": [{"action": {"thought": "I need issue_reader",
                     "tool": "issue_reader", "tool_input": "#12"}, "observation": "Issue #12: Login broken since 18.3"}]}""";

        List<String> events = events(chatBody18("mistral", scratchpad, "[]"));

        assertThat(events).containsExactly(
                "{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"The issue is about login.\"}}");
        JsonNode messages = JSON.readTree(model.requestBodies().get(0)).path("messages");
        assertThat(messages.path(messages.size() - 1).path("content").asText()).endsWith("""
                Question: Summarize issue #12

                What you did so far for this question:
                Thought: I need issue_reader
                Action: issue_reader
                Action Input: #12
                Observation: Issue #12: Login broken since 18.3

                Continue with your next step.""");
    }

    @Test
    void accepts_gitlab_17_bodies_with_the_scratchpad_in_options() throws Exception {
        model.clientSawFirstToken();
        model.tokens("Final Answer: done");
        String body = """
                {"prompt": "What is in this issue?",
                 "messages": [{"role": "user", "content": "What is in this issue?",
                               "context": {"type": "issue", "content": "Issue body text"}}],
                 "options": {"agent_scratchpad": {"agent_type": "react", "steps": [
                     {"thought": "Read it", "tool": "issue_reader", "tool_input": "this issue",
                      "observation": "It is about caching"}]}},
                 "model_metadata": {"provider": "openai", "name": "claude_3", "endpoint": "%s",
                                    "api_key": "k", "identifier": "custom_openai/claude-3-5-sonnet"}}
                """.formatted(model.endpoint());

        List<String> events = events(body);

        assertThat(events).containsExactly("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"done\"}}");
        String user = JSON.readTree(model.requestBodies().get(0)).path("messages").path(1).path("content").asText();
        assertThat(user).contains("The user is looking at a GitLab issue. Its content:\nIssue body text")
                .contains("<question>What is in this issue?</question>")
                .contains("Observation: It is about caching");
    }

    @Test
    void reports_output_that_is_neither_answer_nor_action_as_unknown() throws Exception {
        model.clientSawFirstToken();
        model.tokens("I am not sure ", "what you mean.");

        assertThat(events(fixtureBody("v2-chat-agent/plain-text-answer")))
                .containsExactly("{\"type\": \"unknown\", \"data\": {\"text\": \"I am not sure what you mean.\"}}");
    }

    @Test
    void ends_with_an_error_event_when_the_model_fails_after_the_stream_started() throws Exception {
        model.tokens("Final Answer: Partial", " never sent").errorAfterFirstToken();

        List<String> events = events(chatBody18("mistral", "", "[]"));

        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isEqualTo("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"Partial\"}}");
        assertThat(JSON.readTree(events.get(1)).path("type").asText()).isEqualTo("error");
        assertThat(JSON.readTree(events.get(1)).path("data").path("retryable").asBoolean()).isFalse();
        assertThat(JSON.readTree(events.get(1)).path("data").path("message").asText()).contains("engine overloaded");
    }

    @Test
    void ends_with_an_error_event_when_the_stream_is_cut() throws Exception {
        model.tokens("Final Answer: Partial", " never sent").failAfterFirstToken();

        List<String> events = events(chatBody18("mistral", "", "[]"));

        assertThat(events).hasSize(2);
        assertThat(JSON.readTree(events.get(1)).path("type").asText()).isEqualTo("error");
    }

    /**
     * GitLab 18.9's models that chat on vLLM: GitLab's gateway has no ReAct prompt of their own for GPT,
     * Codestral and Mistral and prompts Llama the same way, so each gets the Mistral-style prompt of the golden file.
     */
    @ParameterizedTest(name = "{0} via {1}")
    @CsvSource({
        "codestral, mistralai/Codestral-22B-v0.1",
        "gpt, openai/gpt-oss-120b",
        "gpt, openai/gpt-oss-20b",
        "mistral, mistralai/Mistral-Small-3.2-24B-Instruct-2506",
        "llama3, meta-llama/Llama-3.1-8B-Instruct",
        "llama3, meta-llama/Llama-3.3-70B-Instruct"})
    void chats_with_gitlab_18_models(String family, String served) throws Exception {
        model.clientSawFirstToken();
        model.tokens("Thought: I can answer.\nFinal Answer: ok");

        List<String> events = events(chatBody18(family, "", "[]")
                .replace("custom_openai/Mistral-7B-Instruct-v0.3", "custom_openai/" + served));

        assertThat(events).containsExactly("{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"ok\"}}");
        ObjectNode sent = (ObjectNode) JSON.readTree(model.requestBodies().get(0));
        assertThat(sent.path("model").asText()).isEqualTo(served);
        sent.put("model", "served model");
        ObjectNode system = (ObjectNode) sent.path("messages").path(0);
        system.put("content", system.path("content").asText().replaceFirst("Today is [^.]+\\.", "Today is <date>."));
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sent) + "\n";
        assertThat(sent).isEqualTo(JSON.readTree(GoldenFiles.expected("chat/react_mistral.json", pretty)));
    }

    @Test
    void refuses_chat_with_a_model_gitlab_rates_limited_for_it() {
        HttpResponse<String> response = gateway.post("/v2/chat/agent", chatBody18("llama3", "", "[]")
                .replace("custom_openai/Mistral-7B-Instruct-v0.3", "custom_openai/meta-llama/Meta-Llama-3-8B-Instruct"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Model family 'llama3' ('meta-llama/Meta-Llama-3-8B-Instruct')"
                + " does not support chat in the model catalog\"}");
        assertThat(model.requestBodies()).isEmpty();
    }

    @Test
    void refuses_chat_with_a_family_the_catalog_does_not_let_chat() {
        HttpResponse<String> response = gateway.post("/v2/chat/agent", chatBody18("deepseekcoder", "", "[]"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Model family 'deepseekcoder' does not support chat:"
                + " the model catalog has no chat prompt for it\"}");
        assertThat(model.requestBodies()).isEmpty();
    }

    /** The request body of an upstream fixture (as GitLab builds it), pointed at the scripted model. */
    private String fixtureBody(String fixture) {
        return UpstreamFixture.named(fixture).requestBody(model.endpoint());
    }

    private List<String> events(String body) throws Exception {
        HttpResponse<InputStream> response = gateway.postStreaming("/v2/chat/agent", body);
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            reader.lines().forEach(lines::add);
        }
        return lines;
    }
}
