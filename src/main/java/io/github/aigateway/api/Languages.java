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

    private Languages() {
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
