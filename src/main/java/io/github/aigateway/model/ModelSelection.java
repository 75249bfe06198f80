package io.github.aigateway.model;

import io.github.aigateway.failure.GatewayException;
import java.net.URI;
import java.util.Locale;

/**
 * The model GitLab asked for, resolved as GitLab's gateway resolves {@code model_metadata}
 * ({@code to_params}), with the prefixes of the catalog's {@code backends:}: the identifier prefix picks the
 * backend, the rest is the served model name.
 *
 * @param family       GitLab's model family ({@code model_name}), e.g. {@code codestral}
 * @param provider     the API the backend speaks
 * @param backend      the backend that serves the call: the route {@code direct:<backend>}
 * @param servedModel  the name the backend knows the model by
 * @param endpoint     base URL without trailing slash (vLLM: ends in {@code /v1}); null for Bedrock
 * @param apiKey       the key for that backend only, or null
 * @param identifier   the identifier as GitLab sent it, for logs and responses
 */
public record ModelSelection(String family, Provider provider, String backend, String servedModel, String endpoint,
                             Secret apiKey, String identifier) {

    /** vLLM without {@code --api-key} accepts any bearer token; GitLab's gateway sends this one. */
    static final String NO_KEY = "dummy_key";

    /** A selection with the key given, or, for an OpenAI-compatible server given none, the key GitLab sends then. */
    public static ModelSelection of(String family, Provider provider, String backend, String servedModel,
                                    String endpoint, Secret apiKey, String identifier) {
        return new ModelSelection(family, provider, backend, servedModel, endpoint, keyOrNone(apiKey, provider),
                identifier);
    }

    /** The same model at the endpoint the catalog pins it to, with the catalog's key (or none), never GitLab's. */
    public ModelSelection pinnedTo(String pinnedEndpoint, Secret pinnedKey) {
        return new ModelSelection(family, provider, backend, servedModel, pinnedEndpoint, keyOrNone(pinnedKey, provider),
                identifier);
    }

    private static Secret keyOrNone(Secret key, Provider provider) {
        return key == null && provider == Provider.OPENAI_COMPATIBLE ? Secret.of(NO_KEY) : key;
    }

    /** GitLab's {@code model_endpoint}, or the catalog's {@code endpoint:}, as the backends call it. */
    public static String checkedEndpoint(String endpoint, Provider provider) {
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
