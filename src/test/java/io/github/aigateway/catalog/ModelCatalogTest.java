package io.github.aigateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.model.Provider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped catalog against GitLab 18.9's supported-models table and the 17.x rows before it. */
class ModelCatalogTest {

    private static final String BACKENDS = """
            backends:
              prefixes: {custom_openai: openai-compatible, azure: azure, bedrock: bedrock}
              default: openai-compatible
              apis: {azure: azure, bedrock: bedrock}
            """;

    private final ModelCatalog catalog = new ModelCatalog();

    @ParameterizedTest(name = "{0} serving {1}: completion {2}, generation {3}, chat {4}")
    @CsvSource({
        "codestral, Codestral-22B-v0.1, true, true, true",
        "mistral, Mistral-Small-3.2-24B-Instruct-2506, true, true, true",
        "mistral, Mistral-7B-Instruct-v0.3, false, true, true",
        "mixtral, Mixtral-8x22B-Instruct-v0.1, false, true, true",
        "mixtral, Mixtral-8x7B-Instruct-v0.1, false, true, true",
        "mistral, Mistral-7B-v0.1, true, false, false",
        "mixtral, Mixtral-8x22B-v0.1, true, false, false",
        "mixtral, Mixtral-8x7B-v0.1, true, false, false",
        "claude_3, anthropic.claude-3-5-sonnet-20240620-v1:0, false, true, true",
        "claude_3, us.anthropic.claude-sonnet-4-20250514-v1:0, true, true, true",
        "claude_3, global.anthropic.claude-sonnet-4-5-20250929-v1:0, true, true, true",
        "claude_3, eu.anthropic.claude-haiku-4-5-20251001-v1:0, true, true, true",
        "claude_3, apac.anthropic.claude-opus-4-5-20251101-v1:0, true, true, true",
        "codegemma, codegemma-2b, true, false, false",
        "codegemma, codegemma-7b-it, false, true, false",
        "codegemma, codegemma-7b, true, false, false",
        "codellama, CodeLlama-13b-hf, true, false, false",
        "codellama, CodeLlama-13b-Instruct-hf, false, true, false",
        "deepseekcoder, deepseek-coder-33b-instruct, true, true, false",
        "deepseekcoder, deepseek-coder-33b-base, true, false, false",
        "gpt, gpt-35-turbo, false, true, false",
        "gpt, gpt-4, false, true, false",
        "gpt, gpt-4-turbo, true, true, true",
        "gpt, gpt-4o, true, true, true",
        "gpt, gpt-4o-mini, true, true, true",
        "gpt, gpt-5, true, true, true",
        "gpt, gpt-5-mini, true, true, true",
        "gpt, gpt-5.1, true, true, true",
        "gpt, gpt-5.2, true, true, true",
        "gpt, openai/gpt-oss-120b, true, true, true",
        "gpt, openai/gpt-oss-20b, true, true, true",
        "llama3, Meta-Llama-3-8B-Instruct, true, true, false",
        "llama3, meta-llama/Llama-3.1-8B-Instruct, true, true, true",
        "llama3, Meta-Llama-3-70B-Instruct, true, true, false",
        "llama3, Meta-Llama-3.1-70B-Instruct, true, true, true",
        "llama3, us.meta.llama3-3-70b-instruct-v1:0, true, true, true"})
    void follows_the_approved_models_table(String family, String served, boolean completion, boolean generation,
                                          boolean chat) {
        ModelCatalog.Family entry = catalog.families().get(family);

        assertThat(catalog.supports(entry, Feature.CODE_COMPLETIONS, served)).isEqualTo(completion);
        assertThat(catalog.supports(entry, Feature.CODE_GENERATIONS, served)).isEqualTo(generation);
        assertThat(catalog.supports(entry, Feature.CHAT, served)).isEqualTo(chat);
    }

    @ParameterizedTest(name = "{0} with an unlisted model supports what any of its models does")
    @CsvSource({
        "mistral, Mistral-7B, true, true, true",
        "codestral, my-codestral-finetune, true, true, true",
        "llama3, my-llama-finetune, true, true, true",
        "general, Qwen2.5-Coder-32B-Instruct, true, true, true"})
    void falls_back_to_the_family(String family, String served, boolean completion, boolean generation, boolean chat) {
        ModelCatalog.Family entry = catalog.families().get(family);

        assertThat(catalog.supports(entry, Feature.CODE_COMPLETIONS, served)).isEqualTo(completion);
        assertThat(catalog.supports(entry, Feature.CODE_GENERATIONS, served)).isEqualTo(generation);
        assertThat(catalog.supports(entry, Feature.CHAT, served)).isEqualTo(chat);
    }

    @Test
    void knows_every_approved_status() {
        assertThat(catalog.families().get("codestral").models()).extracting(ModelCatalog.CatalogModel::status)
                .containsOnly("GA");
        assertThat(catalog.families().get("codegemma").models()).extracting(ModelCatalog.CatalogModel::status)
                .containsOnly("evaluation");
    }

    @Test
    void has_prompts_for_every_code_feature_of_every_family() {
        catalog.families().forEach((name, family) -> {
            assertThat(catalog.prompt(name, Feature.CODE_COMPLETIONS).maxTokens()).isPositive();
            assertThat(catalog.prompt(name, Feature.CODE_GENERATIONS).maxTokens()).isPositive();
        });
    }

    @Test
    void gives_each_model_its_request_quirks() {
        catalog.setAzureApiVersion("2024-10-21");

        assertThat(catalog.requestOptions(completionBy(catalog.select("gpt", "https://r.openai.azure.com", "k", "azure/o3-mini"))))
                .isEqualTo(new RequestOptions("max_completion_tokens", false, null, "2024-10-21"));
        assertThat(catalog.requestOptions(completionBy(catalog.select("gpt", "https://r.openai.azure.com", "k", "azure/gpt-4o"))))
                .isEqualTo(new RequestOptions("max_tokens", true, null, "2024-10-21"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "null", value = {
        "gpt-5, false, null",
        "gpt-5-2025-08-07, false, null",
        "gpt-5-mini, false, null",
        "gpt-5-codex, false, null",
        "gpt-5.1, true, 1.0",
        "gpt-5-1-prod, true, 1.0",
        "gpt-5.2, true, 1.0"})
    void gives_gpt_5_class_deployments_max_completion_tokens_and_gitlabs_temperature(String deployment,
                                                                                  boolean temperature, Double fixed) {
        RequestOptions options = catalog.requestOptions(completionBy(
                catalog.select("gpt", "https://r.openai.azure.com", "k", "azure/" + deployment)));

        assertThat(options.maxTokensField()).isEqualTo("max_completion_tokens");
        assertThat(options.sendTemperature()).isEqualTo(temperature);
        assertThat(options.fixedTemperature()).isEqualTo(fixed);
    }

    @Test
    void lets_the_catalog_pin_a_models_api_version(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, """
                families:
                  gpt:
                    request: {api_version: 2024-06-01}
                    models:
                      - {name: GPT-4o, match: "gpt-4o", code_generations: yes, request: {api_version: 2025-01-01-preview}}
                """ + BACKENDS);
        ModelCatalog custom = new ModelCatalog();
        custom.setLocation(file.toString());

        assertThat(custom.requestOptions(completionBy(catalog.select("gpt", "https://r", "k", "azure/gpt-4o"))).apiVersion())
                .isEqualTo("2025-01-01-preview");
        assertThat(custom.requestOptions(completionBy(catalog.select("gpt", "https://r", "k", "azure/gpt-35"))).apiVersion())
                .isEqualTo("2024-06-01");
    }

    @Test
    void lets_an_integrator_allow_an_unsupported_pair() {
        ModelSelection gpt = catalog.select("gpt", "http://vllm/v1", null, "gpt-4");
        assertThatThrownBy(() -> catalog.requireSupport(completionBy(gpt)))
                .isInstanceOf(GatewayException.class);

        catalog.setAllowUnsupported(true);

        assertThatCode(() -> catalog.requireSupport(completionBy(gpt))).doesNotThrowAnyException();
    }

    @Test
    void pins_a_family_to_its_endpoint_with_the_key_of_the_variable_it_names(@TempDir Path dir) throws Exception {
        ModelCatalog pinned = catalog(dir, """
                families:
                  codestral:
                    endpoint: http://codestral.internal:8000/v1/
                    api_key_env: CODESTRAL_KEY
                    models:
                      - {name: Codestral 22B, match: codestral, code_completions: yes}
                """, Map.of("CODESTRAL_KEY", "internal-key"));

        ModelSelection model = pinned.pinned(completionBy(catalog.select("codestral", "http://gitlab-named:8000/v1",
                "gitlab-key", "custom_openai/Codestral-22B-v0.1"))).model();

        assertThat(model.endpoint()).isEqualTo("http://codestral.internal:8000/v1");
        assertThat(model.apiKey().reveal()).isEqualTo("internal-key");
        assertThat(model).extracting(ModelSelection::backend, ModelSelection::servedModel)
                .containsExactly("openai-compatible", "Codestral-22B-v0.1");
        assertThat(model.toString()).doesNotContain("internal-key");
    }

    @Test
    void lets_a_models_pin_win_over_its_familys(@TempDir Path dir) throws Exception {
        ModelCatalog pinned = catalog(dir, """
                families:
                  mistral:
                    endpoint: http://mistral.internal/v1
                    api_key_env: MISTRAL_KEY
                    models:
                      - {name: Mistral Small, match: mistral-small, chat: yes, endpoint: "http://small.internal/v1"}
                      - {name: Mistral 7B, match: mistral-7b, chat: yes}
                """, Map.of("MISTRAL_KEY", "family-key"));

        ModelSelection small = pinned.pinned(completionBy(catalog.select("mistral", "http://gitlab-named/v1",
                "gitlab-key", "Mistral-Small-3.2-24B-Instruct-2506"))).model();
        ModelSelection sevenB = pinned.pinned(completionBy(catalog.select("mistral", "http://gitlab-named/v1",
                "gitlab-key", "Mistral-7B-Instruct-v0.3"))).model();

        // the model's pin names no key: GitLab's key is not sent there, GitLab's dummy key is
        assertThat(small.endpoint()).isEqualTo("http://small.internal/v1");
        assertThat(small.apiKey().reveal()).isEqualTo("dummy_key");
        assertThat(sevenB.endpoint()).isEqualTo("http://mistral.internal/v1");
        assertThat(sevenB.apiKey().reveal()).isEqualTo("family-key");
    }

    @Test
    void leaves_unpinned_families_and_bedrock_models_as_gitlab_names_them(@TempDir Path dir) throws Exception {
        ModelCatalog pinned = catalog(dir, """
                families:
                  llama3:
                    endpoint: http://llama.internal/v1
                    models:
                      - {name: Llama 3.3 70B, match: "llama-?3[.-]3-70b", chat: yes}
                  codestral:
                    models:
                      - {name: Codestral 22B, match: codestral, code_completions: yes}
                """, Map.of());
        ModelCall bedrock = completionBy(catalog.select("llama3", null, null, "bedrock/us.meta.llama3-3-70b-instruct-v1:0"));
        ModelCall codestral = completionBy(catalog.select("codestral", "http://vllm/v1", "gitlab-key", null));

        assertThat(pinned.pinned(bedrock)).isSameAs(bedrock);
        assertThat(pinned.pinned(codestral)).isSameAs(codestral);
    }

    @Test
    void refuses_to_start_when_the_key_variable_is_not_set(@TempDir Path dir) throws Exception {
        ModelCatalog pinned = catalog(dir, """
                families:
                  codestral:
                    endpoint: http://codestral.internal/v1
                    api_key_env: CODESTRAL_KEY
                """, Map.of("OTHER_KEY", "k"));

        assertThatThrownBy(pinned::start).isInstanceOf(IllegalStateException.class)
                .hasMessage(dir.resolve("models.yaml") + ": family 'codestral' takes its key from the environment"
                        + " variable CODESTRAL_KEY, which is not set or empty");
    }

    @Test
    void refuses_a_key_variable_without_an_endpoint(@TempDir Path dir) throws Exception {
        ModelCatalog pinned = catalog(dir, """
                families:
                  codestral:
                    models:
                      - {name: Codestral 22B, match: codestral, api_key_env: CODESTRAL_KEY}
                """, Map.of("CODESTRAL_KEY", "k"));

        assertThatThrownBy(pinned::start).isInstanceOf(IllegalStateException.class)
                .hasMessage(dir.resolve("models.yaml") + ": model 'Codestral 22B' of family 'codestral' has api_key_env"
                        + " but no endpoint: a key from the catalog goes only to an endpoint the catalog names");
    }

    @Test
    void refuses_a_pinned_endpoint_that_is_not_a_plain_http_url(@TempDir Path dir) throws Exception {
        ModelCatalog pinned = catalog(dir, """
                families:
                  codestral:
                    endpoint: http://user:secret@codestral.internal/v1
                """, Map.of());

        assertThatThrownBy(pinned::start).isInstanceOf(IllegalStateException.class)
                .hasMessage(dir.resolve("models.yaml") + ": the endpoint of family 'codestral' must be an http(s) URL"
                        + " without query, fragment or credentials");
    }

    @Test
    void names_every_backend_of_the_shipped_catalog() {
        assertThat(catalog.backends().ids()).containsExactly("azure", "bedrock", "openai-compatible");
    }

    @Test
    void refuses_a_catalog_without_backends_or_with_an_unknown_api_or_backend_id(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("models.yaml");
        ModelCatalog custom = new ModelCatalog();
        custom.setLocation(file.toString());

        Files.writeString(file, "families: {}\n");
        assertThatThrownBy(custom::start).hasMessage(file + " has no backends: section (model_identifier prefix →"
                + " backend route); copy it from the catalog the gateway ships");

        Files.writeString(file, "backends: {prefixes: {}, default: openai-compatible, apis: {vertex: gemini}}\n");
        assertThatThrownBy(custom::start)
                .hasMessage(file + ": backends.apis: 'gemini' is not one of openai_compatible, bedrock, azure");

        // a backend is a route name, never endpoint options
        Files.writeString(file, "backends: {prefixes: {ollama: 'ollama?bridgeErrorHandler=true'}, default: x}\n");
        assertThatThrownBy(custom::start).hasMessage(file + ": backends.prefixes.ollama: 'ollama?bridgeErrorHandler=true'"
                + " is not a backend id (letters, digits, - and _; its route consumes direct:<backend>)");
    }

    @Test
    void refuses_a_call_to_a_backend_it_does_not_list() {
        ModelSelection gitlabs = catalog.select("codestral", "http://vllm/v1", null, null);
        ModelSelection elsewhere = new ModelSelection("codestral", Provider.OPENAI_COMPATIBLE, "direct:x?y=1",
                "codestral", "http://vllm/v1", null, null);

        assertThat(catalog.backend(completionBy(gitlabs))).isEqualTo("openai-compatible");
        assertThatThrownBy(() -> catalog.backend(completionBy(elsewhere))).isInstanceOf(GatewayException.class)
                .hasMessage("The model call names the backend 'direct:x?y=1', which the model catalog's backends do not list");
    }

    private static ModelCatalog catalog(Path dir, String families, Map<String, String> environment) throws Exception {
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, families + BACKENDS);
        ModelCatalog catalog = new ModelCatalog();
        catalog.setLocation(file.toString());
        catalog.setEnvironment(environment);
        return catalog;
    }

    private static ModelCall completionBy(ModelSelection model) {
        return new ModelCall(Feature.CODE_COMPLETIONS, model, "gpt", List.of(), 0.1, 64, List.of(), false);
    }
}
