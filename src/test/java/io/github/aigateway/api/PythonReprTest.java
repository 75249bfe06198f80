package io.github.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.failure.RequestValidationException;
import io.github.aigateway.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonReprTest {

    @Test
    void prints_errors_as_python_prints_a_list_of_dicts_with_tuple_locations() throws Exception {
        JsonNode input = Json.MAPPER.readTree("{\"a\": [1, 2.5, true, null], \"b\": \"it's\"}");
        String repr = PythonRepr.errors(List.of(
                new RequestValidationException.FieldError("missing", List.of("body", 2, "current_file"), "Field required", input),
                new RequestValidationException.FieldError("json_invalid", List.of("body"), "JSON decode error")));
        assertThat(repr).isEqualTo("[{'type': 'missing', 'loc': ('body', 2, 'current_file'), 'msg': 'Field required',"
                + " 'input': {'a': [1, 2.5, True, None], 'b': \"it's\"}},"
                + " {'type': 'json_invalid', 'loc': ('body',), 'msg': 'JSON decode error'}]");
    }

    @Test
    void escapes_strings_as_python_repr_does() {
        assertThat(PythonRepr.string("a'b\"c\\\n\t\u0001é")).isEqualTo("'a\\'b\"c\\\\\\n\\t\\x01é'");
        assertThat(PythonRepr.string("\u2028")).isEqualTo("'\\u2028'");
    }
}
