package io.github.aigateway.troubleshoot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The gateway itself: alive, ready, and answering a tiny code suggestion for the model under test
 * the way GitLab's admin health check asks for one.
 */
final class GatewayChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    /** Under GitLab's own 60 s; a cold model may need a while for its first answer. */
    private static final Duration COMPLETION_TIMEOUT = Duration.ofSeconds(55);

    private final Probe probe;
    private final Options options;

    GatewayChecks(Probe probe, Options options) {
        this.probe = probe;
        this.options = options;
    }

    /** Health and readiness; the completion check needs them to pass. */
    List<CheckResult> health() {
        String url = options.gatewayUrl() + "/monitoring/healthz";
        Probe.Reply health = probe.get(url, PROBE_TIMEOUT);
        if (!health.answered()) {
            return List.of(CheckResult.fail("Gateway health", url + ": " + health.failure(),
                    "start the gateway, or pass --endpoint with the host and port it listens on "
                    + "(AIGW_FASTAPI__API_PORT, default 5052)"));
        }
        if (health.status() != 200) {
            return List.of(CheckResult.fail("Gateway health", url + " answered " + health.status(),
                    "--endpoint must point at this AI gateway, not at GitLab or a proxy in front of it"));
        }
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.pass("Gateway health", url));
        String readyUrl = options.gatewayUrl() + "/monitoring/ready";
        Probe.Reply ready = probe.get(readyUrl, PROBE_TIMEOUT);
        if (ready.status() == 200) {
            results.add(CheckResult.pass("Gateway readiness", readyUrl));
        } else {
            results.add(CheckResult.fail("Gateway readiness", readyUrl + " answered "
                    + (ready.answered() ? ready.status() + " " + ready.body().strip() : ready.failure()),
                    "see the gateway's log for the check named in the answer"));
        }
        return results;
    }

    /** A tiny code completion (or generation, for families the catalog lets only generate) through the gateway. */
    CheckResult completion() {
        String requestId = "troubleshoot-" + UUID.randomUUID().toString().substring(0, 8);
        Probe.Reply reply = post("/v2/code/completions", completionBody(), requestId);
        if (reply.status() == 422 && reply.body().contains("does not support code completions")) {
            reply = post("/v2/code/generations", generationBody(), requestId);
        }
        String check = "Model answers through the gateway";
        if (!reply.answered()) {
            return CheckResult.fail(check, reply.failure(), "see the gateway's log for X-Request-ID " + requestId);
        }
        String detail = detail(reply.body());
        return switch (reply.status()) {
            case 200 -> suggestion(check, reply.body(), requestId);
            case 401, 403 -> CheckResult.fail(check, "the gateway refused the request without GitLab's token ("
                    + reply.status() + ")", "for this check only, start the gateway with AIGW_AUTH__BYPASS_EXTERNAL=true "
                    + "and remove it afterwards, or use GitLab's Admin ▸ GitLab Duo ▸ Run health check");
            case 422 -> CheckResult.fail(check, "the gateway refused the model settings: " + detail,
                    "change the model's settings in GitLab (Admin ▸ GitLab Duo ▸ Self-hosted models) as the message says");
            case 501 -> CheckResult.fail(check, detail, "serve this model through vLLM (custom_openai/...) until "
                    + "this gateway serves its provider");
            case 504 -> CheckResult.fail(check, detail + " (request " + requestId + ")",
                    "the model took longer than AIGW_MODEL_RESPONSE_TIMEOUT_MS: check the model server's load and GPU");
            default -> CheckResult.fail(check, reply.status() + " " + detail + " (request " + requestId + ")",
                    "fix the model checks above first; the gateway's log has the cause under X-Request-ID " + requestId);
        };
    }

    private Probe.Reply post(String path, String body, String requestId) {
        return probe.post(options.gatewayUrl() + path, body, COMPLETION_TIMEOUT, "X-Request-ID", requestId);
    }

    private static CheckResult suggestion(String check, String body, String requestId) {
        String text = "";
        try {
            text = JSON.readTree(body).path("choices").path(0).path("text").asText("");
        } catch (Exception e) {
            // not JSON: reported as no text below
        }
        if (text.isBlank()) {
            return CheckResult.fail(check, "the model answered with no text (request " + requestId + ")",
                    "check that the identifier names a code model and that its stop sequences fit the family");
        }
        String shown = text.strip().replaceAll("\\s+", " ");
        return CheckResult.pass(check, "suggested \"" + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown) + "\"");
    }

    private String completionBody() {
        // GitLab's admin health check (contract §9) with the self-hosted model fields
        ObjectNode body = modelFields();
        body.put("prompt_version", 1);
        body.putObject("current_file").put("file_name", "test.rb").put("content_above_cursor", "def hello_world");
        return body.toString();
    }

    private String generationBody() {
        ObjectNode body = modelFields();
        body.put("prompt_version", 2).put("prompt_id", "code_suggestions/generations")
                .put("prompt", "Write a function that returns the sum of two numbers").put("stream", false);
        body.putObject("current_file").put("file_name", "test.py").put("language_identifier", "python")
                .put("content_above_cursor", "def add(a, b):\n").put("content_below_cursor", "");
        return body.toString();
    }

    private ObjectNode modelFields() {
        ObjectNode body = JSON.createObjectNode().put("model_provider", "litellm");
        putIfGiven(body, "model_name", options.family());
        putIfGiven(body, "model_endpoint", options.modelEndpoint());
        putIfGiven(body, "model_identifier", options.identifier());
        putIfGiven(body, "model_api_key", options.apiKey());
        return body;
    }

    private static void putIfGiven(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static String detail(String body) {
        try {
            JsonNode detail = JSON.readTree(body).path("detail");
            return detail.isTextual() ? detail.asText() : detail.toString();
        } catch (Exception e) {
            return body.length() > 200 ? body.substring(0, 200) + "…" : body;
        }
    }
}
