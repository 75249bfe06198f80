package io.github.aigateway.troubleshoot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line, with the option names of GitLab's {@code troubleshoot} script (and its 17.x
 * spellings {@code --model-name}, {@code --model-key}).
 *
 * @param endpoint       the gateway, {@code host:port} or a URL
 * @param family         GitLab's model family, e.g. {@code codestral}
 * @param modelEndpoint  the model endpoint as set in GitLab (vLLM: ends in {@code /v1})
 * @param identifier     the model identifier as set in GitLab, e.g. {@code custom_openai/Codestral-22B-v0.1}
 * @param apiKey         the model's API key as set in GitLab, or null
 */
record Options(String endpoint, String family, String modelEndpoint, String identifier, String apiKey) {

    static final String USAGE = """
            usage: java -jar ai-gateway.jar troubleshoot [options]
              --endpoint HOST:PORT        the gateway (default localhost:5052)
              --model-family NAME         GitLab's model family, e.g. codestral (alias --model-name)
              --model-endpoint URL        the model endpoint set in GitLab, e.g. http://vllm:8000/v1
              --model-identifier ID       the model identifier set in GitLab, e.g. custom_openai/Codestral-22B-v0.1
              --api-key KEY               the model's API key set in GitLab (alias --model-key)
            Run it where the gateway runs (docker exec / kubectl exec), so it sees the gateway's environment.""";

    private static final Map<String, String> ALIASES = Map.of("--model-name", "--model-family", "--model-key", "--api-key");

    /** Parses {@code --name value} and {@code --name=value}; throws IllegalArgumentException on anything else. */
    static Options parse(List<String> args) {
        Map<String, String> values = new java.util.HashMap<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            name = ALIASES.getOrDefault(name, name);
            if (!List.of("--endpoint", "--model-family", "--model-endpoint", "--model-identifier", "--api-key").contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (!rest.isEmpty()) {
                value = rest.remove(0);
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            values.put(name, value);
        }
        return new Options(values.getOrDefault("--endpoint", "localhost:5052"), values.get("--model-family"),
                values.get("--model-endpoint"), values.get("--model-identifier"), values.get("--api-key"));
    }

    /** The gateway's base URL, with {@code http://} added to a bare {@code host:port}. */
    String gatewayUrl() {
        String base = endpoint.contains("://") ? endpoint : "http://" + endpoint;
        return base.replaceAll("/+$", "");
    }

    boolean modelGiven() {
        return family != null || identifier != null || modelEndpoint != null;
    }
}
