package io.github.aigateway.api;

/** A provider GitLab may name but this gateway cannot call yet: 501 with a detail saying which. */
public class BackendNotConfiguredException extends GatewayException {

    public BackendNotConfiguredException(String detail) {
        super(501, detail);
    }
}
