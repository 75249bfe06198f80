package io.github.aigateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.aigateway.config.ConfigFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tools GitLab can run for Duo Chat, from {@code prompts/chat/react/tools.yaml}: their names (which
 * GitLab dispatches on), descriptions for the model, and the resource names GitLab lists in
 * {@code unavailable_resources} when a user cannot read them.
 */
public class ChatTools {

    /** One tool as the prompt shows it. */
    public record Tool(String name, String description, List<String> resources) {
    }

    private String location = "prompts/chat/react/tools.yaml";
    private volatile List<Tool> tools;

    public void setLocation(String location) {
        this.location = location;
    }

    /** The tools whose resources are all available. */
    public List<Tool> available(List<String> unavailableResources) {
        List<String> unavailable = unavailableResources.stream().map(ChatTools::normalize).toList();
        return all().stream().filter(tool -> tool.resources().stream().map(ChatTools::normalize)
                .noneMatch(unavailable::contains)).toList();
    }

    List<Tool> all() {
        List<Tool> loaded = tools;
        if (loaded == null) {
            loaded = load();
            tools = loaded;
        }
        return loaded;
    }

    private List<Tool> load() {
        try (InputStream in = ConfigFiles.open(location)) {
            List<Tool> result = new ArrayList<>();
            for (JsonNode tool : new ObjectMapper(new YAMLFactory()).readTree(in).path("tools")) {
                List<String> resources = new ArrayList<>();
                tool.path("resources").forEach(r -> resources.add(r.asText()));
                result.add(new Tool(tool.path("name").asText(), tool.path("description").asText().strip(),
                        List.copyOf(resources)));
            }
            return List.copyOf(result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat tools " + location, e);
        }
    }

    private static String normalize(String resource) {
        return resource.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }
}
