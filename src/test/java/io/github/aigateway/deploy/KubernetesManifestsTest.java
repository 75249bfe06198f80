package io.github.aigateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under {@code deploy/kubernetes/} parsed, and the fields that decide whether the gateway
 * runs, scales and stops well checked against the Dockerfile and {@code application.properties}. The
 * ConfigMaps must carry exactly the repository's routes, catalog and prompts; after changing those, run
 * this test with {@code -Ddeploy.update=true} to regenerate {@code configmaps.yaml}.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy/kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, String> SOURCES = Map.of(
            "ai-gateway-routes", "routes", "ai-gateway-catalog", "catalog", "ai-gateway-prompts", "prompts");

    private final Map<String, JsonNode> manifests = load();
    private final JsonNode deployment = manifests.get("Deployment");
    private final JsonNode pod = deployment.path("spec").path("template").path("spec");
    private final JsonNode container = pod.path("containers").path(0);

    @Test
    void every_manifest_is_listed_in_the_kustomization_and_names_its_kind() throws IOException {
        JsonNode kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(resource -> listed.add(resource.asText()));

        assertThat(listed).containsExactlyInAnyOrder("configmaps.yaml", "extensions.yaml", "deployment.yaml", "service.yaml",
                "hpa.yaml", "pdb.yaml");
        assertThat(manifests.keySet()).contains("Deployment", "Service", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "ConfigMap/ai-gateway-routes", "ConfigMap/ai-gateway-catalog", "ConfigMap/ai-gateway-prompts",
                "ConfigMap/ai-gateway-extensions");
        assertThat(manifests.get("HorizontalPodAutoscaler").path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(manifests.get("PodDisruptionBudget").path("apiVersion").asText()).isEqualTo("policy/v1");
    }

    @Test
    void service_pdb_and_hpa_select_the_deployments_pods() {
        JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
        JsonNode selector = deployment.path("spec").path("selector").path("matchLabels");

        assertThat(selector).isEqualTo(podLabels);
        assertThat(manifests.get("Service").path("spec").path("selector")).isEqualTo(podLabels);
        assertThat(manifests.get("PodDisruptionBudget").path("spec").path("selector").path("matchLabels")).isEqualTo(podLabels);
        JsonNode target = manifests.get("HorizontalPodAutoscaler").path("spec").path("scaleTargetRef");
        assertThat(target.path("kind").asText()).isEqualTo("Deployment");
        assertThat(target.path("name").asText()).isEqualTo(deployment.path("metadata").path("name").asText());
    }

    @Test
    void a_voluntary_disruption_always_leaves_a_pod_serving() {
        int minReplicas = manifests.get("HorizontalPodAutoscaler").path("spec").path("minReplicas").asInt();
        int minAvailable = manifests.get("PodDisruptionBudget").path("spec").path("minAvailable").asInt();

        assertThat(minAvailable).isPositive().isLessThan(minReplicas);
        assertThat(deployment.path("spec").path("strategy").path("rollingUpdate").path("maxUnavailable").asInt()).isZero();
    }

    @Test
    void the_service_exposes_the_gitlab_port_and_the_metrics_port() {
        Map<String, Integer> containerPorts = new TreeMap<>();
        container.path("ports").forEach(port -> containerPorts.put(port.path("name").asText(), port.path("containerPort").asInt()));
        Map<Integer, String> servicePorts = new TreeMap<>();
        manifests.get("Service").path("spec").path("ports").forEach(port ->
                servicePorts.put(port.path("port").asInt(), port.path("targetPort").asText()));

        assertThat(containerPorts).containsExactlyInAnyOrderEntriesOf(Map.of("http", 5052, "metrics", 8082));
        assertThat(servicePorts).containsExactlyInAnyOrderEntriesOf(Map.of(5052, "http", 8082, "metrics"));
        assertThat(env("AIGW_FASTAPI__API_PORT")).isEqualTo("5052");
        assertThat(env("AIGW_FASTAPI__METRICS_PORT")).isEqualTo("8082");
        JsonNode annotations = deployment.path("spec").path("template").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("8082");
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
    }

    @Test
    void probes_use_liveness_and_readiness_on_the_gitlab_port() {
        assertThat(probe("livenessProbe")).isEqualTo("/monitoring/healthz on http");
        assertThat(probe("startupProbe")).isEqualTo("/monitoring/healthz on http");
        assertThat(probe("readinessProbe")).isEqualTo("/monitoring/ready on http");
    }

    @Test
    void pods_run_as_the_images_non_root_user_on_a_read_only_root() throws IOException {
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(user.find()).isTrue();
        JsonNode podSecurity = pod.path("securityContext");
        JsonNode security = container.path("securityContext");

        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("runAsUser").asText()).isEqualTo(user.group(1));
        assertThat(podSecurity.path("runAsGroup").asText()).isEqualTo(user.group(2));
        assertThat(podSecurity.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(mountOf("tmp")).isEqualTo("/tmp");
        assertThat(volume("tmp").has("emptyDir")).isTrue();
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    }

    @Test
    void requests_and_limits_are_set() {
        JsonNode resources = container.path("resources");

        for (String kind : List.of("requests", "limits")) {
            assertThat(resources.path(kind).path("cpu").asText()).as(kind).isNotEmpty();
            assertThat(resources.path(kind).path("memory").asText()).as(kind).isNotEmpty();
        }
    }

    @Test
    void termination_grace_covers_the_pre_stop_pause_and_camels_shutdown_timeout() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(Path.of("application.properties"))));
        int shutdownTimeout = Integer.parseInt(properties.getProperty("camel.main.shutdownTimeout").strip());
        JsonNode preStop = container.path("lifecycle").path("preStop").path("exec").path("command");
        int preStopSeconds = preStop.path(0).asText().equals("sleep") ? preStop.path(1).asInt() : 0;

        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(shutdownTimeout + preStopSeconds);
        assertThat(preStopSeconds).isPositive();
    }

    @Test
    void model_credentials_come_from_secrets_only() {
        for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION_NAME")) {
            JsonNode variable = envVariable(name);
            assertThat(variable.has("value")).as(name).isFalse();
            assertThat(variable.path("valueFrom").path("secretKeyRef").path("name").asText()).as(name).isEqualTo("ai-gateway-aws");
            assertThat(variable.path("valueFrom").path("secretKeyRef").path("optional").asBoolean()).as(name).isTrue();
        }
        assertThat(container.path("envFrom").findValuesAsText("name")).contains("ai-gateway-azure");
        container.path("env").forEach(variable -> {
            if (variable.path("name").asText().matches(".*(KEY|SECRET|TOKEN|PASSWORD).*")) {
                assertThat(variable.has("value")).as(variable.path("name").asText() + " set in clear").isFalse();
            }
        });
    }

    @Test
    void routes_catalog_and_prompts_are_read_from_the_mounted_configmaps() {
        assertThat(env("AIGW_ROUTES_DIR")).isEqualTo(mountOf("routes"));
        assertThat(env("AIGW_CATALOG_FILE")).isEqualTo(mountOf("catalog") + "/models.yaml");
        assertThat(env("AIGW_PROMPTS_DIR")).isEqualTo(mountOf("prompts"));
        assertThat(volume("routes").path("configMap").path("name").asText()).isEqualTo("ai-gateway-routes");
        assertThat(volume("catalog").path("configMap").path("name").asText()).isEqualTo("ai-gateway-catalog");
        assertThat(volume("prompts").path("configMap").path("name").asText()).isEqualTo("ai-gateway-prompts");
    }

    @Test
    void extension_routes_come_from_a_configmap_of_their_own_empty_by_default() {
        assertThat(env("AIGW_EXTENSIONS_DIR")).isEqualTo(mountOf("extensions"));
        assertThat(volume("extensions").path("configMap").path("name").asText()).isEqualTo("ai-gateway-extensions");
        assertThat(manifests.get("ConfigMap/ai-gateway-extensions").path("data").size()).isZero();
        assertThat(SOURCES).doesNotContainKey("ai-gateway-extensions");
    }

    @Test
    void every_prompt_is_placed_back_in_its_feature_folder() throws IOException {
        Map<String, String> items = new TreeMap<>();
        volume("prompts").path("configMap").path("items").forEach(item ->
                items.put(item.path("key").asText(), item.path("path").asText()));
        Map<String, String> expected = new TreeMap<>();
        for (String path : files("prompts").keySet()) {
            expected.put(configMapKey(path), path);
        }

        assertThat(items).as("prompts volume items in deployment.yaml").isEqualTo(expected);
    }

    @Test
    void configmaps_carry_exactly_the_repositorys_files() throws IOException {
        String expected = configMaps();
        if (Boolean.getBoolean("deploy.update")) {
            Files.writeString(DIR.resolve("configmaps.yaml"), expected);
        }
        for (Map.Entry<String, String> source : SOURCES.entrySet()) {
            Map<String, String> data = new TreeMap<>();
            manifests.get("ConfigMap/" + source.getKey()).path("data").fields()
                    .forEachRemaining(entry -> data.put(entry.getKey(), entry.getValue().asText()));
            Map<String, String> files = new TreeMap<>();
            files(source.getValue()).forEach((path, content) -> files.put(configMapKey(path), content));

            assertThat(data).as(source.getKey() + " in configmaps.yaml (rerun with -Ddeploy.update=true)").isEqualTo(files);
        }
    }

    private String probe(String name) {
        JsonNode get = container.path(name).path("httpGet");
        return get.path("path").asText() + " on " + get.path("port").asText();
    }

    private String env(String name) {
        return envVariable(name).path("value").asText();
    }

    private JsonNode envVariable(String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private String mountOf(String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("no mount of " + volume);
    }

    private JsonNode volume(String name) {
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    /** ConfigMap keys are flat: {@code code_completions/codestral.peb} becomes {@code code_completions.codestral.peb}. */
    private static String configMapKey(String relativePath) {
        return relativePath.replace('/', '.');
    }

    /** The files under a repository folder, by path relative to it. */
    private static Map<String, String> files(String folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(Path.of(folder))) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(Path.of(folder).relativize(path).toString().replace('\\', '/'),
                        Files.readString(path, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static String configMaps() throws IOException {
        YAMLMapper writer = new YAMLMapper(YAMLFactory.builder()
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .build());
        StringBuilder text = new StringBuilder("""
                # Routes, model catalog and prompts for the gateway's pods. In a cluster, edit these ConfigMaps and
                # restart the pods (kubectl rollout restart deployment/ai-gateway). In this repository they are
                # generated from routes/, catalog/ and prompts/ by KubernetesManifestsTest with -Ddeploy.update=true.
                """);
        for (String name : List.of("ai-gateway-routes", "ai-gateway-catalog", "ai-gateway-prompts")) {
            ObjectNode configMap = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
            configMap.putObject("metadata").put("name", name).putObject("labels").put("app.kubernetes.io/name", "ai-gateway");
            ObjectNode data = configMap.putObject("data");
            files(SOURCES.get(name)).forEach((path, content) -> data.put(configMapKey(path), content));
            text.append(writer.writeValueAsString(configMap));
        }
        return text.toString();
    }

    private static Map<String, JsonNode> load() {
        Map<String, JsonNode> byKind = new TreeMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".yaml")).sorted().toList()) {
                if (file.getFileName().toString().equals("kustomization.yaml")
                        || file.getFileName().toString().equals("secrets.example.yaml")) {
                    continue;
                }
                for (JsonNode document : YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll()) {
                    assertThat(document.path("apiVersion").asText()).as(file + " apiVersion").isNotEmpty();
                    assertThat(document.path("metadata").path("name").asText()).as(file + " name").isNotEmpty();
                    String kind = document.path("kind").asText();
                    byKind.put(kind.equals("ConfigMap") ? kind + "/" + document.path("metadata").path("name").asText() : kind, document);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return byKind;
    }
}
