package io.github.aigateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The container's AOT cache, without a Docker engine: the Dockerfile's own training {@code RUN} and
 * {@code ENTRYPOINT}, with {@code /app/} read as this checkout's {@code target/}, against the packaged jar.
 * The check start uses {@code -XX:AOTMode=on}, which refuses to start when the cache cannot be used.
 */
class AotCacheIT {

    private static final String API_PORT = "15191";

    private final DockerfileInstructions dockerfile = DockerfileInstructions.read(Path.of("Dockerfile"));
    private final Path target = Path.of("target").toAbsolutePath();
    private final String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();

    @Test
    void the_training_start_records_a_cache_that_the_entrypoint_uses() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        Path cache = target.resolve("ai-gateway.aot");
        Files.deleteIfExists(cache);

        String training = atTarget(dockerfile.run("-XX:AOTCacheOutput="));
        Process trained = start(List.of("bash", "-c", training), target.resolve("aot-training-it.log"));
        assertThat(trained.waitFor(180, TimeUnit.SECONDS)).as("training start ended").isTrue();
        assertThat(trained.exitValue()).as("see target/aot-training-it.log").isZero();
        assertThat(cache).isNotEmptyFile();

        List<String> entrypoint = new ArrayList<>(List.of(new ObjectMapper()
                .readValue(atTarget(dockerfile.arguments("ENTRYPOINT").get(0)), String[].class)));
        // the process is looked up on the test's PATH, not the child's: name this JVM's java
        entrypoint.set(0, javaBin + File.separator + entrypoint.get(0));
        entrypoint.add(1, "-XX:AOTMode=on");
        Path log = target.resolve("aot-start-it.log");
        Process started = start(entrypoint, log);
        assertThat(started.waitFor(60, TimeUnit.SECONDS)).as("start with the cache ended").isTrue();

        assertThat(started.exitValue()).as("see target/aot-start-it.log").isZero();
        assertThat(Files.readString(log)).contains("Apache Camel 4.13.0 (ai-gateway) started").doesNotContain("][aot]");
    }

    private String atTarget(String dockerfileText) {
        return dockerfileText.replace("/app/", target + "/");
    }

    /** Runs in the checkout, whose routes, catalog, prompts and properties are the image's /app copies. */
    private Process start(List<String> command, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PATH", javaBin + File.pathSeparator + System.getenv("PATH"));
        builder.environment().put("AIGW_FASTAPI__API_PORT", API_PORT);
        builder.environment().put("CAMEL_MAIN_DURATIONMAXSECONDS", "1");
        return builder.start();
    }
}
