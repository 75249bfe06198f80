package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which route files the gateway loads: the core routes, then the site's extension folder. */
class RoutesPatternTest {

    @Test
    void the_core_routes_alone_without_an_extension_folder() {
        assertThat(GatewayApplication.routesPattern(Map.of())).isEqualTo("file:routes/*.camel.yaml");
    }

    @Test
    void the_extension_folder_is_loaded_after_the_core_routes(@TempDir Path extensions) {
        assertThat(GatewayApplication.routesPattern(Map.of("AIGW_EXTENSIONS_DIR", extensions.toString())))
                .isEqualTo("file:routes/*.camel.yaml,file:" + extensions.toAbsolutePath() + "/*.camel.yaml");
    }

    @Test
    void a_core_routes_folder_of_its_own_comes_first(@TempDir Path dir) throws Exception {
        Path core = Files.createDirectory(dir.resolve("core"));
        Path extensions = Files.createDirectory(dir.resolve("site"));

        assertThat(GatewayApplication.routesPattern(Map.of("AIGW_ROUTES_DIR", core.toString(),
                "AIGW_EXTENSIONS_DIR", extensions.toString())))
                .isEqualTo("file:" + core + "/*.camel.yaml,file:" + extensions + "/*.camel.yaml");
    }

    @Test
    void a_named_extension_folder_that_does_not_exist_stops_the_start(@TempDir Path dir) {
        String missing = dir.resolve("routes.d").toString();

        assertThatThrownBy(() -> GatewayApplication.routesPattern(Map.of("AIGW_EXTENSIONS_DIR", missing)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("AIGW_EXTENSIONS_DIR=" + missing + " is not a folder");
    }
}
