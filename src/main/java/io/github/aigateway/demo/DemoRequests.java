package io.github.aigateway.demo;

import java.util.List;

/**
 * The requests {@code --demo} prints as ready-to-paste {@code curl} lines: one per kind of answer the gateway
 * gives GitLab (a completion, a streamed generation, a Duo Chat step, a prompt), each pointed at the demo model.
 */
public final class DemoRequests {

    /** One demo call: what it shows, where it goes, and GitLab's body for it. */
    public record DemoRequest(String title, String path, String body, boolean streamed) {

        /** The call as one {@code curl} line; the body is in single quotes, so it must hold none. */
        public String curl(String gatewayUrl) {
            return "curl -s" + (streamed ? "N" : "") + " " + gatewayUrl + path
                    + " -H 'Content-Type: application/json' -d '" + body + "'";
        }
    }

    private DemoRequests() {
    }

    public static List<DemoRequest> all(String modelEndpoint) {
        String model = "custom_openai/" + DemoModelServer.MODEL;
        return List.of(
                new DemoRequest("Code completion", "/v2/code/completions", """
                        {"current_file": {"file_name": "hello.py", "content_above_cursor": "def hello():\\n    ", \
                        "content_below_cursor": ""}, "model_provider": "litellm", "prompt_version": 2, "prompt": null, \
                        "stream": false, "model_name": "codestral", "model_endpoint": "%s", "model_identifier": "%s"}\
                        """.formatted(modelEndpoint, model), false),
                new DemoRequest("Code generation, streamed as server-sent events", "/v4/code/suggestions", """
                        {"prompt_components": [{"type": "code_editor_generation", "payload": {"file_name": "hello.py", \
                        "content_above_cursor": "# say hello\\n", "content_below_cursor": "", \
                        "language_identifier": "python", "stream": true, "prompt_id": "code_suggestions/generations", \
                        "prompt_version": "^1.0.0", "prompt_enhancer": {"user_instruction": "write hello"}}}], \
                        "stream": true, "model_metadata": {"provider": "openai", "name": "codestral", "endpoint": "%s", \
                        "identifier": "%s"}}\
                        """.formatted(modelEndpoint, model), true),
                new DemoRequest("Duo Chat, streamed as newline-delimited JSON", "/v2/chat/agent", """
                        {"messages": [{"role": "user", "content": "How do I rebase my branch?", "context": null, \
                        "current_file": null, "additional_context": []}], "model_metadata": {"provider": "openai", \
                        "name": "mistral", "endpoint": "%s", "api_key": "", "identifier": "%s"}, \
                        "unavailable_resources": []}\
                        """.formatted(modelEndpoint, model), true),
                new DemoRequest("A prompt: Duo Chat's /explain", "/v1/prompts/chat/explain_code", """
                        {"inputs": {"selected_text": "print(sum(range(10)))", "language_info": "python", \
                        "file_content": "", "input": ""}, "prompt_version": "^1.0.0", "model_metadata": \
                        {"provider": "openai", "name": "mistral", "endpoint": "%s", "api_key": "", "identifier": "%s"}}\
                        """.formatted(modelEndpoint, model), false));
    }

    /** The block {@code --demo} prints: a title and a {@code curl} line for each demo call. */
    public static String banner(String gatewayUrl, String modelEndpoint) {
        StringBuilder text = new StringBuilder("\nDemo mode: try the gateway with these calls (no GitLab token needed)\n");
        for (DemoRequest request : all(modelEndpoint)) {
            text.append("\n# ").append(request.title()).append('\n').append(request.curl(gatewayUrl)).append('\n');
        }
        return text.toString();
    }
}
