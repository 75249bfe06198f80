package io.github.aigateway.troubleshoot;

import io.github.aigateway.search.DocsFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Duo Chat's documentation search: whether {@code AIGW_DOCS_DIR} gives the gateway GitLab's docs to search. */
final class DocsChecks {

    private static final String CHECK = "Documentation search";
    private static final String FIX = "set AIGW_DOCS_DIR to a copy of GitLab's doc folder, best of the GitLab version "
            + "you run (README \"Documentation search\")";

    private DocsChecks() {
    }

    static CheckResult run(Map<String, String> env) {
        String directory = env.getOrDefault("AIGW_DOCS_DIR", "").strip();
        if (directory.isEmpty()) {
            return CheckResult.warn(CHECK, "AIGW_DOCS_DIR is not set: Duo Chat's documentation questions get no "
                    + "results and are answered from the model's own knowledge", FIX);
        }
        Path folder;
        int pages;
        try {
            folder = DocsFolder.resolve(Path.of(directory));
            pages = DocsFolder.markdownFiles(folder).size();
        } catch (IllegalStateException | IOException e) {
            return CheckResult.fail(CHECK, "AIGW_DOCS_DIR=" + directory + " is not a readable folder, so the gateway "
                    + "refuses to start", "point AIGW_DOCS_DIR at a copy of GitLab's doc folder, or unset it");
        }
        if (pages == 0) {
            return CheckResult.warn(CHECK, folder + " holds no Markdown pages: Duo Chat's documentation questions "
                    + "get no results and are answered from the model's own knowledge", FIX);
        }
        return CheckResult.pass(CHECK, pages + " Markdown pages in " + folder);
    }
}
