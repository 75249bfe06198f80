package io.github.aigateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.search.DocsSearchRequest;
import java.math.BigInteger;
import org.apache.camel.Exchange;

/**
 * Reads GitLab's documentation search body ({@code POST /v1/search/gitlab-docs}) with the limits of
 * GitLab's gateway's {@code SearchRequest}; anything else gets its 422.
 */
public class GitLabSearchRequests {

    /** GitLab's gateway's {@code DEFAULT_PAGE_SIZE}. */
    static final int DEFAULT_PAGE_SIZE = 4;
    private static final int MIN_PAGE_SIZE = 1;
    private static final int MAX_PAGE_SIZE = 20;
    private static final int MAX_QUERY_CHARS = 400_000;
    private static final int MAX_FIELD_CHARS = 100;

    /** {@code {"type", "metadata": {"source", "version"}, "payload": {"query", "page_size"?}}}, as Rails' DocsClient sends it. */
    public DocsSearchRequest docs(Exchange exchange) {
        JsonBody body = JsonBody.of(exchange);
        JsonNode root = body.root();
        limited(body, body.string(root, "type", true, null), MAX_FIELD_CHARS, "type");
        JsonNode metadata = body.object(root, "metadata", true);
        String version = null;
        if (metadata != null) {
            limited(body, body.string(metadata, "source", true, null, "metadata"), MAX_FIELD_CHARS, "source", "metadata");
            version = limited(body, body.string(metadata, "version", true, null, "metadata"), MAX_FIELD_CHARS,
                    "version", "metadata");
        }
        JsonNode payload = body.object(root, "payload", true);
        String query = null;
        int pageSize = DEFAULT_PAGE_SIZE;
        if (payload != null) {
            query = limited(body, body.string(payload, "query", true, null, "payload"), MAX_QUERY_CHARS, "query", "payload");
            pageSize = pageSize(body, payload.get("page_size"));
        }
        body.check();
        return new DocsSearchRequest(query, pageSize, version);
    }

    /** {@code value}, or pydantic's error when it has more than {@code maxChars} characters. */
    private static String limited(JsonBody body, String value, int maxChars, String field, Object... parents) {
        if (value != null && value.codePointCount(0, value.length()) > maxChars) {
            body.error("string_too_long", "String should have at most " + maxChars + " characters", parents, field);
        }
        return value;
    }

    /** An integer as pydantic reads one (an integral number, a string of one, or a boolean) within 1 to 20. */
    private static int pageSize(JsonBody body, JsonNode value) {
        Object[] at = {"payload"};
        if (value == null || value.isNull()) {
            return DEFAULT_PAGE_SIZE;
        }
        BigInteger number;
        if (value.isIntegralNumber()) {
            number = value.bigIntegerValue();
        } else if (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0) {
            number = value.decimalValue().toBigInteger();
        } else if (value.isNumber()) {
            body.error("int_from_float", "Input should be a valid integer, got a number with a fractional part", at, "page_size");
            return DEFAULT_PAGE_SIZE;
        } else if (value.isBoolean()) {
            number = value.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        } else if (value.isTextual() && value.textValue().strip().matches("[+-]?\\d+")) {
            number = new BigInteger(value.textValue().strip());
        } else if (value.isTextual()) {
            body.error("int_parsing", "Input should be a valid integer, unable to parse string as an integer", at, "page_size");
            return DEFAULT_PAGE_SIZE;
        } else {
            body.error("int_type", "Input should be a valid integer", at, "page_size");
            return DEFAULT_PAGE_SIZE;
        }
        if (number.compareTo(BigInteger.valueOf(MIN_PAGE_SIZE)) < 0) {
            body.error("greater_than_equal", "Input should be greater than or equal to " + MIN_PAGE_SIZE, at, "page_size");
            return DEFAULT_PAGE_SIZE;
        }
        if (number.compareTo(BigInteger.valueOf(MAX_PAGE_SIZE)) > 0) {
            body.error("less_than_equal", "Input should be less than or equal to " + MAX_PAGE_SIZE, at, "page_size");
            return DEFAULT_PAGE_SIZE;
        }
        return number.intValue();
    }
}
