package io.github.aigateway.auth;

import java.util.List;

/** A typed GitLab request that names the unit primitives its token must grant (contract §4.3). */
public interface ScopedRequest {

    /** The scopes the token must grant, checked in this order; the first one missing is named in the 403. */
    List<String> requiredScopes();

    /**
     * Scopes of which the token must grant at least one, checked before {@link #requiredScopes()}; the 403 names
     * the first. Empty when any token will do.
     */
    default List<String> anyOfScopes() {
        return List.of();
    }

    /**
     * What a 403 for a missing {@code scope} names ({@code Unauthorized to access <thing>}), or null for the
     * gateway's usual name of the feature.
     */
    default String deniedThing(String scope) {
        return null;
    }
}
