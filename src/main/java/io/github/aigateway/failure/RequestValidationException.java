package io.github.aigateway.failure;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request body GitLab's gateway would reject with FastAPI's {@code RequestValidationError}: 422 with
 * {@code {"detail": "Validation error"}}, or the errors themselves when request logging is on.
 */
public class RequestValidationException extends RuntimeException {

    /**
     * One validation error as pydantic reports it; {@code loc} starts with {@code body}, {@code input} is the
     * value that failed (the enclosing object for a missing field), null when not known.
     */
    public record FieldError(String type, List<Object> loc, String msg, JsonNode input) {

        public FieldError(String type, List<Object> loc, String msg) {
            this(type, loc, msg, null);
        }
    }

    private final List<FieldError> errors;

    public RequestValidationException(List<FieldError> errors) {
        super(errors.isEmpty() ? "invalid request" : errors.get(0).msg());
        this.errors = List.copyOf(errors);
    }

    public static RequestValidationException of(String type, String msg, Object... loc) {
        return new RequestValidationException(List.of(new FieldError(type, List.of(loc), msg)));
    }

    public List<FieldError> getErrors() {
        return errors;
    }
}
