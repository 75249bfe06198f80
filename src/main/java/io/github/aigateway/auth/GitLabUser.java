package io.github.aigateway.auth;

import java.util.Set;

/**
 * Who a request comes from, once authenticated: the GitLab instance and the unit primitives its token
 * grants ({@code scopes}).
 *
 * @param instanceId   {@code sub} of the token, the GitLab instance's id; empty when auth is bypassed
 * @param realm        {@code gitlab_realm}, e.g. {@code self-managed}; empty when absent
 * @param scopes       unit primitives the token grants
 * @param issuer       {@code iss} of the token; empty when absent or auth is bypassed
 * @param unrestricted true only when authentication is bypassed: every scope is granted
 */
public record GitLabUser(String instanceId, String realm, Set<String> scopes, String issuer, boolean unrestricted) {

    /** What a bypassed request runs as, like GitLab's gateway's debug user that can do everything. */
    static final GitLabUser BYPASSED = new GitLabUser("", "", Set.of(), "", true);

    public boolean can(String scope) {
        return unrestricted || scopes.contains(scope);
    }
}
