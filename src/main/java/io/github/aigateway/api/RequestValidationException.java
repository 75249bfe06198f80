package io.github.aigateway.api;

import java.util.List;

/**
 * A request body GitLab's gateway would reject with FastAPI's 422 list:
 * {@code {"detail": [{"type": ..., "loc": ["body", ...], "msg": ...}]}}.
 */
public class RequestValidationException extends RuntimeException {

    /** One entry of the 422 list; {@code loc} is the path below {@code body}. */
    public record FieldError(String type, List<Object> loc, String msg) {
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
