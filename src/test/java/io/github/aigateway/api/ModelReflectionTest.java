package io.github.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GitLab's gateway's own cases for {@code clean_model_reflection} and {@code find_common_lines}
 * (tests/code_suggestions/post_processing/test_clean_model_reflection.py and tests/code_suggestions/processing/test_processing_base.py at
 * 0dce2fe490743d69d71c84ae8accc6dbe7308123), with their context, completion, block size and expected text.
 */
class ModelReflectionTest {

    static Stream<Arguments> gitlabCases() {
        return Stream.of(
                Arguments.of("// This code has a filename of test-2.js and is written in JavaScript.\ntesting",
                        "only\n// This code has a filename of test-2.js and is written in JavaScript.\ntestingonly",
                        2, "only\n"),
                Arguments.of("// This code has a filename of test-2.js and is written in JavaScript.\ntesting",
                        "only",
                        2, "only"),
                Arguments.of("// This code has a filename of test-2.js and is written in JavaScript.\ntesting",
                        "only\n\nconst another_function = () => {} ",
                        2, "only\n\nconst another_function = () => {} "),
                Arguments.of("// this will be a function to read an address\n\nconst readAddress = (address) => {\n    return new Promise((resolve, reject) => {\n        loadFile(address)\n       .then((data) => {\n            resolve(data);\n       })\n      .catch ((err) => {\n          reject(err);\n      });\n    });\n};\n",
                        "\n\n\n// this will be a function to read an address\n\nconst readAddress = (address) => {\n",
                        3, "\n\n\n"),
                Arguments.of("\n // This code has a filename of test.js and is written in JavaScript.\nimport testing;\n\nconst newFunctionForValidatingEmail = (email) => {\n  return emailRegex.test(email);\n}\n\n// For the mask XYZ\nconst writeStringBackwards = (inpStr) => {\n  let outStr = \"\";\n  for (let i = inpStr.length - 1; i >= 0; i--) {\n    outStr += inpStr[i];\n  }\n  return outStr;\n}\n\nexport {\n",
                        " newFunctionForValidatingEmail, writeStringBackwards };\n\n// This code has a filename of test.js and is written in JavaScript.\nimport testing;",
                        3, " newFunctionForValidatingEmail, writeStringBackwards };"),
                Arguments.of(" // This code has a filename of test.js and is written in JavaScript.\nimport testing;\n\nconst newFunctionForValidatingEmail = (email) => {\n  return emailRegex.test(email);\n}\n\n// For the mask XYZ\nconst writeStringBackwards = (inpStr) => {\n  let outStr = '';\n  for (let i = inpStr.length - 1; i >= 0; i--) {\n    outStr += inpStr[i];\n  }\n  return outSt",
                        "r;\n}\n\nconst maskXYZ = (inpStr) => {\n  let outStr = '';",
                        3, "r;\n}\n\nconst maskXYZ = (inpStr) => {\n  let outStr = '';"),
                Arguments.of("# This code has a filename of app.py and is written in Python.\ndef print_hello_world():\n    print(\"Hello World!\")\n\t",
                        "\n# This code has a filename of app.py and is written in Python.\ndef print_hello_world():\n    print(\"Hello World!\")\n",
                        3, ""),
                Arguments.of("# This code has a filename of app.py and is written in Python.\ndef print_hello_world():\n\t",
                        "# This code has a filename of app.py and is written in Python.\n\tprint(\"hello world\")",
                        3, "\n\tprint(\"hello world\")"),
                Arguments.of("\n# frozen_string_literal: true                    \n                                                 \nrequire 'carrierwave/orm/activerecord'           \n                                                 \nclass Project < ApplicationRecord\n  include Gitlab::ConfigHelper\n  include Gitlab::VisibilityLevel\n\n  def print_name\n    puts name\n  end\n\n# Create new code for the following description: method which checks if name is valid\n",
                        "\ndef valid_name?\n  name.present? && name.length <= 255\nend\n\n# Create new code for the following description: method which checks if name is valid\n",
                        5, "\ndef valid_name?\n  name.present? && name.length <= 255\nend\n\n# Create new code for the following description: method which checks if name is valid\n"),
                Arguments.of("   ",
                        "",
                        3, ""),
                Arguments.of("def hello_world():",
                        "\n\n  ",
                        3, "\n\n  "),
                Arguments.of("def hello \n\n\n ",
                        "\n\n\n",
                        3, "\n\n\n"));
    }

    @ParameterizedTest
    @MethodSource("gitlabCases")
    void cleans_a_repeat_of_the_code_above_the_cursor_as_gitlab_does(String context, String completion,
                                                                      int minBlockSize, String expected) {
        assertThat(ModelReflection.clean(context, completion, minBlockSize)).isEqualTo(expected);
    }

    static Stream<Arguments> gitlabCommonLines() {
        return Stream.of(
                Arguments.of(List.of(), List.of(), List.of()),
                Arguments.of(List.of(), List.of("abc"), List.of()),
                Arguments.of(List.of("abc"), List.of(), List.of()),
                Arguments.of(List.of("abc"), List.of("def"), List.of()),
                Arguments.of(List.of("abc", "def"), List.of("abc", "def"), List.of(List.of(0, 1))),
                Arguments.of(List.of("abc", "abc", "a", "abc", "def"), List.of("abc", "def", "a"),
                        List.of(List.of(0, 1), List.of(2))),
                Arguments.of(List.of("b", "abc", "def", "a", "abc", "def"), List.of("abc", "def", "c", "abc", "def", "k"),
                        List.of(List.of(0, 1), List.of(3, 4))),
                Arguments.of(List.of("abc"), List.of("abc"), List.of(List.of(0))));
    }

    @ParameterizedTest
    @MethodSource("gitlabCommonLines")
    void groups_repeated_lines_as_gitlab_does(List<String> source, List<String> target, List<List<Integer>> expected) {
        assertThat(ModelReflection.commonLines(source, target)).isEqualTo(expected);
    }
}
