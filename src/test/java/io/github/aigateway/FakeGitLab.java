package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.junit.Stubbing;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A GitLab instance as the gateway sees it: OIDC discovery and JWKS served by WireMock, and tokens signed
 * with the instance's RSA keys the way GitLab's {@code SelfIssuedToken} builds them (contract §4.1).
 */
final class FakeGitLab {

    static final String INSTANCE_ID = "6f2b9c1e-9a53-4c4e-8a4e-3d1c0e7f5a11";
    static final String REALM = "self-managed";
    static final List<String> ALL_SCOPES = List.of("complete_code", "generate_code", "duo_chat", "explain_code");

    private final Stubbing server;
    private final String url;

    FakeGitLab(WireMockExtension server) {
        this(server, "http://127.0.0.1:" + server.getPort());
    }

    /** A GitLab served by {@code server} at {@code url}, e.g. over TLS. */
    FakeGitLab(Stubbing server, String url) {
        this.server = server;
        this.url = url;
    }

    static RSAKey newKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return url;
    }

    /** Publishes discovery and a JWKS with the public halves of {@code keys}. */
    void publish(RSAKey... keys) {
        server.stubFor(get(urlEqualTo("/.well-known/openid-configuration")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"issuer\":\"" + url() + "\",\"jwks_uri\":\"" + url() + "/oauth/discovery/keys\"}")));
        List<JWK> published = Arrays.stream(keys).map(key -> (JWK) key.toPublicJWK()).toList();
        server.stubFor(get(urlEqualTo("/oauth/discovery/keys")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(published).toString())));
    }

    /** GitLab's headers for a request with {@code token}. */
    static String[] headers(String token) {
        return new String[]{"Authorization", "Bearer " + token, "X-Gitlab-Authentication-Type", "oidc",
            "X-Gitlab-Instance-Id", INSTANCE_ID, "X-Gitlab-Realm", REALM, "X-Gitlab-Global-User-Id", "user-1"};
    }

    /** GitLab's claims: instance subject, self-managed realm, all scopes, valid for an hour from now. */
    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .audience(List.of("gitlab-ai-gateway"))
                .subject(INSTANCE_ID)
                .issuer("https://gitlab.example.com")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("gitlab_realm", REALM)
                .claim("scopes", ALL_SCOPES)
                .claim("skip_usage_cutoff", false);
    }

    static String token(RSAKey key) {
        return token(key, UnaryOperator.identity());
    }

    static String token(RSAKey key, UnaryOperator<JWTClaimsSet.Builder> changes) {
        return sign(key, key.getKeyID(), changes.apply(claims()).build());
    }

    /** A token signed by {@code key} but naming key id {@code kid}, e.g. to forge one of GitLab's key ids. */
    static String sign(RSAKey key, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .keyID(kid).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
