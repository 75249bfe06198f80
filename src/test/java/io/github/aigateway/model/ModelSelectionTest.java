package io.github.aigateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.aigateway.catalog.Backends;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.failure.GatewayException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Model identifiers resolved with the shipped catalog's backends, as GitLab's gateway resolves them. */
class ModelSelectionTest {

    private static final ModelCatalog CATALOG = new ModelCatalog();

    @ParameterizedTest(name = "{1} -> {2} {3} {4}")
    @CsvSource({
        "mistral, '', openai-compatible, OPENAI_COMPATIBLE, mistral",
        "codestral, custom_openai/Codestral-22B-v0.1, openai-compatible, OPENAI_COMPATIBLE, Codestral-22B-v0.1",
        "mistral, openai/Mistral-7B, openai-compatible, OPENAI_COMPATIBLE, Mistral-7B",
        "mistral, custom_openai/mistralai/Mistral-7B-Instruct-v0.3, openai-compatible, OPENAI_COMPATIBLE, mistralai/Mistral-7B-Instruct-v0.3",
        "codellama, CodeLlama-13b-hf, openai-compatible, OPENAI_COMPATIBLE, CodeLlama-13b-hf",
        "codellama, provider/some-model, openai-compatible, OPENAI_COMPATIBLE, provider/some-model",
        "claude_3, bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, bedrock, BEDROCK, anthropic.claude-3-5-sonnet-20240620-v1:0",
        "claude_3, bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0, bedrock, BEDROCK, us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "gpt, azure/gpt-35-turbo, azure, AZURE, gpt-35-turbo"})
    void resolves_the_backend_and_served_model_like_gitlabs_gateway(String family, String identifier, String backend,
                                                                      Provider provider, String served) {
        ModelSelection model = CATALOG.select(family, "http://vllm:8000/v1/", null, identifier);

        assertThat(model.backend()).isEqualTo(backend);
        assertThat(model.provider()).isEqualTo(provider);
        assertThat(model.servedModel()).isEqualTo(served);
        assertThat(model.endpoint()).isEqualTo(provider == Provider.BEDROCK ? null : "http://vllm:8000/v1");
    }

    @Test
    void takes_the_prefixes_and_their_backends_from_the_catalog() {
        Backends backends = new Backends(Map.of("ollama", "ollama", "azure", "azure-eu"), "openai-compatible",
                Map.of("azure-eu", Provider.AZURE));

        ModelSelection ollama = backends.select("llama3", "http://ollama:11434", null, "ollama/llama3");
        ModelSelection azure = backends.select("gpt", "https://eu.openai.azure.com", null, "azure/gpt-4o");
        // a prefix the catalog does not list is part of the served name
        ModelSelection unlisted = backends.select("gpt", "http://vllm/v1", null, "custom_openai/gpt-oss-20b");

        assertThat(ollama).extracting(ModelSelection::backend, ModelSelection::provider, ModelSelection::servedModel)
                .containsExactly("ollama", Provider.OPENAI_COMPATIBLE, "llama3");
        assertThat(azure).extracting(ModelSelection::backend, ModelSelection::provider, ModelSelection::servedModel)
                .containsExactly("azure-eu", Provider.AZURE, "gpt-4o");
        assertThat(unlisted).extracting(ModelSelection::backend, ModelSelection::servedModel)
                .containsExactly("openai-compatible", "custom_openai/gpt-oss-20b");
    }

    @Test
    void sends_gitlabs_dummy_key_to_vllm_when_none_is_given() {
        assertThat(CATALOG.select("codestral", "http://vllm/v1", null, null).apiKey().reveal())
                .isEqualTo("dummy_key");
        assertThat(CATALOG.select("gpt", "https://r.openai.azure.com", null, "azure/gpt-4o").apiKey()).isNull();
    }

    @Test
    void never_prints_the_key() {
        ModelSelection model = CATALOG.select("codestral", "http://vllm/v1", "sk-live-123", null);

        assertThat(model.toString()).doesNotContain("sk-live-123").contains("****");
    }

    @Test
    void refuses_an_identifier_with_nothing_after_its_prefix() {
        assertThatThrownBy(() -> CATALOG.select("codestral", "http://vllm/v1", null, "custom_openai/"))
                .isInstanceOf(GatewayException.class)
                .hasMessage("model_identifier 'custom_openai/' names no model after its prefix");
    }
}
