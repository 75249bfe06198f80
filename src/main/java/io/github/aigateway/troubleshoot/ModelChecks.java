package io.github.aigateway.troubleshoot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.model.ModelSelection;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model as GitLab's settings name it, checked directly against its server: vLLM lists it, the Azure
 * deployment answers, or the AWS credentials and region a Bedrock call needs are present.
 */
final class ModelChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** The Azure OpenAI GA inference API version used when AZURE_API_VERSION is not set. */
    private static final String AZURE_API_VERSION = "2024-10-21";

    private final Probe probe;
    private final Options options;
    private final Map<String, String> env;

    ModelChecks(Probe probe, Options options, Map<String, String> env) {
        this.probe = probe;
        this.options = options;
        this.env = env;
    }

    List<CheckResult> run() {
        ModelSelection model;
        ModelCatalog catalog = new ModelCatalog();
        catalog.setLocation(env.getOrDefault("AIGW_CATALOG_FILE", "catalog/models.yaml"));
        catalog.setEnvironment(env);
        try {
            model = catalog.select(options.family(), options.modelEndpoint(), options.apiKey(), options.identifier());
        } catch (IllegalStateException | UncheckedIOException e) {
            return List.of(CheckResult.fail("Model catalog", e.getMessage(),
                    "fix the model catalog (AIGW_CATALOG_FILE, default catalog/models.yaml): the gateway does not start with it"));
        } catch (GatewayException e) {
            return List.of(CheckResult.fail("Model settings", e.getDetail(),
                    "pass the model's settings as GitLab has them: --model-family, --model-endpoint, --model-identifier"));
        }
        // the gateway calls a family or model the catalog pins at the catalog's endpoint, with its key
        ModelSelection called = catalog.pinned(model);
        String pin = called == model ? "" : " (the catalog's endpoint:, not GitLab's " + model.endpoint() + ")";
        model = called;
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.pass("Model settings", model.family() + " → " + model.provider().name().toLowerCase()
                + " model '" + model.servedModel() + "'" + (model.endpoint() == null ? "" : " at " + model.endpoint())
                + pin));
        switch (model.provider()) {
            case OPENAI_COMPATIBLE -> results.addAll(vllm(model));
            case AZURE -> results.add(azure(model));
            case BEDROCK -> results.addAll(bedrock());
        }
        return results;
    }

    private List<CheckResult> vllm(ModelSelection model) {
        String url = model.endpoint() + "/models";
        Probe.Reply reply = probe.get(url, TIMEOUT, "Authorization", "Bearer " + model.apiKey().reveal());
        if (!reply.answered()) {
            return List.of(CheckResult.fail("Model endpoint reachable", url + ": " + reply.failure(),
                    "set the model endpoint in GitLab to where vLLM listens as the gateway reaches it, "
                    + "e.g. http://vllm:8000/v1, and check that vLLM is running"));
        }
        if (reply.status() == 401 || reply.status() == 403) {
            return List.of(CheckResult.fail("Model endpoint reachable", url + " refused the API key (" + reply.status() + ")",
                    "set the model's API key in GitLab to the key vLLM was started with (--api-key)"));
        }
        if (reply.status() == 404) {
            return List.of(CheckResult.fail("Model endpoint reachable", url + " answered 404: not an OpenAI-compatible API",
                    model.endpoint().endsWith("/v1")
                            ? "point the model endpoint at vLLM's OpenAI-compatible server, e.g. http://vllm:8000/v1"
                            : "add /v1 to the model endpoint in GitLab, e.g. " + model.endpoint() + "/v1"));
        }
        if (reply.status() != 200) {
            return List.of(CheckResult.fail("Model endpoint reachable", url + " answered " + reply.status(),
                    "check the model server's log"));
        }
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.pass("Model endpoint reachable", url));
        List<String> served = servedModels(reply.body());
        if (served.contains(model.servedModel())) {
            results.add(CheckResult.pass("Model served", "vLLM serves '" + model.servedModel() + "'"));
        } else {
            results.add(CheckResult.fail("Model served", "vLLM serves " + served + ", not '" + model.servedModel() + "'",
                    served.isEmpty() ? "start vLLM with the model"
                            : "set the model identifier in GitLab to custom_openai/" + served.get(0)
                            + " (vLLM's --served-model-name), or serve the model under that name"));
        }
        return results;
    }

    private CheckResult azure(ModelSelection model) {
        String version = env.getOrDefault("AZURE_API_VERSION", AZURE_API_VERSION);
        String url = model.endpoint() + "/openai/deployments/" + model.servedModel() + "/chat/completions?api-version=" + version;
        String key = model.apiKey() == null ? "" : model.apiKey().reveal();
        Probe.Reply reply = probe.post(url, "{\"messages\":[{\"role\":\"user\",\"content\":\"Say OK\"}],\"max_tokens\":1}",
                TIMEOUT, "api-key", key);
        String check = "Azure deployment answers";
        if (!reply.answered()) {
            return CheckResult.fail(check, url + ": " + reply.failure(),
                    "set the model endpoint in GitLab to the resource URL, e.g. https://<resource>.openai.azure.com");
        }
        return switch (reply.status()) {
            case 200 -> CheckResult.pass(check, "deployment '" + model.servedModel() + "'");
            case 401, 403 -> CheckResult.fail(check, "Azure refused the key (" + reply.status() + ")",
                    "set the model's API key in GitLab to a key of this Azure OpenAI resource, and check its network rules");
            case 404 -> CheckResult.fail(check, "no deployment '" + model.servedModel() + "' at " + model.endpoint(),
                    "set the model identifier in GitLab to azure/<deployment name> as shown in Azure AI Foundry");
            default -> CheckResult.fail(check, url + " answered " + reply.status(),
                    "check AZURE_API_VERSION (now " + version + ") and the deployment's quota");
        };
    }

    private List<CheckResult> bedrock() {
        List<CheckResult> results = new ArrayList<>();
        String source = awsCredentialSource();
        if (source == null) {
            results.add(CheckResult.fail("AWS credentials", "none in the gateway's environment",
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or give the pod an IAM role: "
                    + "IRSA or EKS Pod Identity) for an identity allowed bedrock:InvokeModel"));
        } else {
            results.add(CheckResult.pass("AWS credentials", source));
        }
        String region = given("AWS_REGION_NAME") ? env.get("AWS_REGION_NAME") : env.get("AWS_REGION");
        if (region == null || region.isBlank()) {
            results.add(CheckResult.fail("AWS region", "neither AWS_REGION_NAME nor AWS_REGION is set",
                    "set AWS_REGION_NAME to the region where the model is enabled in Bedrock, e.g. us-east-1"));
        } else {
            results.add(CheckResult.pass("AWS region", region));
        }
        results.add(CheckResult.warn("Bedrock call", "not made here; only the credentials' presence was checked",
                "the completion through the gateway below is the real test of the call"));
        return results;
    }

    private String awsCredentialSource() {
        if (given("AWS_ACCESS_KEY_ID") && given("AWS_SECRET_ACCESS_KEY")) {
            return "access key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";
        }
        if (given("AWS_BEARER_TOKEN_BEDROCK")) {
            return "Bedrock API key in AWS_BEARER_TOKEN_BEDROCK";
        }
        if (given("AWS_WEB_IDENTITY_TOKEN_FILE") && given("AWS_ROLE_ARN")) {
            return "web identity role " + env.get("AWS_ROLE_ARN");
        }
        if (given("AWS_CONTAINER_CREDENTIALS_FULL_URI") || given("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
            return "container credentials (EKS Pod Identity / ECS task role)";
        }
        if (given("AWS_PROFILE")) {
            return "profile " + env.get("AWS_PROFILE");
        }
        return null;
    }

    private boolean given(String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    private static List<String> servedModels(String body) {
        List<String> ids = new ArrayList<>();
        try {
            for (JsonNode model : JSON.readTree(body).path("data")) {
                ids.add(model.path("id").asText());
            }
        } catch (Exception e) {
            // not a model list: reported as serving nothing
        }
        return ids;
    }
}
