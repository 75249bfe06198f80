package io.github.aigateway.api;

import java.util.Locale;
import java.util.Map;

/** Resolves the language name that prompts show, from the IDE's identifier or the file extension. */
final class Languages {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("c", "c"), Map.entry("h", "c"), Map.entry("cpp", "c++"), Map.entry("cc", "c++"),
            Map.entry("hpp", "c++"), Map.entry("cs", "c#"), Map.entry("go", "go"), Map.entry("java", "java"),
            Map.entry("js", "javascript"), Map.entry("jsx", "javascript"), Map.entry("mjs", "javascript"),
            Map.entry("ts", "typescript"), Map.entry("tsx", "typescript"), Map.entry("py", "python"),
            Map.entry("rb", "ruby"), Map.entry("rs", "rust"), Map.entry("php", "php"), Map.entry("kt", "kotlin"),
            Map.entry("kts", "kotlin"), Map.entry("scala", "scala"), Map.entry("swift", "swift"),
            Map.entry("sh", "shell"), Map.entry("bash", "shell"), Map.entry("sql", "sql"),
            Map.entry("tf", "terraform"), Map.entry("hcl", "terraform"), Map.entry("vue", "vue"),
            Map.entry("svelte", "svelte"), Map.entry("html", "html"), Map.entry("css", "css"),
            Map.entry("yaml", "yaml"), Map.entry("yml", "yaml"), Map.entry("json", "json"),
            Map.entry("md", "markdown"), Map.entry("lua", "lua"), Map.entry("r", "r"), Map.entry("dart", "dart"),
            Map.entry("ex", "elixir"), Map.entry("exs", "elixir"), Map.entry("erl", "erlang"),
            Map.entry("hs", "haskell"), Map.entry("clj", "clojure"), Map.entry("groovy", "groovy"),
            Map.entry("pl", "perl"), Map.entry("m", "objective-c"), Map.entry("ps1", "powershell"));

    /** GitLab's gateway's {@code LanguageId}s by file extension (case counts: {@code .C} is C++)... */
    private static final Map<String, String> LANGUAGE_ID_BY_EXTENSION = Map.ofEntries(
            Map.entry("c", "c"), Map.entry("h", "c"), Map.entry("cpp", "cpp"), Map.entry("hpp", "cpp"),
            Map.entry("c++", "cpp"), Map.entry("h++", "cpp"), Map.entry("cc", "cpp"), Map.entry("hh", "cpp"),
            Map.entry("C", "cpp"), Map.entry("H", "cpp"), Map.entry("cs", "csharp"), Map.entry("go", "go"),
            Map.entry("java", "java"), Map.entry("js", "js"), Map.entry("jsx", "js"), Map.entry("php", "php"),
            Map.entry("php3", "php"), Map.entry("php4", "php"), Map.entry("php5", "php"), Map.entry("phps", "php"),
            Map.entry("phpt", "php"), Map.entry("py", "python"), Map.entry("rb", "ruby"), Map.entry("rs", "rust"),
            Map.entry("scala", "scala"), Map.entry("ts", "ts"), Map.entry("tsx", "ts"), Map.entry("kt", "kotlin"),
            Map.entry("kts", "kotlin"));
    /** ...then by the IDE's language identifier. */
    private static final Map<String, String> LANGUAGE_ID_BY_EDITOR = Map.ofEntries(
            Map.entry("c", "c"), Map.entry("cpp", "cpp"), Map.entry("csharp", "csharp"), Map.entry("go", "go"),
            Map.entry("java", "java"), Map.entry("javascript", "js"), Map.entry("javascriptreact", "js"),
            Map.entry("php", "php"), Map.entry("python", "python"), Map.entry("ruby", "ruby"),
            Map.entry("rust", "rust"), Map.entry("scala", "scala"), Map.entry("typescript", "ts"),
            Map.entry("typescriptreact", "ts"), Map.entry("kotlin", "kotlin"));

    private Languages() {
    }

    /**
     * The {@code lang} GitLab's gateway reports in a v2 answer: its {@code LanguageId} of the file's extension, else
     * of the IDE's identifier, in lower case; empty for a language it does not know.
     */
    static String reported(String languageIdentifier, String fileName) {
        String name = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        // Python's Path.suffix: none for ".bashrc" or "name."
        String extension = dot > 0 && dot < name.length() - 1 ? name.substring(dot + 1) : "";
        String byExtension = LANGUAGE_ID_BY_EXTENSION.get(extension);
        if (byExtension != null) {
            return byExtension;
        }
        return languageIdentifier == null ? "" : LANGUAGE_ID_BY_EDITOR.getOrDefault(languageIdentifier, "");
    }

    static String resolve(String languageIdentifier, String fileName) {
        if (languageIdentifier != null && !languageIdentifier.isBlank()) {
            return languageIdentifier.strip().toLowerCase(Locale.ROOT);
        }
        int dot = fileName == null ? -1 : fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return "";
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), "");
    }
}
