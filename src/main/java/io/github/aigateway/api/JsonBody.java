package io.github.aigateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.aigateway.failure.RequestValidationException;
import io.github.aigateway.json.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * Reads a GitLab request body once and checks field types the way FastAPI would, collecting every
 * problem, with pydantic's type, location and input, into one 422 answer.
 */
final class JsonBody {

    // the gateway's mapper (shared buffers), strict about anything after the body's JSON
    static final ObjectReader READER = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Set<String> TRUE_WORDS = Set.of("1", "on", "t", "true", "y", "yes");
    private static final Set<String> FALSE_WORDS = Set.of("0", "off", "f", "false", "n", "no");

    private final JsonNode root;
    private final List<RequestValidationException.FieldError> errors = new ArrayList<>();
    /** Where fields are below {@code body}: empty, or the tag of the union member being read (pydantic's loc). */
    private final List<Object> within = new ArrayList<>();

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    static JsonBody of(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        byte[] bytes = body instanceof Buffer buffer ? buffer.getBytes() : exchange.getMessage().getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            throw RequestValidationException.of("missing", "Field required", "body");
        }
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? 0 : e.getLocation().getCharOffset();
            throw RequestValidationException.of("json_invalid", "JSON decode error", "body", Math.max(offset, 0));
        } catch (IOException e) {
            throw RequestValidationException.of("json_invalid", "JSON decode error", "body", 0);
        }
        if (root == null || !root.isObject()) {
            throw RequestValidationException.of("model_attributes_type",
                    "Input should be a valid dictionary or object to extract fields from", "body");
        }
        return new JsonBody(root);
    }

    JsonNode root() {
        return root;
    }

    /** An object field; null when absent and optional. */
    JsonNode object(JsonNode parent, String field, boolean required, Object... loc) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                error("missing", "Field required", parent, loc, field);
            }
            return null;
        }
        if (!value.isObject()) {
            error("model_attributes_type", "Input should be a valid dictionary", value, loc, field);
            return null;
        }
        return value;
    }

    /** A string field; {@code fallback} when absent and optional. */
    String string(JsonNode parent, String field, boolean required, String fallback, Object... loc) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                error("missing", "Field required", parent, loc, field);
            }
            return fallback;
        }
        if (!value.isTextual()) {
            error("string_type", "Input should be a valid string", value, loc, field);
            return fallback;
        }
        return value.textValue();
    }

    /** A boolean field, read as pydantic reads one from JSON: also 0 and 1, and words such as "yes" or "off". */
    boolean bool(JsonNode parent, String field, Object... loc) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber() && (value.asLong() == 0 || value.asLong() == 1)) {
            return value.asLong() == 1;
        }
        if (value.isTextual() && TRUE_WORDS.contains(value.textValue().toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (value.isTextual() && FALSE_WORDS.contains(value.textValue().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (value.isTextual() || value.isIntegralNumber()) {
            error("bool_parsing", "Input should be a valid boolean, unable to interpret input", value, loc, field);
        } else {
            error("bool_type", "Input should be a valid boolean", value, loc, field);
        }
        return false;
    }

    JsonNode array(JsonNode parent, String field, Object... loc) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            error("list_type", "Input should be a valid list", value, loc, field);
            return null;
        }
        return value;
    }

    /** pydantic's {@code string_too_long} when {@code value}, {@code parent}'s {@code field}, is longer than {@code max}. */
    void maxLength(JsonNode parent, String field, String value, int max, Object... loc) {
        if (parent != null && value.codePointCount(0, value.length()) > max) {
            error("string_too_long", "String should have at most " + max + " characters", parent.get(field), loc,
                    field);
        }
    }

    /** Reads the fields of one member of a tagged union from here on: pydantic puts its tag after {@code body}. */
    void within(Object tag) {
        within.clear();
        within.add(tag);
    }

    void error(String type, String msg, Object[] loc, Object last) {
        error(type, msg, null, loc, last);
    }

    void error(String type, String msg, JsonNode input, Object[] loc, Object last) {
        List<Object> path = new ArrayList<>();
        path.add("body");
        path.addAll(within);
        path.addAll(List.of(loc));
        if (last != null) {
            path.add(last);
        }
        errors.add(new RequestValidationException.FieldError(type, path, msg, input));
    }

    /** Throws the collected problems, if any, as one 422. */
    void check() {
        if (!errors.isEmpty()) {
            throw new RequestValidationException(errors);
        }
    }
}
