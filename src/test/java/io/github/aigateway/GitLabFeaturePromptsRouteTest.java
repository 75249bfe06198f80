package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.aigateway.RailsAnswerParsers.DocumentationAnswer;
import io.github.aigateway.RailsAnswerParsers.ReviewComment;
import io.github.aigateway.RailsAnswerParsers.VulnerabilityFix;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The prompts GitLab Rails 18.9 sends for Duo Code Review, review summaries, vulnerability resolution and
 * explanation, {@code glab duo ask}, Duo Chat's readers and documentation answers: each called with the body
 * Rails builds (its request classes and specs), checked for what the model (WireMock as vLLM) received, and
 * answered in the prompt's format, which {@link RailsAnswerParsers} then reads as GitLab does.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15480", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitLabFeaturePromptsRouteTest {

    /** How prompts write today's date (current_date). */
    private static final DateTimeFormatter PROMPT_DATE = DateTimeFormatter.ofPattern("MMMM dd, yyyy", Locale.ENGLISH);

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JSON_EXAMPLE = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

    private final GatewayClient gateway = new GatewayClient(15480);

    // --- Duo Code Review (Gitlab::Llm::AiGateway::Completions::ReviewMergeRequest, Templates::ReviewMergeRequest)

    private static final String DIFF_LINES = """
            <file_diff filename="app/services/charge.rb">
            <chunk_header>@@ -1,3 +1,4 @@</chunk_header>
            <line type="context" old_line="1" new_line="1">class Charge</line>
            <line type="deleted" old_line="2" new_line="">  def call = gateway.charge(amount)</line>
            <line type="added" old_line="" new_line="2">  def call</line>
            <line type="added" old_line="" new_line="3">    2.times { gateway.charge(amount) rescue nil }</line>
            <line type="context" old_line="3" new_line="5">end</line>
            </file_diff>""";

    private static final String ORIGINAL_FILES = """
            <original_files>
            The files before the merge request changed them.

            <full_file filename="app/services/charge.rb">
            class Charge
              def call = gateway.charge(amount)
            end
            </full_file>
            </original_files>""";

    private static final String REVIEW_ANSWER = """
            The MR retries a charge. Line 3 charges twice when the first call succeeds.

            <review>
            <comment file="app/services/charge.rb" old_line="" new_line="3">
            This charges the customer twice when the first `charge` succeeds, and `rescue nil` hides every error. Retry only on a timeout.
            <from>
                2.times { gateway.charge(amount) rescue nil }
            </from>
            <to>
                Retry.on(Timeout::Error, attempts: 2) { gateway.charge(amount) }
            </to>
            </comment>
            <comment file="app/services/charge.rb" old_line="2" new_line="">
            The removed one-liner returned the charge; callers that used it now get `2`.
            </comment>
            </review>""";

    @Test
    void review_merge_request_comments_reach_gitlab_as_diff_notes() throws Exception {
        modelAnswers(REVIEW_ANSWER);

        HttpResponse<String> response = gateway.post("/v1/prompts/review_merge_request", """
                {"inputs": %s, "prompt_version": "^1.0.0", "model_metadata": %s}
                """.formatted(json(Map.of(
                        "mr_title", "Retry failed charges",
                        "mr_description", "Charges that time out are tried again.",
                        "diff_lines", DIFF_LINES,
                        "full_file_intro", " The original content of the modified files is included.",
                        "full_content_section", ORIGINAL_FILES,
                        "custom_instructions_section", "")), metadata("mistral")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sent("user")).contains("Retry failed charges", "Charges that time out are tried again.", DIFF_LINES,
                ORIGINAL_FILES);
        assertGolden("review_merge_request");
        List<ReviewComment> comments = RailsAnswerParsers.reviewComments(JSON.readTree(response.body()).asText());
        assertThat(comments).containsExactly(
                new ReviewComment("app/services/charge.rb", null, 3, """
                        This charges the customer twice when the first `charge` succeeds, and `rescue nil` hides every error. Retry only on a timeout.
                        ```suggestion:-0+0
                            Retry.on(Timeout::Error, attempts: 2) { gateway.charge(amount) }
                        ```
                        """, "    2.times { gateway.charge(amount) rescue nil }\n"),
                new ReviewComment("app/services/charge.rb", 2, null,
                        "The removed one-liner returned the charge; callers that used it now get `2`.\n", null));
    }

    @Test
    void review_merge_request_on_v2_carries_custom_instructions_and_its_example_is_a_valid_review() throws Exception {
        modelAnswers("<review></review>");
        String customInstructions = """
                <custom_instructions>
                For files matching "*.rb" (excluding: none) - Ruby style:
                Prefer guard clauses.
                </custom_instructions>
                """;

        HttpResponse<String> response = gateway.post("/v2/prompts/review_merge_request", """
                {"inputs": %s, "prompt_version": "^1.0.0", "model_metadata": %s}
                """.formatted(json(withNull(Map.of(
                        "mr_title", "Retry failed charges",
                        "diff_lines", DIFF_LINES,
                        "full_file_intro", "",
                        "full_content_section", "",
                        "custom_instructions_section", customInstructions), "mr_description")), metadata("claude_3")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("content").asText()).isEqualTo("<review></review>");
        assertThat(sent("user")).contains(customInstructions.strip(), DIFF_LINES)
                .doesNotContain("<mr_description>", "before the change");
        // the format our prompt teaches, read by GitLab's rules
        assertThat(RailsAnswerParsers.reviewComments(sent("system")))
                .extracting(ReviewComment::file, ReviewComment::oldLine, ReviewComment::newLine)
                .containsExactly(tuple("app/models/user.rb", null, 14),
                        tuple("config/settings.yml", 7, null));
        assertThat(RailsAnswerParsers.reviewComments(sent("system")).get(0).body()).contains("```suggestion:-0+0\n");
    }

    @Test
    void review_merge_request_without_a_diff_is_refused_before_any_model_call() {
        modelAnswers("<review></review>");

        HttpResponse<String> response = gateway.post("/v1/prompts/review_merge_request", """
                {"inputs": {"mr_title": "t", "mr_description": "d"}, "prompt_version": "^1.0.0", "model_metadata": %s}
                """.formatted(metadata("mistral")));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body())
                .isEqualTo("{\"detail\":\"Prompt template 'review_merge_request/default' needs the input 'diff_lines'\"}");
        vllm.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void summarize_review_answers_the_note_as_the_model_wrote_it() throws Exception {
        // SummarizeReview#draft_notes_content: "Comment: <note>\n" per draft note, joined by "\n"
        String notes = "Comment: This charges twice when the first call succeeds.\n\nComment: Why is `rescue nil` needed?\n";
        String summary = "I point out a double charge and ask about an error that is swallowed. "
                + "I estimate there is a small amount of work left.";
        modelAnswers(summary);

        HttpResponse<String> response = gateway.post("/v1/prompts/summarize_review", """
                {"inputs": {"draft_notes_content": %s}, "prompt_version": "^1.0.0", "model_metadata": %s}
                """.formatted(json(notes), metadata("gpt")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).asText()).isEqualTo(summary);
        assertThat(sent("user")).contains(notes.strip());
        assertGolden("summarize_review");
    }

    // --- Vulnerability resolution (Completions::ResolveVulnerability, CreateFromVulnerabilityDataService)

    private static final String SOURCE = """
            class UsersController < ApplicationController
              def show
                id = params[:id]
                @user = User.where("id = #{id}").first
                render :show
              end
            end
            """;

    @Test
    void resolve_vulnerability_answers_a_fix_gitlab_applies_to_the_file() throws Exception {
        modelAnswers("""
                <analysis>
                `params[:id]` goes into the SQL string unescaped: a real SQL injection.
                </analysis>
                <fixed_code>
                <old_code>
                  def show
                    id = params[:id]
                    @user = User.where("id = #{id}").first
                    render :show
                  end
                </old_code>
                <new_code>
                  def show
                    id = params[:id]
                    @user = User.where(id: id).first
                    render :show
                  end
                </new_code>
                </fixed_code>
                <is_false_positive>
                false
                </is_false_positive>
                <summary>
                SQL injection through `id`; the query now binds it as a parameter.
                </summary>
                """);

        HttpResponse<String> response = gateway.post("/v1/prompts/resolve_vulnerability", """
                {"inputs": %s, "prompt_version": "^1.0.0", "model_metadata": %s}
                """.formatted(json(Map.of(
                        "name", "SQL Injection",
                        "filename", "users_controller.rb",
                        "identifiers", "<report_identifiers>\n * CWE-89\n* A03:2021 - Injection\n</report_identifiers>",
                        "vulnerable_code", "    @user = User.where(\"id = #{id}\").first",
                        "source_code", SOURCE,
                        "vulnerability_description", "User input reaches a SQL query.")), metadata("llama3")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sent("user")).contains("SQL Injection", "users_controller.rb", "* CWE-89", SOURCE.strip(),
                "User.where(\"id = #{id}\").first", "User input reaches a SQL query.");
        assertGolden("resolve_vulnerability");
        VulnerabilityFix fix = RailsAnswerParsers.vulnerabilityFix(JSON.readTree(response.body()).asText());
        assertThat(fix.falsePositive()).isFalse();
        assertThat(fix.analysis()).contains("real SQL injection");
        assertThat(fix.summary()).contains("binds it as a parameter");
        assertThat(fix.applyTo(SOURCE)).isEqualTo(SOURCE.replace("User.where(\"id = #{id}\")", "User.where(id: id)"));
        // the skeleton our prompt teaches has the tags GitLab looks for
        VulnerabilityFix skeleton = RailsAnswerParsers.vulnerabilityFix(sent("system"));
        assertThat(skeleton.falsePositive()).isFalse();
        assertThat(skeleton.changes()).hasSize(1);
        assertThat(skeleton.analysis()).isNotBlank();
        assertThat(skeleton.summary()).isNotBlank();
    }

    @Test
    void resolve_vulnerability_reads_a_false_positive_and_a_missing_description() throws Exception {
        modelAnswers("""
                <analysis>
                The id is an integer route constraint; nothing reaches SQL.
                </analysis>
                <fixed_code>
                </fixed_code>
                <is_false_positive>
                true
                </is_false_positive>
                <summary>
                No change needed.
                </summary>""");

        HttpResponse<String> response = gateway.post("/v1/prompts/resolve_vulnerability", """
                {"inputs": {"name": "SQL Injection", "filename": "a.rb", "identifiers": "", "vulnerable_code": "x",
                            "source_code": "x", "vulnerability_description": null},
                 "prompt_version": "^1.0.0", "model_metadata": %s}""".formatted(metadata("mixtral")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sent("user")).doesNotContain("Description:", "report_identifiers");
        assertThat(RailsAnswerParsers.vulnerabilityFix(JSON.readTree(response.body()).asText()).falsePositive()).isTrue();
    }

    // --- glab duo ask (Llm::GitCommandService: inputs are the API's declared params)

    @Test
    void glab_ask_git_command_answers_commands_glab_can_run() throws Exception {
        modelAnswers("""
                ```
                git reset --soft HEAD~3
                ```
                Moves the branch back three commits and keeps their changes staged.

                ```
                git commit -m "Squashed"
                ```
                Records the staged changes as one commit.""");

        HttpResponse<String> response = gateway.post("/v1/prompts/glab_ask_git_command", """
                {"inputs": {"prompt": "squash my last three commits"}, "prompt_version": "^1.0.0", "model_metadata": %s}
                """.formatted(metadata("general")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sent("user")).isEqualTo("squash my last three commits");
        assertGolden("glab_ask_git_command");
        assertThat(RailsAnswerParsers.glabCommands(JSON.readTree(response.body()).asText()))
                .containsExactly("git reset --soft HEAD~3", "git commit -m \"Squashed\"");
        String example = sent("system").substring(sent("system").indexOf("For example"));
        assertThat(RailsAnswerParsers.glabCommands(example)).containsExactly("git log --oneline -5");
    }

    // --- Duo Chat readers (Chain::Tools::*Reader, streamed by Chain::Requests::AiGateway#request_body_agent)

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "issue_reader         | Who is assigned to #57?                 | {\"ResourceIdentifierType\": \"iid\", \"ResourceIdentifier\": 57}",
        "epic_reader          | Summarize acme&12                       | {\"ResourceIdentifierType\": \"reference\", \"ResourceIdentifier\": \"acme&12\"}",
        "merge_request_reader | What does this MR change?               | {\"ResourceIdentifierType\": \"current\", \"ResourceIdentifier\": \"current\"}",
        "commit_reader        | Explain 9b1d0c7                         | {\"ResourceIdentifierType\": \"reference\", \"ResourceIdentifier\": \"9b1d0c7\"}",
        "build_reader         | Why did https://gl.example/a/b/-/jobs/5 fail? | {\"ResourceIdentifierType\": \"url\", \"ResourceIdentifier\": \"https://gl.example/a/b/-/jobs/5\"}",
        "work_item_reader     | Who owns acme/okrs#7?                   | {\"ResourceIdentifierType\": \"reference\", \"ResourceIdentifier\": \"acme/okrs#7\"}"})
    void chat_readers_answer_json_gitlab_extracts(String reader, String question, String identifier) throws Exception {
        modelStreams("```json\n" + identifier + "\n```");
        String thought = "The question is about a GitLab record, so I read it first.";

        HttpResponse<String> response = gateway.post("/v1/prompts/chat/" + reader, """
                {"stream": true, "inputs": {"input": %s, "suggestions": %s}, "model_metadata": %s,
                 "prompt_version": "^1.0.0"}""".formatted(json(question), json(thought), metadata("mistral")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sent("user")).contains("Question: " + question, thought);
        assertThat(RailsAnswerParsers.readerJson(response.body())).isEqualTo(JSON.readTree(identifier));
        // every example our prompt gives is JSON GitLab accepts
        Matcher example = JSON_EXAMPLE.matcher(sent("system"));
        List<String> types = new ArrayList<>();
        while (example.find()) {
            JsonNode parsed = RailsAnswerParsers.readerJson("```json\n" + example.group(1) + "```");
            assertThat(parsed.has("ResourceIdentifier")).isTrue();
            types.add(parsed.path("ResourceIdentifierType").asText());
        }
        assertThat(types).contains("url", "current").isSubsetOf("current", "iid", "url", "reference");
    }

    @Test
    void chat_readers_accept_gitlabs_retry_without_reasoning() throws Exception {
        // Identifier#perform appends this to suggestions when the previous answer was not JSON
        modelStreams("{\"ResourceIdentifierType\": \"iid\", \"ResourceIdentifier\": 3}");

        HttpResponse<String> response = gateway.post("/v1/prompts/chat/issue_reader", """
                {"stream": true, "inputs": {"input": "Summarize #3", "suggestions": "\\nObservation: JSON has an invalid format. Please retry"},
                 "model_metadata": %s, "prompt_version": "^1.0.0"}""".formatted(metadata("codestral")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sent("user")).contains("JSON has an invalid format", "Question: Summarize #3");
        assertThat(RailsAnswerParsers.readerJson(response.body()).path("ResourceIdentifier").asInt()).isEqualTo(3);
        assertGolden("chat.issue_reader");
    }

    // --- Duo Chat documentation answers (Chain::Tools::EmbeddingsCompletion, Templates::TanukiBot)

    @Test
    void documentation_search_answers_text_and_sources_gitlab_links() throws Exception {
        modelStreams("Open **Settings > Repository** and expand **Protected branches**.\n\nATTRS:\nCNT-IDX-a1b2\n");
        String documents = """
                [{"id": "a1b2", "content": "Protected branches stop force pushes.",
                  "metadata": {"source_type": "doc", "title": "Protected branches", "filename": "user/project/repository/branches/protected.md", "md5sum": "0f3c"}},
                 {"id": "c3d4", "content": "Branch rules apply per project.",
                  "metadata": {"source_type": "doc", "title": "Branch rules", "filename": "user/project/repository/branches/branch_rules.md", "md5sum": "9a1e"}}]""";

        HttpResponse<String> response = gateway.post("/v1/prompts/chat/documentation_search", """
                {"stream": true, "inputs": {"question": "How do I protect a branch?", "content_id": "ATTRS", "documents": %s},
                 "model_metadata": %s, "prompt_version": "^1.0.0"}""".formatted(documents, metadata("mistral")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sent("user")).contains("How do I protect a branch?", "Protected branches stop force pushes.",
                "ATTRS: CNT-IDX-a1b2", "Branch rules apply per project.", "ATTRS: CNT-IDX-c3d4");
        assertGolden("chat.documentation_search");
        DocumentationAnswer answer = RailsAnswerParsers.documentationAnswer(response.body(), List.of("a1b2", "c3d4"));
        assertThat(answer).isEqualTo(new DocumentationAnswer(
                "Open **Settings > Repository** and expand **Protected branches**.", List.of("a1b2")));
        // the example answer in our prompt splits as GitLab splits it
        String example = sent("system").substring(sent("system").indexOf("An example answer:") + "An example answer:".length());
        DocumentationAnswer exampleAnswer = RailsAnswerParsers.documentationAnswer(example, List.of("3e1f0a9c", "b72d4411"));
        assertThat(exampleAnswer.sourceIds()).containsExactly("3e1f0a9c", "b72d4411");
        assertThat(exampleAnswer.content()).startsWith("To protect a branch").doesNotContain("CNT-IDX");
    }

    @Test
    void documentation_search_without_documents_says_none_were_found() throws Exception {
        modelStreams("Use protected branches.\n\nI found no matching page in the GitLab documentation, so this answer comes from general knowledge.\n\nATTRS:\n");

        HttpResponse<String> response = gateway.post("/v1/prompts/chat/documentation_search", """
                {"stream": true, "inputs": {"question": "How do I protect a branch?", "content_id": "ATTRS", "documents": []},
                 "model_metadata": %s, "prompt_version": "^1.0.0"}""".formatted(metadata("gpt")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sent("user")).contains("No documentation excerpts were found").doesNotContain("<doc>");
        assertThat(RailsAnswerParsers.documentationAnswer(response.body(), List.of()).sourceIds()).isEmpty();
    }

    // --- /vulnerability_explain (Chain::Tools::ExplainVulnerability::Executor#command_options)

    @Test
    void explain_vulnerability_reads_gitlabs_input_names() throws Exception {
        modelStreams("## What it is\n...");
        String vulnerabilityInfo = "The file \"main.c\" has this vulnerable code:\n\n```\n  char buf[8];\n  memcpy(&buf, \"123456789\");\n```\n";

        HttpResponse<String> response = gateway.post("/v1/prompts/chat/explain_vulnerability", """
                {"stream": true, "inputs": {"input": "/vulnerability_explain", "title": "Buffer overflow in main",
                   "identifiers": "CWE-120, CWE-787", "vulnerability_info": %s,
                   "vulnerability_description": "A fixed-size buffer receives more bytes than it holds.",
                   "selected_text": "", "file_content": "", "language_info": "The code is written in C and stored as main.c"},
                 "model_metadata": %s, "prompt_version": "^1.0.0"}""".formatted(json(vulnerabilityInfo), metadata("mistral")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("## What it is\n...");
        assertThat(sent("system")).endsWith("The code is written in C and stored as main.c");
        assertThat(sent("user")).contains("Buffer overflow in main", "CWE-120, CWE-787",
                "A fixed-size buffer receives more bytes than it holds.", vulnerabilityInfo.strip());
    }

    // --- every family GitLab 18.9 lets an administrator choose for each feature (feature_metadata.yml)

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = '|', value = {
        "review_merge_request        | claude_3 gpt llama3 mistral mixtral general          | {\"mr_title\": \"t\", \"mr_description\": \"\", \"diff_lines\": \"d\", \"full_file_intro\": \"\", \"full_content_section\": \"\", \"custom_instructions_section\": \"\"}",
        "summarize_review            | claude_3 gpt llama3 mistral mixtral general          | {\"draft_notes_content\": \"Comment: x\\n\"}",
        "resolve_vulnerability       | claude_3 gpt llama3 mistral mixtral general          | {\"name\": \"n\", \"filename\": \"f\", \"identifiers\": \"\", \"vulnerable_code\": \"v\", \"source_code\": \"s\", \"vulnerability_description\": \"d\"}",
        "glab_ask_git_command        | claude_3 gpt llama3 mistral mixtral general          | {\"prompt\": \"undo the last commit\"}",
        "chat/issue_reader           | claude_3 codestral gpt llama3 mistral mixtral general | {\"input\": \"#1\", \"suggestions\": null}",
        "chat/epic_reader            | claude_3 codestral gpt llama3 mistral mixtral general | {\"input\": \"&1\", \"suggestions\": \"\"}",
        "chat/merge_request_reader   | claude_3 codestral gpt llama3 mistral mixtral general | {\"input\": \"!1\", \"suggestions\": \"\"}",
        "chat/commit_reader          | claude_3 codestral gpt llama3 mistral mixtral general | {\"input\": \"abc1234\", \"suggestions\": \"\"}",
        "chat/build_reader           | claude_3 codestral gpt llama3 mistral mixtral general | {\"input\": \"this job\", \"suggestions\": \"\"}",
        "chat/work_item_reader       | claude_3 codestral gpt llama3 mistral mixtral general | {\"input\": \"#2\", \"suggestions\": \"\"}",
        "chat/documentation_search   | claude_3 codestral gpt llama3 mistral mixtral general | {\"question\": \"q\", \"content_id\": \"ATTRS\", \"documents\": []}",
        "chat/explain_vulnerability  | claude_3 gpt llama3 mistral mixtral general          | {\"title\": \"t\", \"identifiers\": \"\", \"vulnerability_info\": \"\", \"vulnerability_description\": \"\", \"language_info\": \"\"}"})
    void serves_every_family_gitlab_allows_for_the_feature(String promptId, String families, String inputs) {
        modelAnswers("ok");
        for (String family : families.split(" ")) {
            HttpResponse<String> response = gateway.post("/v1/prompts/" + promptId, """
                    {"inputs": %s, "prompt_version": "^1.0.0", "model_metadata": %s}""".formatted(inputs, metadata(family)));

            assertThat(response.statusCode()).as(promptId + " on " + family).isEqualTo(200);
            assertThat(response.body()).isEqualTo("\"ok\"");
        }
    }

    private String metadata(String family) {
        // Ai::FeatureSetting#model_metadata_params of a self-hosted model
        return """
                {"provider": "openai", "name": "%s", "endpoint": "http://127.0.0.1:%d/v1", "api_key": "key",
                 "identifier": "custom_openai/served-model"}""".formatted(family, vllm.getPort());
    }

    /** Inputs with a key whose value Rails sends as nil (a merge request without description). */
    private static Map<String, Object> withNull(Map<String, Object> inputs, String key) {
        Map<String, Object> withNull = new HashMap<>(inputs);
        withNull.put(key, null);
        return withNull;
    }

    private static String json(Object value) throws Exception {
        return JSON.writeValueAsString(value);
    }

    private void modelAnswers(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("choices").addObject().put("index", 0).putObject("message").put("role", "assistant").put("content", text);
        body.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 20);
        vllm.resetAll();
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body.toString())));
    }

    /** The text in two chunks, as vLLM streams it. */
    private void modelStreams(String text) {
        int half = text.length() / 2;
        StringBuilder events = new StringBuilder();
        for (String part : List.of(text.substring(0, half), text.substring(half))) {
            ObjectNode chunk = JSON.createObjectNode();
            chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", part);
            events.append("data: ").append(chunk).append("\n\n");
        }
        events.append("data: [DONE]\n\n");
        vllm.resetAll();
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(events.toString())));
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = vllm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    /** The content of the message with that role the model received. */
    private static String sent(String role) throws Exception {
        for (JsonNode message : JSON.readTree(onlyRequest().getBodyAsString()).path("messages")) {
            if (message.path("role").asText().equals(role)) {
                return message.path("content").asText();
            }
        }
        throw new AssertionError("no " + role + " message sent");
    }

    /** The whole body the model received, against the reviewed golden file of the prompt. */
    /** The body the model received, as the golden file has it: the prompt's date (checked here) as {@code <date>}. */
    private static void assertGolden(String name) throws Exception {
        String sent = onlyRequest().getBodyAsString();
        Matcher date = Pattern.compile("Today is ([A-Z][a-z]+ \\d{2}, \\d{4})\\.").matcher(sent);
        if (date.find()) {
            LocalDate today = LocalDate.now();
            assertThat(date.group(1)).isIn(today.format(PROMPT_DATE), today.minusDays(1).format(PROMPT_DATE));
        }
        JsonNode body = JSON.readTree(date.replaceAll("Today is <date>."));
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n";
        assertThat(body).isEqualTo(JSON.readTree(GoldenFiles.expected("prompts/" + name + ".json", pretty)));
    }
}
