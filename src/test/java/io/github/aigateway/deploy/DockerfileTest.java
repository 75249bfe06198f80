package io.github.aigateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.aigateway.deploy.DockerfileInstructions.Instruction;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Dockerfile against common lint rules (hadolint's and the CIS benchmark's), read as text since no
 * Docker engine runs here; the HEALTHCHECK command itself is run with bash against a local server.
 */
class DockerfileTest {

    private final DockerfileInstructions dockerfile = DockerfileInstructions.read(Path.of("Dockerfile"));
    private final List<Instruction> instructions = dockerfile.all();

    @Test
    void base_images_are_pinned_to_a_release() {
        List<String> images = arguments("FROM").stream().map(from -> from.split("\\s+")[0]).toList();

        assertThat(images).hasSize(2).allSatisfy(image -> {
            assertThat(image).contains(":").doesNotEndWith(":latest");
            assertThat(image.substring(image.indexOf(':') + 1)).matches(".*\\d+\\.\\d+.*");
        });
    }

    @Test
    void the_runtime_stage_runs_as_a_numeric_non_root_user() {
        List<Instruction> runtime = dockerfile.runtimeStage();
        List<String> users = runtime.stream().filter(i -> i.keyword().equals("USER")).map(Instruction::arguments).toList();

        assertThat(users).hasSize(1);
        assertThat(users.get(0)).matches("[1-9]\\d*:[1-9]\\d*");
        assertThat(indexOf(runtime, "USER")).isLessThan(indexOf(runtime, "ENTRYPOINT"));
    }

    @Test
    void dependencies_are_layered_before_the_sources_and_the_jar() {
        List<String> lines = instructions.stream().map(i -> i.keyword() + " " + i.arguments()).toList();

        assertThat(lines.indexOf("COPY pom.xml ./")).isLessThan(lines.indexOf("RUN mvn -B -ntp dependency:go-offline"));
        assertThat(lines.indexOf("RUN mvn -B -ntp dependency:go-offline")).isLessThan(lines.indexOf("COPY src src"));
        assertThat(lines.indexOf("COPY --from=build /build/target/lib/ lib/"))
                .isLessThan(lines.indexOf("COPY --from=build /build/target/ai-gateway.jar ai-gateway.jar"));
    }

    @Test
    void nothing_is_added_from_urls_and_no_secret_is_baked_in() {
        assertThat(arguments("ADD")).isEmpty();
        for (String keyword : List.of("ENV", "ARG", "LABEL")) {
            assertThat(arguments(keyword)).allSatisfy(argument -> assertThat(argument.toUpperCase(Locale.ROOT))
                    .doesNotContain("KEY=").doesNotContain("SECRET").doesNotContain("TOKEN").doesNotContain("PASSWORD"));
        }
    }

    @Test
    void apt_installs_skip_recommends_and_clean_their_lists() {
        assertThat(arguments("RUN")).filteredOn(run -> run.contains("apt-get install")).allSatisfy(run ->
                assertThat(run).contains("--no-install-recommends").contains("rm -rf /var/lib/apt/lists/*"));
    }

    @Test
    void both_ports_are_exposed_and_the_entrypoint_is_exec_form() {
        assertThat(arguments("EXPOSE")).containsExactly("5052 8082");
        assertThat(arguments("ENTRYPOINT"))
                .containsExactly("[\"java\", \"-XX:AOTCache=/app/ai-gateway.aot\", \"-jar\", \"/app/ai-gateway.jar\"]");
    }

    @Test
    void the_aot_cache_is_recorded_as_root_after_every_file_the_gateway_loads_is_in_place() {
        List<Instruction> runtime = dockerfile.runtimeStage();
        int training = -1;
        for (int i = 0; i < runtime.size(); i++) {
            if (runtime.get(i).arguments().contains("-XX:AOTCacheOutput=/app/ai-gateway.aot")) {
                training = i;
            }
        }
        int lastCopy = -1;
        for (int i = 0; i < runtime.size(); i++) {
            if (runtime.get(i).keyword().equals("COPY")) {
                lastCopy = i;
            }
        }

        assertThat(training).isPositive();
        assertThat(runtime.get(training).keyword()).isEqualTo("RUN");
        // a jar copied after the training would not match the cache; /app is root's, so before USER
        assertThat(training).isGreaterThan(lastCopy).isLessThan(indexOf(runtime, "USER"));
    }

    @Test
    void gitlabs_docs_are_copied_from_a_folder_that_exists_even_when_empty() {
        List<Instruction> runtime = dockerfile.runtimeStage();

        assertThat(runtime).extracting(i -> i.keyword() + " " + i.arguments()).contains("COPY gitlab-docs/ gitlab-docs/");
        assertThat(Path.of("gitlab-docs")).isDirectory();
        assertThat(arguments("ENV")).anySatisfy(env -> assertThat(env).contains("AIGW_DOCS_DIR=/app/gitlab-docs"));
    }

    @Test
    void the_build_context_leaves_out_build_output_and_git() throws Exception {
        assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("target/", ".git/");
    }

    @Test
    void the_healthcheck_uses_no_tool_the_jre_image_lacks() {
        String healthcheck = String.join("\n", arguments("HEALTHCHECK"));

        assertThat(healthcheck).contains("/monitoring/healthz").doesNotContain("curl").doesNotContain("wget");
    }

    @ParameterizedTest(name = "liveness answering {0} → exit code zero: {1}")
    @CsvSource({"200, true", "503, false"})
    void the_healthcheck_command_passes_only_on_200(int status, boolean healthy) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/monitoring/healthz", exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try {
            ProcessBuilder check = new ProcessBuilder(healthcheckCommand()).redirectErrorStream(true);
            check.environment().put("AIGW_FASTAPI__API_PORT", String.valueOf(server.getAddress().getPort()));
            Process process = check.start();

            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue() == 0).isEqualTo(healthy);
        } finally {
            server.stop(0);
        }
    }

    private List<String> healthcheckCommand() throws Exception {
        String healthcheck = arguments("HEALTHCHECK").get(0);
        String json = healthcheck.substring(healthcheck.indexOf("CMD ") + 4).strip();
        return List.of(new ObjectMapper().readValue(json, String[].class));
    }

    private static int indexOf(List<Instruction> stage, String keyword) {
        for (int i = 0; i < stage.size(); i++) {
            if (stage.get(i).keyword().equals(keyword)) {
                return i;
            }
        }
        return -1;
    }

    private List<String> arguments(String keyword) {
        return dockerfile.arguments(keyword);
    }
}
