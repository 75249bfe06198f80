package io.github.aigateway.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The folder {@code AIGW_DOCS_DIR} names, as the gateway and the troubleshoot command read it. */
public final class DocsFolder {

    private DocsFolder() {
    }

    /**
     * The folder of Markdown pages: {@code configured} itself, or its {@code doc} folder when it is a
     * checkout of GitLab; refused when it is no readable folder.
     */
    public static Path resolve(Path configured) {
        if (!Files.isDirectory(configured) || !Files.isReadable(configured)) {
            throw new IllegalStateException("AIGW_DOCS_DIR=" + configured + " is not a readable folder: point it at "
                    + "a copy of GitLab's doc folder, or leave it unset to answer documentation searches with no results");
        }
        Path doc = configured.resolve("doc");
        return Files.isDirectory(doc) ? doc : configured;
    }

    /** The Markdown pages under {@code folder}, in a stable order. */
    public static List<Path> markdownFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".md") && Files.isRegularFile(file))
                    .sorted().toList();
        }
    }
}
