package io.github.aigateway.catalog;

import io.github.aigateway.api.GatewayException;
import java.net.URI;
import java.util.Locale;

/**
 * The model GitLab asked for, resolved as GitLab's gateway resolves {@code model_metadata}
 * ({@code to_params}): the identifier prefix picks the provider, the rest is the served model name.
 *
 * @param family       GitLab's model family ({@code model_name}), e.g. {@code codestral}
 * @param provider     where the call goes
 * @param servedModel  the name the backend knows the model by
 * @param endpoint     base URL without trailing slash (vLLM: ends in {@code /v1}); null for Bedrock
 * @param apiKey       the key for that backend only, or null
 * @param identifier   the identifier as GitLab sent it, for logs and responses
 */
public record ModelSelection(String family, Provider provider, String servedModel, String endpoint,
                             Secret apiKey, String identifier) {

    /** vLLM without {@code --api-key} accepts any bearer token; GitLab's gateway sends this one. */
    static final String NO_KEY = "dummy_key";

    public static ModelSelection resolve(String family, String endpoint, String apiKey, String identifier) {
        if (family == null || family.isBlank()) {
            throw new GatewayException(422, "model_name is required for self-hosted models");
        }
        String normalizedFamily = family.strip().toLowerCase(Locale.ROOT);
        Provider provider = Provider.OPENAI_COMPATIBLE;
        String served = normalizedFamily;
        if (identifier != null && !identifier.isBlank()) {
            String id = identifier.strip();
            int slash = id.indexOf('/');
            String prefix = slash > 0 ? id.substring(0, slash) : "";
            String rest = slash > 0 ? id.substring(slash + 1) : id;
            switch (prefix) {
                case "custom_openai", "openai" -> served = rest;
                case "bedrock" -> {
                    provider = Provider.BEDROCK;
                    served = rest;
                }
                case "azure" -> {
                    provider = Provider.AZURE;
                    served = rest;
                }
                // no prefix, or an unknown one: vLLM often serves Hugging Face names such as org/model
                default -> served = id;
            }
            if (served.isBlank()) {
                throw new GatewayException(422, "model_identifier '" + id + "' names no model after its prefix");
            }
        }
        String base = provider == Provider.BEDROCK ? null : checkedEndpoint(endpoint, provider);
        Secret key = Secret.of(apiKey);
        if (key == null && provider == Provider.OPENAI_COMPATIBLE) {
            key = Secret.of(NO_KEY);
        }
        return new ModelSelection(normalizedFamily, provider, served, base, key, identifier);
    }

    private static String checkedEndpoint(String endpoint, Provider provider) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new GatewayException(422, "model_endpoint is required for "
                    + (provider == Provider.AZURE ? "Azure OpenAI" : "OpenAI-compatible (vLLM)") + " models");
        }
        String trimmed = endpoint.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(422, "model_endpoint is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new GatewayException(422, "model_endpoint must be an http(s) URL without query, fragment or credentials");
        }
        return trimmed;
    }
}
