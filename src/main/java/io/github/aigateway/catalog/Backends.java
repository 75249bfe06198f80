package io.github.aigateway.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.model.Provider;
import io.github.aigateway.model.Secret;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The catalog's {@code backends:}: which backend serves a {@code model_identifier} prefix, as GitLab's gateway
 * picks its provider from it, and the API each backend speaks. A backend is the route that consumes
 * {@code direct:<backend>}; {@link CatalogStartCheck} refuses to start when one of them is missing.
 *
 * @param prefixes       identifier prefix (before the first {@code /}) → backend
 * @param defaultBackend the backend of an identifier with no prefix or one not listed, sent whole
 * @param apis           the API of each backend not speaking OpenAI chat completions with a bearer key
 */
public record Backends(Map<String, String> prefixes, String defaultBackend, Map<String, Provider> apis) {

    /** A backend id is a plain name: it ends up in {@code direct:<backend>}. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    /** Whether the name can be a backend id: letters, digits, {@code -} and {@code _}. */
    public static boolean isId(String name) {
        return ID.matcher(name).matches();
    }

    /**
     * The model GitLab named: its family, the backend its identifier's prefix picks (the default when the prefix is
     * not listed), the name the backend serves it under, and GitLab's endpoint and key.
     */
    public ModelSelection select(String family, String endpoint, String apiKey, String identifier) {
        if (family == null || family.isBlank()) {
            throw new GatewayException(422, "model_name is required for self-hosted models");
        }
        String normalizedFamily = family.strip().toLowerCase(Locale.ROOT);
        String backend = defaultBackend;
        String served = normalizedFamily;
        if (identifier != null && !identifier.isBlank()) {
            String id = identifier.strip();
            int slash = id.indexOf('/');
            String prefixed = slash > 0 ? forPrefix(id.substring(0, slash)) : null;
            // no prefix, or one the catalog does not list: vLLM often serves Hugging Face names such as org/model
            served = prefixed == null ? id : id.substring(slash + 1);
            backend = prefixed == null ? backend : prefixed;
            if (served.isBlank()) {
                throw new GatewayException(422, "model_identifier '" + id + "' names no model after its prefix");
            }
        }
        Provider provider = api(backend);
        String base = provider == Provider.BEDROCK ? null : ModelSelection.checkedEndpoint(endpoint, provider);
        return ModelSelection.of(normalizedFamily, provider, backend, served, base, Secret.of(apiKey), identifier);
    }

    /** The backend of a prefix, or null when the catalog lists none for it. */
    String forPrefix(String prefix) {
        return prefixes.get(prefix);
    }

    /** The API the backend speaks: {@code openai_compatible} unless {@code apis} says otherwise. */
    Provider api(String backend) {
        return apis.getOrDefault(backend, Provider.OPENAI_COMPATIBLE);
    }

    /** Whether the catalog names the backend. */
    public boolean names(String backend) {
        return backend != null
                && (defaultBackend.equals(backend) || prefixes.containsValue(backend) || apis.containsKey(backend));
    }

    /** Every backend the catalog names, sorted. */
    public Set<String> ids() {
        Set<String> ids = new TreeSet<>(prefixes.values());
        ids.add(defaultBackend);
        ids.addAll(apis.keySet());
        return ids;
    }

    static Backends read(JsonNode node, String location) {
        if (node == null || !node.isObject()) {
            throw new IllegalStateException(location + " has no backends: section (model_identifier prefix → backend"
                    + " route); copy it from the catalog the gateway ships");
        }
        Map<String, String> prefixes = new LinkedHashMap<>();
        node.path("prefixes").fields().forEachRemaining(e -> prefixes.put(e.getKey(),
                id(text(e.getValue()), location, "backends.prefixes." + e.getKey())));
        Map<String, Provider> apis = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.path("apis").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> entry = it.next();
            apis.put(id(entry.getKey(), location, "backends.apis"), provider(text(entry.getValue()), location));
        }
        String defaultBackend = id(text(node.get("default")), location, "backends.default");
        return new Backends(Map.copyOf(prefixes), defaultBackend, Map.copyOf(apis));
    }

    private static String text(JsonNode value) {
        return value == null || !value.isTextual() ? "" : value.textValue();
    }

    private static String id(String value, String location, String key) {
        if (!isId(value)) {
            throw new IllegalStateException(location + ": " + key + ": '" + value + "' is not a backend id (letters,"
                    + " digits, - and _; its route consumes direct:<backend>)");
        }
        return value;
    }

    private static Provider provider(String api, String location) {
        try {
            return Provider.valueOf(api.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(location + ": backends.apis: '" + api + "' is not one of "
                    + Arrays.stream(Provider.values()).map(p -> p.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")));
        }
    }
}
