package io.github.aigateway.failure;

/**
 * An error answer in GitLab's shape.
 *
 * @param status     HTTP status
 * @param body       JSON body
 * @param retryAfter {@code Retry-After} value, or null
 */
public record ErrorReply(int status, String body, String retryAfter) {
}
