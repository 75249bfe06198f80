package io.github.aigateway.extension;

import io.github.aigateway.failure.GatewayException;

/**
 * A request an extension route refuses: GitLab gets 403 {@code {"detail": "<the message>"}}. Made for a YAML
 * {@code throwException} step, which builds the exception from its message alone; the message is shown to
 * GitLab's administrators, so it must not carry a secret.
 */
public class RequestRefused extends GatewayException {

    public RequestRefused(String detail) {
        super(403, detail);
    }
}
