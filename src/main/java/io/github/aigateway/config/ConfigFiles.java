package io.github.aigateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the files integrators edit (catalog, prompts): on disk relative to the working directory first,
 * so edits in a checkout or a mounted ConfigMap win; else the copies packaged in the jar.
 */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    public static InputStream open(String location) throws IOException {
        Path file = Path.of(location);
        if (Files.isRegularFile(file)) {
            return Files.newInputStream(file);
        }
        InputStream packaged = ConfigFiles.class.getClassLoader().getResourceAsStream(location.replace('\\', '/'));
        if (packaged == null) {
            throw new IOException("not found on disk or in the jar: " + location);
        }
        return packaged;
    }
}
