package io.github.aigateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Expected outputs kept under {@code src/test/resources/golden/}. They are reviewed by hand; run the
 * tests with {@code -Dgolden.update=true} to rewrite them after an intended prompt change, then review the diff.
 */
final class GoldenFiles {

    private static final Path ROOT = Path.of("src/test/resources/golden");

    private GoldenFiles() {
    }

    /** A golden file another test writes, read as it is (never rewritten, even with {@code golden.update}). */
    static String read(String name) {
        try {
            return Files.readString(ROOT.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("missing golden file " + ROOT.resolve(name), e);
        }
    }

    static String expected(String name, String actual) {
        Path file = ROOT.resolve(name);
        try {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("missing golden file " + file + " (run with -Dgolden.update=true once)", e);
        }
    }
}
