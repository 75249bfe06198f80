package io.github.aigateway.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.aigateway.auth.GitLabAuth;
import io.github.aigateway.config.ConfigFiles;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelCall;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.semver4j.RangesListFactory;
import org.semver4j.Semver;

/**
 * Named prompts ({@code /v1/prompts/{id}}): {@code prompts/<id>/prompt.yaml} holds the prompt's version,
 * unit primitive, the families it serves and its sampling settings; {@code prompts/<id>/<family>.peb}, or
 * {@code default.peb}, its messages. GitLab's {@code inputs} are the template variables.
 */
public class PromptRegistry {

    /**
     * A prompt's definition; {@code connectionCheck} marks GitLab's "Test connection" prompt, whose model is
     * always called once, whatever its circuit breaker says ({@code connection_check: true}).
     */
    public record Definition(String id, String name, String version, String unitPrimitive, List<String> families,
                             double temperature, int maxTokens, List<String> stop, boolean connectionCheck) {
    }

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMMM dd, yyyy", Locale.ENGLISH);

    private String directory = "prompts";
    private PromptTemplates templates;
    private GitLabAuth auth;
    private final Map<String, Definition> definitions = new ConcurrentHashMap<>();

    public void setDirectory(String directory) {
        this.directory = directory;
    }

    public void setTemplates(PromptTemplates templates) {
        this.templates = templates;
    }

    public void setAuth(GitLabAuth auth) {
        this.auth = auth;
    }

    /** The definition of a prompt; 404 in GitLab's words when there is none. */
    public Definition definition(String promptId) {
        return definitions.computeIfAbsent(promptId, this::load);
    }

    /**
     * 403 unless the token grants the prompt's unit primitive. As in GitLab's gateway, the prompt is looked up in the
     * requested version first, so an unknown prompt or version is reported before a missing scope.
     */
    public void requireScopes(Exchange exchange, PromptRequest request) {
        String unitPrimitive = prompt(request).unitPrimitive();
        auth.requirePromptScopes(exchange, unitPrimitive.isEmpty() ? List.of() : List.of(unitPrimitive),
                request.promptId());
    }

    /** Whether the request is GitLab's "Test connection" ({@link Definition#connectionCheck}). */
    public boolean connectionCheck(PromptRequest request) {
        return definition(request.promptId()).connectionCheck();
    }

    public ModelCall modelCall(PromptRequest request) {
        Definition prompt = prompt(request);
        String family = request.model().family();
        if (!prompt.families().contains(family)) {
            throw new GatewayException(422, "Prompt '" + prompt.id() + "' is not available for model family '"
                    + family + "'");
        }
        String template = templates.exists(prompt.id() + "/" + family) ? prompt.id() + "/" + family
                : prompt.id() + "/default";
        Map<String, Object> variables = new HashMap<>(request.inputs());
        variables.putIfAbsent("current_date", LocalDate.now().format(DATE));
        return new ModelCall(Feature.PROMPTS, request.model(), prompt.name(), templates.render(template, variables),
                prompt.temperature(), prompt.maxTokens(), prompt.stop(), request.stream());
    }

    /** The prompt the request names, in a version its constraint allows; 404, 422 or 400 in GitLab's words otherwise. */
    private Definition prompt(PromptRequest request) {
        Definition prompt = definition(request.promptId());
        requireVersion(prompt, request.versionConstraint());
        return prompt;
    }

    private static void requireVersion(Definition prompt, String constraint) {
        if (constraint == null || constraint.isBlank()) {
            return;
        }
        if (RangesListFactory.create(constraint).get().isEmpty()) {
            throw new GatewayException(422, "Invalid version constraint");
        }
        if (!Semver.parse(prompt.version()).satisfies(constraint)) {
            throw new GatewayException(400, "No prompt version found matching the query: " + constraint);
        }
    }

    private Definition load(String promptId) {
        String location = directory + "/" + promptId + "/prompt.yaml";
        try (InputStream in = ConfigFiles.open(location)) {
            JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(in);
            List<String> families = new ArrayList<>();
            yaml.path("families").forEach(f -> families.add(f.asText()));
            List<String> stop = new ArrayList<>();
            yaml.path("stop").forEach(s -> stop.add(s.asText()));
            return new Definition(promptId, yaml.path("name").asText(promptId), yaml.path("version").asText("1.0.0"),
                    yaml.path("unit_primitive").asText(""), List.copyOf(families),
                    yaml.path("temperature").asDouble(0.1), yaml.path("max_tokens").asInt(2048), List.copyOf(stop),
                    yaml.path("connection_check").asBoolean(false));
        } catch (IOException notFound) {
            throw new GatewayException(404, "Prompt '" + promptId + "' not found");
        }
    }
}
