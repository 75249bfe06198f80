package io.github.aigateway.troubleshoot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyFactory;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The gateway's own settings towards GitLab: where GitLab is (its JWTs are checked against GitLab's
 * published keys) and whether authentication is bypassed; then that GitLab's OIDC discovery answers
 * and its keys can be read.
 */
final class GitLabChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Probe probe;
    private final Map<String, String> env;

    GitLabChecks(Probe probe, Map<String, String> env) {
        this.probe = probe;
        this.env = env;
    }

    List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        String gitlab = env.getOrDefault("AIGW_GITLAB_URL", "").strip();
        boolean bypass = "true".equalsIgnoreCase(env.getOrDefault("AIGW_AUTH__BYPASS_EXTERNAL", "").strip());
        if (gitlab.isEmpty() && !bypass) {
            results.add(CheckResult.fail("GitLab URL", "AIGW_GITLAB_URL is not set, so GitLab's tokens cannot be checked",
                    "set AIGW_GITLAB_URL to your GitLab's URL as the gateway reaches it, e.g. https://gitlab.example.com"));
        } else if (!gitlab.isEmpty() && !isHttpUrl(gitlab)) {
            results.add(CheckResult.fail("GitLab URL", "AIGW_GITLAB_URL is not an http(s) URL: " + gitlab,
                    "set AIGW_GITLAB_URL to your GitLab's root URL, e.g. https://gitlab.example.com"));
        } else if (!gitlab.isEmpty()) {
            results.add(CheckResult.pass("GitLab URL", gitlab));
        }
        if (bypass) {
            results.add(CheckResult.warn("Authentication", "AIGW_AUTH__BYPASS_EXTERNAL=true: anyone who reaches the "
                    + "gateway can use the models through it",
                    "use the bypass only while troubleshooting; remove it and set AIGW_GITLAB_URL afterwards"));
        }
        if (!gitlab.isEmpty() && isHttpUrl(gitlab)) {
            results.addAll(discovery(gitlab.replaceAll("/+$", "")));
        }
        return results;
    }

    private List<CheckResult> discovery(String gitlab) {
        String discoveryUrl = gitlab + "/.well-known/openid-configuration";
        Probe.Reply reply = probe.get(discoveryUrl, TIMEOUT, "Accept", "application/json");
        if (!reply.answered()) {
            return List.of(CheckResult.fail("GitLab OIDC discovery", discoveryUrl + ": " + reply.failure(),
                    "let the gateway reach GitLab: check DNS, firewall, proxy settings, and for a TLS error the CA bundle "
                    + "(SSL_CERT_FILE: a PEM file with the CA that signed GitLab's certificate)"));
        }
        JsonNode document = json(reply.body());
        String jwksUri = document == null ? "" : document.path("jwks_uri").asText("");
        if (reply.status() != 200 || jwksUri.isEmpty()) {
            return List.of(CheckResult.fail("GitLab OIDC discovery", discoveryUrl + " answered " + reply.status()
                    + " without a jwks_uri", "set AIGW_GITLAB_URL to GitLab's root URL (no path such as /api/v4)"));
        }
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.pass("GitLab OIDC discovery", discoveryUrl));
        results.add(keys(jwksUri));
        return results;
    }

    private CheckResult keys(String jwksUri) {
        Probe.Reply reply = probe.get(jwksUri, TIMEOUT, "Accept", "application/json");
        if (!reply.answered() || reply.status() != 200) {
            return CheckResult.fail("GitLab signing keys", jwksUri + ": "
                    + (reply.answered() ? "answered " + reply.status() : reply.failure()),
                    "let the gateway reach " + jwksUri + " (the URL GitLab's discovery document names)");
        }
        JsonNode document = json(reply.body());
        JsonNode keys = document == null ? null : document.get("keys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            return CheckResult.fail("GitLab signing keys", jwksUri + " lists no keys",
                    "check that GitLab's OpenID Connect signing key is configured (GitLab ▸ Admin ▸ Settings)");
        }
        int rsa = 0;
        for (JsonNode key : keys) {
            if (!"RSA".equals(key.path("kty").asText())) {
                continue;
            }
            if (!rsaKeyParses(key)) {
                return CheckResult.fail("GitLab signing keys", "key " + key.path("kid").asText("(no kid)")
                        + " at " + jwksUri + " is not a valid RSA key", "check what answers at " + jwksUri
                        + ": a proxy may be rewriting it");
            }
            rsa++;
        }
        if (rsa == 0) {
            return CheckResult.fail("GitLab signing keys", jwksUri + " has no RSA key; GitLab signs with RS256",
                    "check what answers at " + jwksUri);
        }
        return CheckResult.pass("GitLab signing keys", rsa + " RSA key(s) at " + jwksUri);
    }

    private static boolean rsaKeyParses(JsonNode key) {
        try {
            Base64.Decoder decoder = Base64.getUrlDecoder();
            BigInteger modulus = new BigInteger(1, decoder.decode(key.path("n").asText()));
            BigInteger exponent = new BigInteger(1, decoder.decode(key.path("e").asText()));
            if (modulus.bitLength() < 2048) {
                return false;
            }
            KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static boolean isHttpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }
}
