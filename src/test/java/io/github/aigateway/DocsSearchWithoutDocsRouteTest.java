package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Documentation search with no docs configured (AIGW_DOCS_DIR unset): GitLab's empty result, said once at start. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15472", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
            "gateway.docs.directory="})
class DocsSearchWithoutDocsRouteTest {

    /** Attached when JUnit loads the class, before the gateway starts. */
    private static final CapturedLog START_LOG = CapturedLog.capture();

    private final GatewayClient gateway = new GatewayClient(15472);

    @AfterAll
    static void detach() {
        START_LOG.close();
    }

    @Test
    void answers_gitlabs_empty_result() {
        HttpResponse<String> response = gateway.post("/v1/search/gitlab-docs", "{\"type\":\"search-docs\","
                + "\"metadata\":{\"source\":\"GitLab EE\",\"version\":\"18.9.0-ee\"},\"payload\":{\"query\":\"create an issue\"}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).matches("\\{\"response\":\\{\"results\":\\[]},\"metadata\":"
                + "\\{\"provider\":\"lucene\",\"timestamp\":\\d+}}");
    }

    @Test
    void says_so_once_in_the_log_at_start() {
        assertThat(START_LOG.lines()).filteredOn(line -> line.message().startsWith("Documentation search"))
                .extracting(CapturedLog.Line::message)
                .containsExactly("Documentation search has no docs (AIGW_DOCS_DIR is not set): Duo Chat's documentation "
                        + "questions get no results and are answered from the model's own knowledge");
    }

    @Test
    void is_ready_without_docs() {
        assertThat(gateway.get("/monitoring/ready").body()).doesNotContain("docs_search");
    }
}
