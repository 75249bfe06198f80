package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routing as data, on a site's copy of the shipped catalog: a family pinned to its own endpoint with the key of
 * an environment variable, and Ollama served by one templated route in an extension file plus one prefix line in
 * the catalog. The start refuses a backend without a route, a template parameter of the wrong type and a key
 * variable that is not set.
 */
class CatalogRoutingRouteTest {

    /** Set for the test JVM by surefire (pom.xml), as an operator sets it for the gateway. */
    private static final String PINNED_KEY_VARIABLE = "AIGW_TEST_PINNED_MODEL_KEY";
    private static final String PINNED_KEY = "pinned-model-key";
    private static final String ANSWER = "{\"choices\":[{\"index\":0,\"finish_reason\":\"length\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"return a + b\"}}]}";
    private static final String OLLAMA_EXTENSION = "src/test/resources/backends/ollama.camel.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The model server GitLab's settings name. */
    @RegisterExtension
    static WireMockExtension gitlabNamed = WireMockExtension.newInstance().options(wireMockConfig().port(16022)).build();

    /** The model server the catalog pins codestral to. */
    @RegisterExtension
    static WireMockExtension pinned = WireMockExtension.newInstance().options(wireMockConfig().port(16023)).build();

    @RegisterExtension
    static WireMockExtension ollama = WireMockExtension.newInstance().options(wireMockConfig().port(16024)).build();

    private static Main main;
    private final GatewayClient gateway = new GatewayClient(16020);

    @BeforeAll
    static void startWithTheSitesCatalogAndOllama() throws Exception {
        Path catalog = Path.of("target/catalog-routing-test/models.yaml");
        Files.createDirectories(catalog.getParent());
        writeCatalog(catalog,
                "  prefixes:", "    ollama: ollama",
                "  codestral:", "    endpoint: http://127.0.0.1:16023/v1\n    api_key_env: " + PINNED_KEY_VARIABLE,
                "  mistral:", "    endpoint: http://169.254.169.254/v1");
        main = gateway(16020, catalog, OLLAMA_EXTENSION);
        main.start();
    }

    @AfterAll
    static void stop() {
        main.stop();
    }

    @Test
    void calls_the_endpoint_the_catalog_pins_with_the_key_of_its_variable_and_never_gitlabs() throws Exception {
        gitlabNamed.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(ANSWER)));
        pinned.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(ANSWER)));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("http://127.0.0.1:16022/v1", "codestral", "custom_openai/Codestral-22B-v0.1", "gitlab-key-1"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("choices").path(0).path("text").asText()).isEqualTo("return a + b");
        LoggedRequest sent = onlyRequest(pinned);
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + PINNED_KEY);
        assertThat(sent.getBodyAsString()).doesNotContain("gitlab-key-1");
        assertThat(JSON.readTree(sent.getBodyAsString())).isEqualTo(goldenRequest("codestral", "Codestral-22B-v0.1"));
        assertThat(gitlabNamed.getAllServeEvents()).isEmpty();
    }

    @Test
    void refuses_a_family_pinned_to_a_metadata_address_in_gitlabs_error_shape() {
        HttpResponse<String> response = gateway.post("/v2/code/completions", completion("http://127.0.0.1:16022/v1",
                "mistral", "custom_openai/Mistral-Small-3.2-24B-Instruct-2506", "gitlab-key-1"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("{\"detail\":\"model_endpoint host '169.254.169.254' is refused: it is a "
                + "link-local or cloud metadata address (169.254.169.254)\"}");
        assertThat(gitlabNamed.getAllServeEvents()).isEmpty();
    }

    @Test
    void serves_ollama_from_one_templated_route_and_one_prefix_line() throws Exception {
        ollama.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(ANSWER)));

        HttpResponse<String> response = gateway.post("/v2/code/completions",
                completion("http://127.0.0.1:16024", "llama3", "ollama/llama3", "ollama-key"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("choices").path(0).path("text").asText()).isEqualTo("return a + b");
        LoggedRequest sent = onlyRequest(ollama);
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer ollama-key");
        // the llama3 family's completion prompt, for the model Ollama serves as llama3
        assertThat(JSON.readTree(sent.getBodyAsString())).isEqualTo(goldenRequest("llama3", "llama3"));
    }

    @Test
    void refuses_to_start_when_a_backend_of_the_catalog_has_no_route(@TempDir Path dir) throws Exception {
        Path catalog = dir.resolve("models.yaml");
        writeCatalog(catalog, "  prefixes:", "    ollama: ollama");

        assertStartFails(gateway(16025, catalog, null), "The backends of " + catalog + " name [ollama], but no route"
                + " consumes direct:ollama: add the backend's route (routes/, or an extension in AIGW_EXTENSIONS_DIR) or"
                + " remove it from backends:");
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "16026 | bearerKeyCredentials | openAiChat | parameter credentials: 'openAiChat' must name a bean that is a"
            + " io.github.aigateway.backend.ModelCredentials; it is a io.github.aigateway.backend.openai.OpenAiChat",
        "16027 | bearerKeyCredentials | ollamaCredentials | parameter credentials: 'ollamaCredentials' must name a bean"
            + " that is a io.github.aigateway.backend.ModelCredentials; there is no such bean",
        "16028 | ${exchangeProperty.modelEndpoint}/v1 | ${exchangeProperty.modelEndpoint/v1 | parameter url:"
            + " '${exchangeProperty.modelEndpoint/v1/chat/completions' is not a Simple expression: "})
    void refuses_to_start_when_a_template_parameter_has_the_wrong_type(int port, String value, String wrong,
                                                                       String why, @TempDir Path dir) throws Exception {
        Path catalog = dir.resolve("models.yaml");
        writeCatalog(catalog, "  prefixes:", "    ollama: ollama");
        Path extension = dir.resolve("ollama.camel.yaml");
        Files.writeString(extension, Files.readString(Path.of(OLLAMA_EXTENSION)).replace(value, wrong));

        assertThatThrownBy(() -> run(gateway(port, catalog, extension.toString())))
                .hasMessageStartingWith("Route template openai-compatible-backend (backend 'ollama'): " + why);
    }

    @Test
    void refuses_to_start_when_a_pinned_key_variable_is_not_set(@TempDir Path dir) throws Exception {
        Path catalog = dir.resolve("models.yaml");
        writeCatalog(catalog, "  codestral:", "    endpoint: http://127.0.0.1:16023/v1\n    api_key_env: AIGW_TEST_UNSET_KEY");

        assertStartFails(gateway(16029, catalog, null), catalog + ": family 'codestral' takes its key from the"
                + " environment variable AIGW_TEST_UNSET_KEY, which is not set or empty");
    }

    /** The shipped catalog with lines added after anchor lines (anchor, added, anchor, added, ...). */
    private static void writeCatalog(Path file, String... anchorsAndLines) throws IOException {
        String catalog = Files.readString(Path.of("catalog/models.yaml"));
        for (int i = 0; i < anchorsAndLines.length; i += 2) {
            String anchor = anchorsAndLines[i] + "\n";
            assertThat(catalog.split(anchor, -1)).as("one line '%s' in the catalog", anchorsAndLines[i]).hasSize(2);
            catalog = catalog.replace(anchor, anchor + anchorsAndLines[i + 1] + "\n");
        }
        Files.writeString(file, catalog);
    }

    private static Main gateway(int port, Path catalog, String extension) {
        Main gateway = new Main(GatewayApplication.class);
        gateway.setPropertyPlaceholderLocations("file:application.properties");
        gateway.addOverrideProperty("camel.main.routesIncludePattern",
                "file:routes/*.camel.yaml" + (extension == null ? "" : ",file:" + extension));
        gateway.addOverrideProperty("gateway.catalog.location", catalog.toString());
        gateway.addOverrideProperty("camel.server.port", String.valueOf(port));
        gateway.addOverrideProperty("camel.server.host", "127.0.0.1");
        gateway.addOverrideProperty("gateway.auth.bypass-external", "true");
        return gateway;
    }

    /** The message is what the start log shows ("The gateway failed to start: ..."). */
    private static void assertStartFails(Main gateway, String message) {
        assertThatThrownBy(() -> run(gateway)).hasMessage(message);
    }

    private static void run(Main gateway) throws Exception {
        // should it start after all, it stops by itself rather than hang the build
        gateway.addOverrideProperty("camel.main.durationMaxSeconds", "2");
        gateway.run(new String[0]);
    }

    private static String completion(String endpoint, String family, String identifier, String key) {
        return """
                {"current_file": {"file_name": "calc.py", "language_identifier": "python",
                  "content_above_cursor": "def add(a, b):\\n    ", "content_below_cursor": "\\n\\nprint(add(1, 2))\\n"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": false,
                 "model_endpoint": "%s", "model_name": "%s", "model_identifier": "%s", "model_api_key": "%s"}
                """.formatted(endpoint, family, identifier, key);
    }

    /** The request CodeSuggestionsRouteTest's reviewed golden file holds for the family, for the served model. */
    private static JsonNode goldenRequest(String family, String servedModel) throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree(GoldenFiles.read("code_completions/" + family + ".json"))
                .path("vllm_request");
        return request.put("model", servedModel);
    }

    private static LoggedRequest onlyRequest(WireMockExtension server) {
        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }
}
