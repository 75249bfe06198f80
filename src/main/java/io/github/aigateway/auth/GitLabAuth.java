package io.github.aigateway.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.AuthenticationException;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.monitoring.ReadinessChecks;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and authorization as GitLab's AI gateway does them (contract §4.2). Routes call
 * {@link #authenticate} before they read the body, then {@link #requireScopesOf} once the typed request
 * knows which unit primitives it needs (for code suggestions v3/v4 that depends on the body).
 *
 * <p>The troubleshooting bypasses of GitLab's gateway exist here too, each announced loudly at start; on a
 * listener other than loopback the gateway refuses to start with one unless {@code allowBypassOnNetwork}.
 */
public class GitLabAuth implements CamelContextAware {

    private ReadinessChecks readiness;
    private static final Logger LOG = LoggerFactory.getLogger(GitLabAuth.class);
    /** How GitLab's gateway names what a missing scope denies ({@code Unauthorized to access <thing>}). */
    private static final Map<String, String> DENIED_THING = Map.of(
            "complete_code", "code completions",
            "generate_code", "code generations",
            "duo_chat", "duo chat");
    /** GitLab's gateway's words (typo included) when no OIDC provider has given it keys. */
    static final String NO_KEYS = "No keys founds in JWKS; are OIDC providers up?";

    private String gitlabUrl = "";
    private String customerPortalUrl = "";
    private String audience = "gitlab-ai-gateway";
    private boolean bypassExternal;
    private boolean bypassExternalWithHeader;
    private boolean bypassJwtSignature;
    private boolean allowBypassOnNetwork;
    private String listenHost = "0.0.0.0";
    private int keysRetrySeconds = 10;

    private CamelContext camelContext;
    private GitLabKeys keys;
    private TokenVerifier verifier;
    private boolean stopped;

    /**
     * Bean init: refuses a bypass on a network listener. Camel binds YAML beans twice while it loads routes
     * (and destroys the first), so the announcements and GitLab's keys wait until the context has started.
     */
    public void start() throws Exception {
        if (readiness != null) {
            readiness.register("gitlab_keys", () -> ready() ? null
                    : "GitLab's JWT signing keys are not loaded yet (AIGW_GITLAB_URL)");
        }
        List<String> bypasses = new ArrayList<>();
        if (bypassExternal) {
            bypasses.add("AIGW_AUTH__BYPASS_EXTERNAL");
        }
        if (bypassExternalWithHeader) {
            bypasses.add("AIGW_AUTH__BYPASS_EXTERNAL_WITH_HEADER");
        }
        if (bypassJwtSignature) {
            bypasses.add("AIGW_AUTH__BYPASS_JWT_SIGNATURE");
        }
        if (!bypasses.isEmpty() && !isLoopback(listenHost) && !allowBypassOnNetwork) {
            throw new IllegalStateException("Refusing to start: " + String.join(", ", bypasses)
                    + " would serve unauthenticated requests on " + listenHost + ". Listen on loopback "
                    + "(AIGW_FASTAPI__API_HOST=127.0.0.1), or acknowledge the exposure with "
                    + "AIGW_AUTH__ALLOW_BYPASS_ON_NETWORK=true");
        }
        List<String> providers = new ArrayList<>();
        if (!gitlabUrl.isBlank()) {
            providers.add(gitlabUrl.strip());
        }
        if (!customerPortalUrl.isBlank()) {
            providers.add(customerPortalUrl.strip());
        }
        keys = new GitLabKeys(providers, Duration.ofSeconds(keysRetrySeconds), Clock.systemUTC());
        verifier = new TokenVerifier(keys, audience, !bypassJwtSignature);
        if (camelContext == null) {
            begin();
        } else {
            camelContext.addStartupListener((context, alreadyStarted) -> begin());
        }
    }

    private synchronized void begin() {
        if (stopped) {
            return;
        }
        if (bypassExternal) {
            LOG.error("AUTHENTICATION IS OFF (AIGW_AUTH__BYPASS_EXTERNAL=true): every request is served without "
                    + "a token, to anyone who can reach {}. Troubleshooting only: remove it afterwards.", listenHost);
        }
        if (bypassExternalWithHeader) {
            LOG.error("AUTHENTICATION IS OFF for requests with 'Bypass-Auth: true' "
                    + "(AIGW_AUTH__BYPASS_EXTERNAL_WITH_HEADER=true). Troubleshooting only: remove it afterwards.");
        }
        if (bypassJwtSignature) {
            LOG.error("JWT SIGNATURES ARE NOT CHECKED (AIGW_AUTH__BYPASS_JWT_SIGNATURE=true): anyone can forge a "
                    + "token. Development only.");
        }
        if ((bypassExternal || bypassExternalWithHeader || bypassJwtSignature) && !isLoopback(listenHost)) {
            LOG.error("AIGW_AUTH__ALLOW_BYPASS_ON_NETWORK=true: the bypass above applies to everyone who can "
                    + "reach {}", listenHost);
        }
        if (bypassExternal || bypassJwtSignature) {
            return;
        }
        if (gitlabUrl.isBlank()) {
            LOG.error("AIGW_GITLAB_URL is not set: no GitLab token can be verified, every request gets 401");
        }
        keys.start();
    }

    public synchronized void stop() {
        stopped = true;
        if (keys != null) {
            keys.stop();
        }
    }

    /** For /monitoring/ready: requests can be authenticated (keys known, or no keys needed). */
    public boolean ready() {
        return bypassExternal || bypassJwtSignature || keys != null && keys.loaded();
    }

    /**
     * Checks GitLab's headers and token (contract §4.2 steps 1–6) and stores the {@link GitLabUser} in
     * exchange property {@value #ExchangeProperties.GITLAB_USER}; throws {@link AuthenticationException} (401) otherwise.
     */
    public void authenticate(Exchange exchange) {
        Message request = exchange.getMessage();
        if (bypassExternal || bypassExternalWithHeader
                && "true".equalsIgnoreCase(request.getHeader("Bypass-Auth", String.class))) {
            exchange.setProperty(ExchangeProperties.GITLAB_USER, GitLabUser.BYPASSED);
            return;
        }
        String authorization = request.getHeader("Authorization", String.class);
        if (authorization == null) {
            throw new AuthenticationException("No authorization header presented");
        }
        int space = authorization.indexOf(' ');
        String scheme = space < 0 ? authorization : authorization.substring(0, space);
        if (!scheme.equalsIgnoreCase("bearer")) {
            throw new AuthenticationException("Invalid authorization header");
        }
        if (!"oidc".equals(request.getHeader("X-Gitlab-Authentication-Type", String.class))) {
            throw new AuthenticationException("Invalid authentication token type - only OIDC is supported");
        }
        if (!bypassJwtSignature && !keys.available()) {
            throw new AuthenticationException(NO_KEYS);
        }
        JWTClaimsSet claims = verifier.verify(space < 0 ? "" : authorization.substring(space + 1).strip());
        exchange.setProperty(ExchangeProperties.GITLAB_USER, userMatchingHeaders(claims, request, audience));
    }

    /** 403 {@code {"detail": "Unauthorized to access <thing>"}} unless the request's token grants {@code scope}. */
    public void requireScope(Exchange exchange, String scope) {
        requireScopes(exchange, List.of(scope), DENIED_THING.getOrDefault(scope, scope));
    }

    /**
     * The unit primitive an endpoint needs whatever its body says ({@code scope}; empty where the body names it),
     * checked before the body is read, so that a token without it gets 403 even for a body that is not valid.
     * Without {@code selfIssuedAllowed}, a token this gateway's own name issued is refused too, as GitLab's gateway
     * refuses its self-signed tokens for code generations.
     */
    public void requireEndpointScope(Exchange exchange, String scope, boolean selfIssuedAllowed) {
        if (scope == null || scope.isEmpty()) {
            return;
        }
        requireScope(exchange, scope);
        GitLabUser user = exchange.getProperty(ExchangeProperties.GITLAB_USER, GitLabUser.class);
        if (!selfIssuedAllowed && !user.unrestricted() && audience.equals(user.issuer())) {
            throw new GatewayException(403, "Unauthorized to access " + DENIED_THING.getOrDefault(scope, scope));
        }
    }

    /** 403 {@code {"detail": "Unauthorized to access '<prompt_id>'"}} unless the token grants the prompt's scopes. */
    public void requirePromptScopes(Exchange exchange, Collection<String> scopes, String promptId) {
        requireScopes(exchange, scopes, "'" + promptId + "'");
    }

    /**
     * One of the request's {@link ScopedRequest#anyOfScopes()}, then {@link #requireScope} for each scope it needs,
     * e.g. Duo Chat's {@code include_<category>_context} scopes.
     */
    public void requireScopesOf(Exchange exchange, ScopedRequest request) {
        List<String> anyOf = request.anyOfScopes();
        if (!anyOf.isEmpty()) {
            GitLabUser user = exchange.getProperty(ExchangeProperties.GITLAB_USER, GitLabUser.class);
            if (user == null) {
                throw new IllegalStateException("the route must call gitlabAuth.authenticate before requireScope");
            }
            if (anyOf.stream().noneMatch(user::can)) {
                throw new GatewayException(403, "Unauthorized to access " + deniedThing(request, anyOf.get(0)));
            }
        }
        request.requiredScopes().forEach(scope -> requireScopes(exchange, List.of(scope), deniedThing(request, scope)));
    }

    private static String deniedThing(ScopedRequest request, String scope) {
        String thing = request.deniedThing(scope);
        return thing != null ? thing : DENIED_THING.getOrDefault(scope, scope);
    }

    /**
     * 403 {@code {"detail": "Unauthorized to access <thing>"}} unless the token grants every scope, e.g. the
     * unit primitives of a prompt with {@code thing} = {@code 'chat/explain_code'}.
     */
    public void requireScopes(Exchange exchange, Collection<String> scopes, String thing) {
        GitLabUser user = user(exchange);
        if (!scopes.stream().allMatch(user::can)) {
            throw new GatewayException(403, "Unauthorized to access " + thing);
        }
    }

    /** 403 {@code {"detail": denial}} unless the token grants {@code scope}, for endpoints GitLab words their own way. */
    public void requireScopeOrDeny(Exchange exchange, String scope, String denial) {
        if (!user(exchange).can(scope)) {
            throw new GatewayException(403, denial);
        }
    }

    private static GitLabUser user(Exchange exchange) {
        GitLabUser user = exchange.getProperty(ExchangeProperties.GITLAB_USER, GitLabUser.class);
        if (user == null) {
            throw new IllegalStateException("the route must call gitlabAuth.authenticate before requireScope");
        }
        return user;
    }

    /**
     * Contract §4.2 step 6: the token must be for the instance and realm the headers name. A token issued under
     * the gateway's own name (GitLab's gateway mints such user tokens) names a user: its subject must match
     * {@code X-Gitlab-Global-User-Id}, checked first so a mismatch is reported in GitLab's words.
     */
    private static GitLabUser userMatchingHeaders(JWTClaimsSet claims, Message request, String gatewayName) {
        String realm = string(claims, "gitlab_realm");
        if (realm != null && !realm.isEmpty()
                && !realm.equals(request.getHeader("X-Gitlab-Realm", String.class))) {
            throw new AuthenticationException("Header mismatch 'X-Gitlab-Realm'");
        }
        String instanceHeader = request.getHeader("X-Gitlab-Instance-Id", String.class);
        String instanceClaim = string(claims, "gitlab_instance_id");
        if (instanceClaim != null && !instanceClaim.isEmpty() && !instanceClaim.equals(instanceHeader)) {
            throw new AuthenticationException("Header mismatch 'X-Gitlab-Instance-Id'");
        }
        if (gatewayName.equals(claims.getIssuer()) && claims.getSubject() != null
                && !claims.getSubject().equals(request.getHeader("X-Gitlab-Global-User-Id", String.class))) {
            throw new AuthenticationException("Header mismatch 'X-Gitlab-Global-User-Id'");
        }
        // GitLab's gateway lets a token without sub through, and checks a user token's sub against the user
        // header only; this one wants every token to name the instance it comes from
        if (claims.getSubject() == null || !Objects.equals(claims.getSubject(), instanceHeader)) {
            throw new AuthenticationException("Header mismatch 'X-Gitlab-Instance-Id'");
        }
        return new GitLabUser(claims.getSubject(), realm == null ? "" : realm, scopes(claims), issuer(claims), false);
    }

    private static String string(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException notAString) {
            throw new AuthenticationException(TokenVerifier.REJECTED);
        }
    }

    /** GitLab's gateway does not verify {@code iss}; one that is not a string is no issuer. */
    private static String issuer(JWTClaimsSet claims) {
        Object issuer = claims.getClaim("iss");
        return issuer instanceof String name ? name : "";
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        try {
            List<String> scopes = claims.getStringListClaim("scopes");
            return scopes == null ? Set.of() : Set.copyOf(scopes);
        } catch (ParseException notAList) {
            return Set.of();
        }
    }

    static boolean isLoopback(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public void setGitlabUrl(String gitlabUrl) {
        this.gitlabUrl = gitlabUrl == null ? "" : gitlabUrl;
    }

    public void setCustomerPortalUrl(String customerPortalUrl) {
        this.customerPortalUrl = customerPortalUrl == null ? "" : customerPortalUrl;
    }

    public void setAudience(String audience) {
        this.audience = audience;
    }

    public void setBypassExternal(boolean bypassExternal) {
        this.bypassExternal = bypassExternal;
    }

    public void setBypassExternalWithHeader(boolean bypassExternalWithHeader) {
        this.bypassExternalWithHeader = bypassExternalWithHeader;
    }

    public void setBypassJwtSignature(boolean bypassJwtSignature) {
        this.bypassJwtSignature = bypassJwtSignature;
    }

    public void setAllowBypassOnNetwork(boolean allowBypassOnNetwork) {
        this.allowBypassOnNetwork = allowBypassOnNetwork;
    }

    /** Readiness then reports GitLab's keys missing. */
    public void setReadiness(ReadinessChecks readiness) {
        this.readiness = readiness;
    }

    public void setListenHost(String listenHost) {
        this.listenHost = listenHost;
    }

    public void setKeysRetrySeconds(int keysRetrySeconds) {
        this.keysRetrySeconds = keysRetrySeconds;
    }
}
