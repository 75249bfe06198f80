package io.github.aigateway;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Duo Chat's documentation search over the small docs in src/test/resources/gitlab-docs, asked with the
 * body and headers Rails' DocsClient sends and GitLab's tokens (a fake GitLab signs them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15471", "camel.server.host=127.0.0.1",
            "gateway.auth.gitlab-url={{sys:aigw.test.docs.gitlab-url}}",
            "gateway.docs.directory=src/test/resources/gitlab-docs",
            "gateway.docs.web-root-url=https://gitlab.example.com/help/"})
class DocsSearchRouteTest {

    @RegisterExtension
    static WireMockExtension gitlabServer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\":(\\d+)}}$");

    private final RSAKey gitlabKey = FakeGitLab.newKey("gitlab-key-1");
    private final GatewayClient gateway = new GatewayClient(15471);

    @BeforeAll
    void pointTheGatewayAtTheFakeGitLab() {
        System.setProperty("aigw.test.docs.gitlab-url", new FakeGitLab(gitlabServer).url());
    }

    @BeforeEach
    void publishKeysAndWaitForTheIndex() {
        new FakeGitLab(gitlabServer).publish(gitlabKey);
        await().atMost(Duration.ofSeconds(20)).until(() -> gateway.get("/monitoring/ready").statusCode() == 200);
    }

    /** Rails' DocsClient#request_body for a question, {@code .to_json}. */
    private static String railsBody(String question) {
        return "{\"type\":\"search-docs\",\"metadata\":{\"source\":\"GitLab EE\",\"version\":\"18.9.0-ee\"},"
                + "\"payload\":{\"query\":\"" + question + "\"}}";
    }

    /** Gitlab::AiGateway.headers for the duo_chat unit primitive, with a token that grants {@code scopes}. */
    private String[] railsHeaders(List<String> scopes) {
        List<String> headers = new ArrayList<>(List.of(FakeGitLab.headers(
                FakeGitLab.token(gitlabKey, claims -> claims.claim("scopes", scopes)))));
        headers.addAll(List.of("X-Request-ID", "docs-1", "X-Gitlab-Rails-Send-Start", "1767225600.0",
                "X-Gitlab-Host-Name", "gitlab.example.com", "X-Gitlab-Version", "18.9.0",
                "x-gitlab-feature-enablement-type", "add_on", "X-Gitlab-Is-Team-Member", "false"));
        return headers.toArray(String[]::new);
    }

    private String[] railsHeaders() {
        return railsHeaders(List.of("duo_chat", "documentation_search"));
    }

    @Test
    void answers_rails_question_with_gitlabs_search_response() {
        long before = Instant.now().getEpochSecond();

        HttpResponse<String> response = gateway.post("/v1/search/gitlab-docs",
                railsBody("How do I open an issue by sending an email?"), railsHeaders());

        long after = Instant.now().getEpochSecond();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("X-Request-ID")).hasValue("docs-1");
        Matcher timestamp = TIMESTAMP.matcher(response.body());
        assertThat(timestamp.find()).as(response.body()).isTrue();
        assertThat(Long.parseLong(timestamp.group(1))).isBetween(before, after);
        // the section about email first; the page's other sections share its words; nothing from other pages
        String createIssues = "\"metadata\":{\"title\":\"Create an issue\","
                + "\"md5sum\":\"dffe17d65aab16245f7e1a32b1029c234cf1dcf3db2e593ec7bba4aa9f819992\","
                + "\"source\":\"user/project/issues/create_issues.md\",\"source_type\":\"doc\","
                + "\"source_url\":\"https://gitlab.example.com/help/user/project/issues/create_issues\"}";
        assertThat(timestamp.replaceFirst("\"timestamp\":0}}")).isEqualTo("{\"response\":{\"results\":["
                + "{\"id\":\"db4c95a65861cc4c991a61e07b936377\",\"content\":\"## By email\\n\\nEvery project has its own "
                + "address for new issues. Mail a message to it: the subject becomes the\\ntitle of the new issue and the "
                + "message becomes its description.\\n\\n```shell\\n# a shell comment, not a heading\\necho \\\"Steps to "
                + "reproduce\\\" | mail -s \\\"Login fails\\\" project-incoming@example.com\\n```\"," + createIssues + "},"
                + "{\"id\":\"" + md5("user/project/issues/create_issues.md#0") + "\",\"content\":\"Issues track work: "
                + "bugs, ideas and tasks. This page lists the ways to open one.\"," + createIssues + "},"
                + "{\"id\":\"" + md5("user/project/issues/create_issues.md#1") + "\",\"content\":\"## From a project\\n\\n"
                + "You need at least the Guest role in the project.\\n\\n1. Open your project and go to **Plan > Issues**."
                + "\\n1. Select **New issue**, then fill in a title and a description.\\n1. Select **Create issue**.\","
                + createIssues + "}"
                + "]},\"metadata\":{\"provider\":\"lucene\",\"timestamp\":0}}");
    }

    @Test
    void page_size_limits_the_results_and_headings_rank_first() {
        HttpResponse<String> response = gateway.post("/v1/search/gitlab-docs", """
                {"type": "search-docs", "metadata": {"source": "GitLab EE", "version": "18.9.0"},
                 "payload": {"query": "pipeline schedule ownership", "page_size": 1}}""", railsHeaders());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"response\":{\"results\":[{\"id\":\""
                + md5("ci/pipelines/schedules.md#2") + "\",\"content\":\"## Take ownership of a schedule\\n")
                .contains("\"title\":\"Scheduled pipelines\"").doesNotContain("create_issues");
    }

    @Test
    void a_question_of_no_indexed_word_gets_gitlabs_empty_result() {
        HttpResponse<String> response = gateway.post("/v1/search/gitlab-docs", railsBody("Kubernetes?!"), railsHeaders());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).matches("\\{\"response\":\\{\"results\":\\[]},\"metadata\":"
                + "\\{\"provider\":\"lucene\",\"timestamp\":\\d+}}");
    }

    @Test
    void a_token_without_documentation_search_gets_gitlabs_403() {
        HttpResponse<String> response = gateway.post("/v1/search/gitlab-docs", railsBody("create an issue"),
                railsHeaders(FakeGitLab.ALL_SCOPES));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Unauthorized to search documentations\"}");
    }

    @Test
    void no_token_gets_gitlabs_401() {
        HttpResponse<String> response = gateway.post("/v1/search/gitlab-docs", railsBody("create an issue"),
                "X-Gitlab-Authentication-Type", "oidc");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"error\":\"No authorization header presented\"}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no query | {\"type\":\"search-docs\",\"metadata\":{\"source\":\"GitLab EE\",\"version\":\"18.9.0\"},\"payload\":{}}",
        "query of the wrong type, page size out of range | {\"type\":\"search-docs\",\"metadata\":{\"source\":\"GitLab EE\","
            + "\"version\":\"18.9.0\"},\"payload\":{\"query\":42,\"page_size\":21}}",
        "no metadata, page size a fraction | {\"type\":\"search-docs\",\"payload\":{\"query\":\"issues\",\"page_size\":2.5}}",
        "no type, page size a word | {\"metadata\":{\"source\":\"GitLab EE\",\"version\":\"18.9.0\"},"
            + "\"payload\":{\"query\":\"issues\",\"page_size\":\"many\"}}"})
    void bad_input_gets_gitlabs_validation_error(String name, String body) {
        HttpResponse<String> response = gateway.post("/v1/search/gitlab-docs", body, railsHeaders());

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Validation error\"}");
    }

    @Test
    void with_ai_logs_on_the_validation_error_names_each_problem() {
        String[] headers = Stream.concat(Stream.of(railsHeaders()),
                Stream.of("X-Gitlab-Enabled-Instance-Verbose-Ai-Logs", "true")).toArray(String[]::new);

        HttpResponse<String> response = gateway.post("/v1/search/gitlab-docs", "{\"type\":\"search-docs\","
                + "\"metadata\":{\"source\":\"GitLab EE\",\"version\":\"18.9.0\"},\"payload\":{\"query\":42,\"page_size\":21}}",
                headers);

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).startsWith("{\"detail\":\"[{")
                .contains("'type': 'string_type', 'loc': ('body', 'payload', 'query')")
                .contains("'type': 'less_than_equal', 'loc': ('body', 'payload', 'page_size')");
    }

    private static String md5(String text) throws IllegalStateException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
