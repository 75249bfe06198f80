package io.github.aigateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * Reads a GitLab request body once and checks field types the way FastAPI would, collecting every
 * problem into one 422 answer.
 */
final class JsonBody {

    // the gateway's mapper (shared buffers), strict about anything after the body's JSON
    static final ObjectReader READER = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode root;
    private final List<RequestValidationException.FieldError> errors = new ArrayList<>();

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
                error("missing", "Field required", loc, field);
            }
            return null;
        }
        if (!value.isObject()) {
            error("model_attributes_type", "Input should be a valid dictionary", loc, field);
            return null;
        }
        return value;
    }

    /** A string field; {@code fallback} when absent and optional. */
    String string(JsonNode parent, String field, boolean required, String fallback, Object... loc) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                error("missing", "Field required", loc, field);
            }
            return fallback;
        }
        if (!value.isTextual()) {
            error("string_type", "Input should be a valid string", loc, field);
            return fallback;
        }
        return value.textValue();
    }

    boolean bool(JsonNode parent, String field, Object... loc) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            error("bool_type", "Input should be a valid boolean", loc, field);
            return false;
        }
        return value.booleanValue();
    }

    JsonNode array(JsonNode parent, String field, Object... loc) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            error("list_type", "Input should be a valid list", loc, field);
            return null;
        }
        return value;
    }

    void error(String type, String msg, Object[] loc, Object last) {
        List<Object> path = new ArrayList<>(List.of(loc));
        path.add(0, "body");
        path.add(last);
        errors.add(new RequestValidationException.FieldError(type, path, msg));
    }

    /** Throws the collected problems, if any, as one 422. */
    void check() {
        if (!errors.isEmpty()) {
            throw new RequestValidationException(errors);
        }
    }
}
