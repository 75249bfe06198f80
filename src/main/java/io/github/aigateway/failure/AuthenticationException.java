package io.github.aigateway.failure;

/**
 * The request is not from the GitLab instance this gateway trusts: 401 with GitLab's authentication error
 * shape {@code {"error": "..."}} (not {@code detail}), and one of the messages GitLab's gateway uses.
 */
public class AuthenticationException extends RuntimeException {

    public AuthenticationException(String message) {
        super(message);
    }
}
