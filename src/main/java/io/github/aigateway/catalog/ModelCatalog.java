package io.github.aigateway.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.aigateway.api.GatewayException;
import io.github.aigateway.backend.ModelCall;
import io.github.aigateway.server.ConfigFiles;
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
 * The model catalog ({@code catalog/models.yaml}): which family may serve which feature, and how each
 * family is prompted. Integrators edit the file; nothing here names a model.
 */
public class ModelCatalog {

    /**
     * One approved model of a family, recognised in a served model name by {@code match}; {@code request}
     * holds its request quirks ({@code max_tokens_field}, {@code temperature}: {@code no} or the one value the
     * model accepts, {@code api_version}), or is empty.
     */
    public record CatalogModel(String name, Pattern match, String status, Map<Feature, Boolean> support,
                               JsonNode request) {
    }

    /** A family with its models, per-feature prompt settings and request quirks. */
    public record Family(String name, List<CatalogModel> models, Map<Feature, PromptSettings> prompts,
                         JsonNode request) {
    }

    private String location = "catalog/models.yaml";
    private boolean allowUnsupported;
    private String azureApiVersion = "2024-10-21";
    private volatile Map<String, Family> families;

    public void setLocation(String location) {
        this.location = location;
    }

    /** {@code AZURE_API_VERSION}: the Azure OpenAI API version unless the catalog names one for a model. */
    public void setAzureApiVersion(String azureApiVersion) {
        this.azureApiVersion = azureApiVersion;
    }

    /** Lets an integrator run a family on a feature the catalog marks unsupported. */
    public void setAllowUnsupported(boolean allowUnsupported) {
        this.allowUnsupported = allowUnsupported;
    }

    public Map<String, Family> families() {
        Map<String, Family> loaded = families;
        if (loaded == null) {
            synchronized (this) {
                if (families == null) {
                    families = load(location);
                }
                loaded = families;
            }
        }
        return loaded;
    }

    /** The provider that serves the call, by name ({@code OPENAI_COMPATIBLE}, {@code BEDROCK}, {@code AZURE}): what the model router routes on. */
    public String provider(ModelCall call) {
        return call.provider();
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
            String served = model.servedModel().toLowerCase(Locale.ROOT);
            family.models().stream().filter(m -> m.match() != null && m.match().matcher(served).find())
                    .findFirst().ifPresent(m -> blocks.add(m.request()));
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

    private Family family(String name) {
        Family family = families().get(name == null ? "" : name.toLowerCase(Locale.ROOT));
        if (family == null) {
            throw new GatewayException(422, "Model family '" + name + "' is not in the model catalog");
        }
        return family;
    }

    private static Map<String, Family> load(String location) {
        try (InputStream in = ConfigFiles.open(location)) {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            Map<String, Family> result = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.path("families").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> entry = it.next();
                result.put(entry.getKey(), family(entry.getKey(), entry.getValue()));
            }
            return Map.copyOf(result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalog " + location, e);
        }
    }

    private static Family family(String name, JsonNode node) {
        List<CatalogModel> models = new ArrayList<>();
        for (JsonNode model : node.path("models")) {
            Map<Feature, Boolean> support = new EnumMap<>(Feature.class);
            for (Feature feature : Feature.values()) {
                support.put(feature, yes(model.get(feature.key())));
            }
            String match = model.path("match").asText(null);
            models.add(new CatalogModel(model.path("name").asText(), match == null ? null
                    : Pattern.compile(match, Pattern.CASE_INSENSITIVE), model.path("status").asText("GA"), support,
                    model.path("request")));
        }
        Map<Feature, PromptSettings> prompts = new EnumMap<>(Feature.class);
        for (Feature feature : Feature.values()) {
            Optional.ofNullable(node.path("prompts").get(feature.key()))
                    .ifPresent(p -> prompts.put(feature, promptSettings(p)));
        }
        return new Family(name, List.copyOf(models), prompts, node.path("request"));
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
