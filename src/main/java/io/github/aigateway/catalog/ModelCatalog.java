package io.github.aigateway.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.aigateway.config.ConfigFiles;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.model.Provider;
import io.github.aigateway.model.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The model catalog ({@code catalog/models.yaml}): which backend serves a {@code model_identifier} prefix,
 * which family may serve which feature, how each family is prompted, and where a family or model is pinned.
 * Integrators edit the file; nothing here names a model or a backend.
 */
public class ModelCatalog {

    /**
     * One approved model of a family, recognised in a served model name by {@code match}; {@code request}
     * holds its request quirks ({@code max_tokens_field}, {@code temperature}: {@code no} or the one value the
     * model accepts, {@code api_version}), or is empty; {@code pin} is its {@code endpoint:}, or null.
     */
    public record CatalogModel(String name, Pattern match, String status, Map<Feature, Boolean> support,
                               JsonNode request, Pin pin) {
    }

    /** A family with its models, per-feature prompt settings, request quirks and {@code endpoint:} (or null). */
    public record Family(String name, List<CatalogModel> models, Map<Feature, PromptSettings> prompts,
                         JsonNode request, Pin pin) {
    }

    /**
     * The endpoint a family or model is pinned to ({@code endpoint:}), replacing GitLab's, with the key read
     * from the variable {@code api_key_env:} names at start, or none: GitLab's key never goes there.
     */
    public record Pin(String endpoint, Secret apiKey) {
    }

    private record Contents(Map<String, Family> families, Backends backends) {
    }

    private String location = "catalog/models.yaml";
    private boolean allowUnsupported;
    private String azureApiVersion = "2024-10-21";
    private Map<String, String> environment = System.getenv();
    private volatile Contents contents;

    public void setLocation(String location) {
        this.location = location;
    }

    /** The catalog file ({@code AIGW_CATALOG_FILE}), for messages. */
    public String location() {
        return location;
    }

    /** {@code AZURE_API_VERSION}: the Azure OpenAI API version unless the catalog names one for a model. */
    public void setAzureApiVersion(String azureApiVersion) {
        this.azureApiVersion = azureApiVersion;
    }

    /** Lets an integrator run a family on a feature the catalog marks unsupported. */
    public void setAllowUnsupported(boolean allowUnsupported) {
        this.allowUnsupported = allowUnsupported;
    }

    /** Where the keys {@code api_key_env:} names are read: the process environment, or a test's. */
    public void setEnvironment(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Reads the catalog now, so that an error in it (an unset {@code api_key_env:} too) stops the start. */
    public void start() {
        contents();
    }

    public Map<String, Family> families() {
        return contents().families();
    }

    /** The catalog's {@code backends:}. */
    public Backends backends() {
        return contents().backends();
    }

    /** The model GitLab names, resolved with the catalog's backends (422 when GitLab's settings are unusable). */
    public ModelSelection select(String family, String endpoint, String apiKey, String identifier) {
        return backends().select(family, endpoint, apiKey, identifier);
    }

    /**
     * The call at the endpoint the catalog pins its model to, with the catalog's key: the {@code endpoint:} of
     * the first model whose {@code match} fits the served name, else the family's. Bedrock models are called
     * at their region's endpoint, so a pin does not apply to them.
     */
    public ModelCall pinned(ModelCall call) {
        ModelSelection model = pinned(call.model());
        return model == call.model() ? call : call.withModel(model);
    }

    /** The model at the endpoint the catalog pins it to, with the catalog's key; the model itself when unpinned. */
    public ModelSelection pinned(ModelSelection model) {
        Family family = families().get(model.family());
        if (family == null || model.provider() == Provider.BEDROCK) {
            return model;
        }
        Pin pin = firstMatching(family, model.servedModel()).map(CatalogModel::pin).orElse(null);
        pin = pin == null ? family.pin() : pin;
        return pin == null ? model : model.pinnedTo(pin.endpoint(), pin.apiKey());
    }

    /**
     * The backend that serves the call, for the model router's {@code direct:<backend>}: always one of the
     * catalog's, whatever an extension made of the call.
     */
    public String backend(ModelCall call) {
        String backend = call.model().backend();
        if (!backends().names(backend)) {
            throw new GatewayException(500, "The model call names the backend '" + backend
                    + "', which the model catalog's backends do not list");
        }
        return backend;
    }

    /**
     * Refuses, with 422, a family/feature pair the catalog marks unsupported. Where the served model
     * name matches models of the table, their support decides; otherwise the family supports a feature
     * when any of its models does.
     */
    public void requireSupport(ModelCall call) {
        Feature feature = call.feature();
        ModelSelection model = call.model();
        Family family = family(model.family());
        if (feature == Feature.PROMPTS) {
            return; // the prompt's own definition names the families it serves
        }
        if (allowUnsupported || supports(family, feature, model.servedModel())) {
            return;
        }
        throw new GatewayException(422, "Model family '" + family.name() + "' ('" + model.servedModel()
                + "') does not support " + feature.label() + " in the model catalog");
    }

    /** The prompt settings for a family and feature; 422 when the catalog has none. */
    public PromptSettings prompt(String familyName, Feature feature) {
        Family family = family(familyName);
        PromptSettings settings = family.prompts().get(feature);
        if (settings == null) {
            throw new GatewayException(422, "Model family '" + family.name() + "' does not support "
                    + feature.label() + ": the model catalog has no " + feature.label() + " prompt for it");
        }
        return settings;
    }

    /**
     * The request quirks of the model: the family's {@code request} block, overridden by the block of the
     * first model whose {@code match} fits the served name.
     */
    public RequestOptions requestOptions(ModelCall call) {
        ModelSelection model = call.model();
        Family family = families().get(model.family());
        String maxTokensField = "max_tokens";
        boolean temperature = true;
        Double fixedTemperature = null;
        String apiVersion = azureApiVersion;
        List<JsonNode> blocks = new ArrayList<>();
        if (family != null) {
            blocks.add(family.request());
            firstMatching(family, model.servedModel()).ifPresent(m -> blocks.add(m.request()));
        }
        for (JsonNode block : blocks) {
            maxTokensField = block.path("max_tokens_field").asText(maxTokensField);
            JsonNode rule = block.get("temperature");
            if (rule != null && rule.isNumber()) {
                temperature = true;
                fixedTemperature = rule.doubleValue();
            } else if (rule != null) {
                temperature = yes(rule);
                fixedTemperature = null;
            }
            apiVersion = block.path("api_version").asText(apiVersion);
        }
        return new RequestOptions(maxTokensField, temperature, fixedTemperature, apiVersion);
    }

    boolean supports(Family family, Feature feature, String servedModel) {
        String served = servedModel == null ? "" : servedModel.toLowerCase(Locale.ROOT);
        List<CatalogModel> named = family.models().stream()
                .filter(m -> m.match() != null && m.match().matcher(served).find())
                .toList();
        List<CatalogModel> candidates = named.isEmpty() ? family.models() : named;
        return candidates.stream().anyMatch(m -> m.support().getOrDefault(feature, false));
    }

    private static Optional<CatalogModel> firstMatching(Family family, String servedModel) {
        String served = servedModel.toLowerCase(Locale.ROOT);
        return family.models().stream().filter(m -> m.match() != null && m.match().matcher(served).find()).findFirst();
    }

    private Contents contents() {
        Contents loaded = contents;
        if (loaded == null) {
            synchronized (this) {
                if (contents == null) {
                    contents = load();
                }
                loaded = contents;
            }
        }
        return loaded;
    }

    private Family family(String name) {
        Family family = families().get(name == null ? "" : name.toLowerCase(Locale.ROOT));
        if (family == null) {
            throw new GatewayException(422, "Model family '" + name + "' is not in the model catalog");
        }
        return family;
    }

    private Contents load() {
        try (InputStream in = ConfigFiles.open(location)) {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            Map<String, Family> result = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.path("families").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> entry = it.next();
                result.put(entry.getKey(), family(entry.getKey(), entry.getValue()));
            }
            return new Contents(Map.copyOf(result), Backends.read(root.get("backends"), location));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalog " + location, e);
        }
    }

    private Family family(String name, JsonNode node) {
        List<CatalogModel> models = new ArrayList<>();
        for (JsonNode model : node.path("models")) {
            Map<Feature, Boolean> support = new EnumMap<>(Feature.class);
            for (Feature feature : Feature.values()) {
                support.put(feature, yes(model.get(feature.key())));
            }
            String match = model.path("match").asText(null);
            String modelName = model.path("name").asText();
            models.add(new CatalogModel(modelName, match == null ? null
                    : Pattern.compile(match, Pattern.CASE_INSENSITIVE), model.path("status").asText("GA"), support,
                    model.path("request"), pin(model, "model '" + modelName + "' of family '" + name + "'")));
        }
        Map<Feature, PromptSettings> prompts = new EnumMap<>(Feature.class);
        for (Feature feature : Feature.values()) {
            Optional.ofNullable(node.path("prompts").get(feature.key()))
                    .ifPresent(p -> prompts.put(feature, promptSettings(p)));
        }
        return new Family(name, List.copyOf(models), prompts, node.path("request"), pin(node, "family '" + name + "'"));
    }

    /** {@code endpoint:} and {@code api_key_env:} of a family or model; the key is read now, at start. */
    private Pin pin(JsonNode node, String owner) {
        JsonNode endpoint = node.get("endpoint");
        JsonNode keyVariable = node.get("api_key_env");
        if (endpoint == null) {
            if (keyVariable != null) {
                throw new IllegalStateException(location + ": " + owner + " has api_key_env but no endpoint: a key"
                        + " from the catalog goes only to an endpoint the catalog names");
            }
            return null;
        }
        String url;
        try {
            url = ModelSelection.checkedEndpoint(endpoint.asText(), Provider.OPENAI_COMPATIBLE);
        } catch (GatewayException e) {
            throw new IllegalStateException(location + ": the endpoint of " + owner
                    + " must be an http(s) URL without query, fragment or credentials");
        }
        if (keyVariable == null) {
            return new Pin(url, null);
        }
        String variable = keyVariable.asText();
        Secret key = Secret.of(environment.get(variable));
        if (key == null) {
            throw new IllegalStateException(location + ": " + owner + " takes its key from the environment variable "
                    + variable + ", which is not set or empty");
        }
        return new Pin(url, key);
    }

    private static PromptSettings promptSettings(JsonNode p) {
        List<String> stop = new ArrayList<>();
        p.path("stop").forEach(s -> stop.add(s.asText()));
        return new PromptSettings(p.path("template").asText(), p.path("name").asText(),
                p.path("temperature").asDouble(0.0), p.path("max_tokens").asInt(128), List.copyOf(stop));
    }

    /** The table says yes/no; YAML 1.1 may already have turned them into booleans. */
    private static boolean yes(JsonNode value) {
        if (value == null) {
            return false;
        }
        return value.isBoolean() ? value.booleanValue() : "yes".equalsIgnoreCase(value.asText());
    }
}
