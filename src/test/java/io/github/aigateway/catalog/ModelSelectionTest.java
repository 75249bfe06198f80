package io.github.aigateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.aigateway.api.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelSelectionTest {

    @ParameterizedTest(name = "{1} -> {2} {3}")
    @CsvSource({
        "mistral, '', OPENAI_COMPATIBLE, mistral",
        "codestral, custom_openai/Codestral-22B-v0.1, OPENAI_COMPATIBLE, Codestral-22B-v0.1",
        "mistral, openai/Mistral-7B, OPENAI_COMPATIBLE, Mistral-7B",
        "mistral, custom_openai/mistralai/Mistral-7B-Instruct-v0.3, OPENAI_COMPATIBLE, mistralai/Mistral-7B-Instruct-v0.3",
        "codellama, CodeLlama-13b-hf, OPENAI_COMPATIBLE, CodeLlama-13b-hf",
        "codellama, provider/some-model, OPENAI_COMPATIBLE, provider/some-model",
        "claude_3, bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, BEDROCK, anthropic.claude-3-5-sonnet-20240620-v1:0",
        "claude_3, bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0, BEDROCK, us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "gpt, azure/gpt-35-turbo, AZURE, gpt-35-turbo"})
    void resolves_the_provider_and_served_model_like_gitlabs_gateway(String family, String identifier,
                                                                       Provider provider, String served) {
        ModelSelection model = ModelSelection.resolve(family, "http://vllm:8000/v1/", null, identifier);

        assertThat(model.provider()).isEqualTo(provider);
        assertThat(model.servedModel()).isEqualTo(served);
        assertThat(model.endpoint()).isEqualTo(provider == Provider.BEDROCK ? null : "http://vllm:8000/v1");
    }

    @Test
    void sends_gitlabs_dummy_key_to_vllm_when_none_is_given() {
        assertThat(ModelSelection.resolve("codestral", "http://vllm/v1", null, null).apiKey().reveal())
                .isEqualTo("dummy_key");
        assertThat(ModelSelection.resolve("gpt", "https://r.openai.azure.com", null, "azure/gpt-4o").apiKey()).isNull();
    }

    @Test
    void never_prints_the_key() {
        ModelSelection model = ModelSelection.resolve("codestral", "http://vllm/v1", "sk-live-123", null);

        assertThat(model.toString()).doesNotContain("sk-live-123").contains("****");
    }

    @Test
    void refuses_an_identifier_with_nothing_after_its_prefix() {
        assertThatThrownBy(() -> ModelSelection.resolve("codestral", "http://vllm/v1", null, "custom_openai/"))
                .isInstanceOf(GatewayException.class)
                .hasMessage("model_identifier 'custom_openai/' names no model after its prefix");
    }
}
