package io.github.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguagesTest {

    /** GitLab's gateway's LanguageId names (ai_gateway/code_suggestions/processing/ops.py at 0dce2fe490). */
    @ParameterizedTest(name = "{0} ({1}) is reported as ''{2}''")
    @CsvSource(nullValues = "none", value = {
        "main.py, none, python",
        "src/app.tsx, none, ts",
        "widget.C, none, cpp",
        "widget.c, none, c",
        "Program.cs, none, csharp",
        "index.php5, none, php",
        "Dockerfile, none, ''",
        ".bashrc, none, ''",
        "notes., none, ''",
        "script, javascriptreact, js",
        "main.py, ruby, python",
        "README.md, markdown, ''"})
    void reports_the_language_as_gitlabs_gateway_names_it(String fileName, String editorLanguage, String expected) {
        assertThat(Languages.reported(editorLanguage, fileName)).isEqualTo(expected);
    }
}
