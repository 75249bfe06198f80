package io.github.aigateway.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys GitLab signs its tokens with, found as GitLab's gateway finds them: for each OIDC provider (the
 * GitLab instance, and the customer portal when set) {@code <base>/.well-known/openid-configuration} names
 * the {@code jwks_uri}; the keys of all providers are merged and kept for 24 hours.
 *
 * <p>Loading runs in the background, so the gateway starts while GitLab is unreachable and retries until it
 * answers; until then no token verifies (fail closed). A token signed with a key id not seen yet triggers
 * one refetch, at most every {@link #UNKNOWN_KID_REFETCH_INTERVAL}, so GitLab can rotate keys without a
 * restart and a stream of forged key ids cannot turn the gateway against GitLab.
 */
public class GitLabKeys implements JWKSource<SecurityContext> {

    private static final Logger LOG = LoggerFactory.getLogger(GitLabKeys.class);
    static final Duration CACHE_TTL = Duration.ofHours(24);
    static final Duration UNKNOWN_KID_REFETCH_INTERVAL = Duration.ofSeconds(30);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    /** Only public RSA signing keys can verify RS256; anything else a JWKS lists is ignored. */
    private static final JWKMatcher SIGNING_KEYS = new JWKMatcher.Builder()
            .keyType(KeyType.RSA).keyUses(KeyUse.SIGNATURE, null).publicOnly(true).build();

    private final List<String> providers;
    private final Duration retryDelay;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "gitlab-keys");
        thread.setDaemon(true);
        return thread;
    });

    private volatile JWKSet keys = new JWKSet();
    private Instant lastUnknownKidRefetch = Instant.MIN;

    /**
     * @param providers  OIDC provider base URLs, e.g. {@code https://gitlab.example.com}
     * @param retryDelay wait before retrying when no provider answered
     */
    public GitLabKeys(List<String> providers, Duration retryDelay, Clock clock) {
        this.providers = List.copyOf(providers);
        this.retryDelay = retryDelay;
        this.clock = clock;
    }

    public void start() {
        scheduler.execute(this::refreshAndReschedule);
    }

    public void stop() {
        scheduler.shutdownNow();
    }

    /** True once some provider has published at least one signing key. */
    public boolean loaded() {
        return !keys.getKeys().isEmpty();
    }

    /** Keys are known, or a refetch (rate-limited like an unknown key id) just brought some. */
    public boolean available() {
        return loaded() || refetchAllowed() && refresh();
    }

    /** The keys in use now; a new instance whenever they change. */
    JWKSet current() {
        return keys;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        List<JWK> matches = selector.select(keys);
        if (matches.isEmpty() && refetchAllowed()) {
            LOG.info("Token signed with a key not seen yet: fetching GitLab's keys again");
            refresh();
            matches = selector.select(keys);
        }
        return matches;
    }

    private synchronized boolean refetchAllowed() {
        Instant now = clock.instant();
        if (lastUnknownKidRefetch.plus(UNKNOWN_KID_REFETCH_INTERVAL).isAfter(now)) {
            return false;
        }
        lastUnknownKidRefetch = now;
        return true;
    }

    private void refreshAndReschedule() {
        boolean fetched = refresh();
        scheduler.schedule(this::refreshAndReschedule, fetched ? CACHE_TTL.toSeconds() : retryDelay.toSeconds(),
                TimeUnit.SECONDS);
    }

    /** Fetches every provider's keys; keeps the previous keys when none answers. */
    private synchronized boolean refresh() {
        List<JWK> merged = new ArrayList<>();
        for (String provider : providers) {
            try {
                merged.addAll(new JWKSelector(SIGNING_KEYS).select(fetch(provider)));
            } catch (Exception e) {
                LOG.warn("Could not fetch JWT signing keys from {}: {}", provider, e.toString());
            }
        }
        if (merged.isEmpty()) {
            LOG.warn(loaded() ? "No OIDC provider answered; the keys fetched before stay in use, retrying in {} s"
                    : "No JWT signing keys yet: every authenticated request gets 401; retrying in {} s",
                    retryDelay.toSeconds());
            return false;
        }
        keys = new JWKSet(merged);
        LOG.info("Loaded {} JWT signing key(s) from {}", merged.size(), providers);
        return true;
    }

    private JWKSet fetch(String provider) throws Exception {
        URI discovery = URI.create(stripSlash(provider) + "/.well-known/openid-configuration");
        Map<String, Object> configuration = JSONObjectUtils.parse(get(discovery));
        String jwksUri = JSONObjectUtils.getString(configuration, "jwks_uri");
        if (jwksUri == null || jwksUri.isBlank()) {
            throw new IOException(discovery + " names no jwks_uri");
        }
        return JWKSet.parse(get(URI.create(jwksUri)));
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static String stripSlash(String url) {
        String base = url.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }
}
