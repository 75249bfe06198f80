package io.github.aigateway.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PythonJsonTest {

    @Test
    void writes_what_python_json_dumps_writes() {
        ObjectNode event = Json.MAPPER.createObjectNode().put("type", "final_answer_delta");
        event.putObject("data").put("text", "caf\u00e9 \uD83D\uDE00 \u0001\u007f\t\"\\/<");

        // python3 -c 'import json; print(json.dumps({"type": "final_answer_delta", "data": {"text": ...}}))'
        assertThat(PythonJson.write(event)).isEqualTo(
                "{\"type\": \"final_answer_delta\", \"data\": {\"text\": \"caf\\u00e9 \\ud83d\\ude00 \\u0001\\u007f\\t\\\"\\\\/<\"}}");
    }

    @Test
    void writes_booleans_and_arrays_with_python_separators() {
        ObjectNode event = Json.MAPPER.createObjectNode().put("message", "x").put("retryable", false);
        event.putArray("list").add(1).add("a");

        assertThat(PythonJson.write(event)).isEqualTo("{\"message\": \"x\", \"retryable\": false, \"list\": [1, \"a\"]}");
    }
}
