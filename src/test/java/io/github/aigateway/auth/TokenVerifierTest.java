package io.github.aigateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.github.aigateway.failure.AuthenticationException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tokens verified before are remembered, but never past a change of GitLab's keys or with another signature. */
class TokenVerifierTest {

    private final RSAKey first = key("first");
    private final RSAKey second = key("second");
    private volatile String jwks;
    private HttpServer gitlab;
    private GitLabKeys keys;
    private TokenVerifier verifier;

    @BeforeEach
    void startGitLab() throws Exception {
        gitlab = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + gitlab.getAddress().getPort();
        gitlab.createContext("/.well-known/openid-configuration",
                exchange -> answer(exchange, "{\"jwks_uri\":\"" + base + "/oauth/discovery/keys\"}"));
        gitlab.createContext("/oauth/discovery/keys", exchange -> answer(exchange, jwks));
        gitlab.start();
        publish(first);
        keys = new GitLabKeys(List.of(base), Duration.ofSeconds(1), Clock.fixed(Instant.now(), ZoneOffset.UTC));
        keys.start();
        await().atMost(Duration.ofSeconds(10)).until(keys::loaded);
        verifier = new TokenVerifier(keys, "gitlab-ai-gateway", true);
    }

    @AfterEach
    void stopGitLab() {
        keys.stop();
        gitlab.stop(0);
    }

    @Test
    void a_remembered_token_is_verified_again_once_gitlabs_keys_changed() throws Exception {
        String signedByFirst = token(first, first.getKeyID());
        assertThat(verifier.verify(signedByFirst).getSubject()).isEqualTo("instance");

        publish(second);
        // an unknown key id makes GitLabKeys fetch again: now only the second key is GitLab's
        assertThat(verifier.verify(token(second, second.getKeyID())).getSubject()).isEqualTo("instance");

        assertThatThrownBy(() -> verifier.verify(signedByFirst)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void the_same_claims_under_another_signature_are_refused_after_the_genuine_token() throws Exception {
        String genuine = token(first, first.getKeyID());
        verifier.verify(genuine);

        String forged = token(second, first.getKeyID());

        assertThat(forged.substring(0, forged.lastIndexOf('.'))).isEqualTo(genuine.substring(0, genuine.lastIndexOf('.')));
        assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(AuthenticationException.class);
        assertThat(verifier.verify(genuine).getSubject()).isEqualTo("instance");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"exp\":null", "\"exp\":\"4102444800\"", "\"exp\":true", "\"exp\":[4102444800]",
        "\"exp\":4102444800,\"nbf\":null", "\"exp\":4102444800,\"nbf\":\"0\"",
        "\"exp\":4102444800,\"iat\":null", "\"exp\":4102444800,\"iat\":{}"})
    void a_time_claim_that_is_not_a_number_is_refused(String times) throws Exception {
        String signed = signedPayload("{\"sub\":\"instance\",\"aud\":\"gitlab-ai-gateway\"," + times + "}");

        assertThatThrownBy(() -> verifier.verify(signed)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void numeric_times_verify() throws Exception {
        String signed = signedPayload("{\"sub\":\"instance\",\"aud\":\"gitlab-ai-gateway\",\"exp\":4102444800,"
                + "\"nbf\":0,\"iat\":1700000000}");

        assertThat(verifier.verify(signed).getSubject()).isEqualTo("instance");
    }

    @Test
    void only_the_canonical_base64url_spelling_of_a_token_verifies() throws Exception {
        String genuine = tokenWithUrlSafeSignature();
        String[] parts = genuine.split("\\.");
        String standardBase64 = parts[2].replace('-', '+').replace('_', '/');
        // 256 signature bytes end in a character with four unused bits, zero in the canonical spelling
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = parts[2].charAt(parts[2].length() - 1);
        String unusedBitsSet = genuine.substring(0, genuine.length() - 1) + alphabet.charAt(alphabet.indexOf(last) + 1);

        assertThat(verifier.verify(genuine).getSubject()).isEqualTo("instance");
        for (String spelling : List.of(genuine + "=", genuine + "==", parts[0] + "=." + parts[1] + "." + parts[2],
                parts[0] + "." + parts[1] + "." + standardBase64, genuine + "!", genuine + " x", genuine + ".",
                genuine + "." + parts[2], parts[0] + ".." + parts[1] + "." + parts[2], " " + genuine,
                parts[0] + "." + parts[1] + "\n." + parts[2], unusedBitsSet)) {
            assertThatThrownBy(() -> verifier.verify(spelling)).as(spelling).isInstanceOf(AuthenticationException.class);
        }
    }

    /** A token whose signature holds {@code -} or {@code _}, so that it has a standard-base64 spelling too. */
    private String tokenWithUrlSafeSignature() throws Exception {
        for (int n = 0; ; n++) {
            String token = signedPayload("{\"sub\":\"instance\",\"aud\":\"gitlab-ai-gateway\",\"exp\":4102444800,"
                    + "\"jti\":\"" + n + "\"}");
            String signature = token.substring(token.lastIndexOf('.') + 1);
            if (signature.contains("-") || signature.contains("_")) {
                return token;
            }
        }
    }

    /** Signs a payload written by hand, so it can hold what a claims builder would never write. */
    private String signedPayload(String payloadJson) throws JOSEException {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(first.getKeyID()).build(),
                new Payload(payloadJson));
        jws.sign(new RSASSASigner(first));
        return jws.serialize();
    }

    private void publish(RSAKey key) {
        jwks = new JWKSet(key.toPublicJWK()).toString();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static final long ISSUED = System.currentTimeMillis() / 1000 * 1000;

    /** Same header and claims whatever the key, so two signers give two tokens differing only in signature. */
    private static String token(RSAKey signer, String kid) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                new JWTClaimsSet.Builder().subject("instance").audience("gitlab-ai-gateway")
                        .issueTime(new Date(ISSUED)).expirationTime(new Date(ISSUED + 3_600_000)).build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private static RSAKey key(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
