package io.github.aigateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.aigateway.failure.AuthenticationException;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a GitLab token as GitLab's gateway does ({@code jwt.decode(token, jwks, audience=...,
 * algorithms=["RS256"])}): an RS256 signature by one of GitLab's keys, the audience, and the
 * {@code exp} / {@code nbf} / {@code iat} times with a small leeway for clock drift. Unsigned tokens and
 * HMAC tokens (which a forger could "sign" with GitLab's public key) never verify. The issuer is not
 * checked, as GitLab's gateway does not check it: the keys already say who signed. {@code exp} must be a number,
 * and {@code nbf} / {@code iat} too when present ({@code null} is not "no limit").
 *
 * <p>Only the canonical spelling of a token is read: three parts of unpadded base64url with no unused bits
 * set. Nimbus's decoder forgives padding, standard base64 and stray characters, which would give one valid
 * token many spellings, each a separate entry for anything keyed on the token string (the memory below).
 *
 * <p>GitLab sends the same token with many requests, and checking its RSA signature cost more CPU than
 * anything else a completion does (README "Performance"). A token whose signature verified is therefore
 * remembered with the key set that verified it: sent again, only its times and audience are checked, unless
 * GitLab's keys changed since, in which case it is verified in full again.
 */
final class TokenVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
    static final int LEEWAY_SECONDS = 10;
    /** GitLab's gateway answers every token failure with this one message. */
    static final String REJECTED = "Forbidden by auth provider";
    /** Tokens remembered at most; then the memory starts over (a few MB of tokens). */
    static final int MAX_REMEMBERED = 4096;

    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final DefaultJWTClaimsVerifier<SecurityContext> claims;
    private final boolean checkSignature;
    private final GitLabKeys keys;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /** A token's claims, and the key set its signature was verified with. */
    private record Verified(JWTClaimsSet claims, JWKSet keys) {
    }

    /**
     * @param keys           GitLab's keys
     * @param audience       the {@code aud} this gateway accepts
     * @param checkSignature false only with {@code AIGW_AUTH__BYPASS_JWT_SIGNATURE}
     */
    TokenVerifier(GitLabKeys keys, String audience, boolean checkSignature) {
        this.checkSignature = checkSignature;
        this.keys = keys;
        this.claims = new DefaultJWTClaimsVerifier<>(audience, null, Set.of("exp"));
        claims.setMaxClockSkew(LEEWAY_SECONDS);
        if (checkSignature) {
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
            processor.setJWTClaimsSetVerifier((claimSet, context) -> verifyTimesAndAudience(claimSet));
        }
    }

    JWTClaimsSet verify(String token) {
        try {
            if (checkSignature) {
                return verifySigned(token);
            }
            requireCanonical(token);
            JWTClaimsSet claimSet = JWTParser.parse(token).getJWTClaimsSet();
            verifyTimesAndAudience(claimSet);
            return claimSet;
        } catch (Exception e) {
            // the reason helps an operator; the token itself never reaches a log
            LOG.info("Token rejected: {}", e.getMessage());
            throw new AuthenticationException(REJECTED);
        }
    }

    private JWTClaimsSet verifySigned(String token) throws Exception {
        JWKSet current = keys.current();
        Verified before = verified.get(token);
        if (before != null && before.keys() == current) {
            verifyTimesAndAudience(before.claims());
            return before.claims();
        }
        requireCanonical(token);
        JWTClaimsSet claimSet = processor.process(token, null);
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        // the key set read before the check: if GitLab's keys changed meanwhile, the next use verifies again
        verified.put(token, new Verified(claimSet, current));
        return claimSet;
    }

    private static void requireCanonical(String token) throws BadJWTException {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new BadJWTException("JWT is not three parts");
        }
        for (String part : parts) {
            // the decoder ignores a last character's unused bits: encoding again tells whether they were zero
            if (!BASE64URL.matcher(part).matches() || part.length() % 4 == 1
                    || !ENCODER.encodeToString(DECODER.decode(part)).equals(part)) {
                throw new BadJWTException("JWT is not canonical base64url");
            }
        }
    }

    private void verifyTimesAndAudience(JWTClaimsSet claimSet) throws BadJWTException {
        // Nimbus keeps a claim written as null, and its verifier takes a null time for no limit
        Map<String, Object> all = claimSet.getClaims();
        if (all.get("exp") == null || all.containsKey("nbf") && all.get("nbf") == null
                || all.containsKey("iat") && all.get("iat") == null) {
            throw new BadJWTException("JWT exp, nbf or iat is not a number");
        }
        claims.verify(claimSet, null);
        Date issued = claimSet.getIssueTime();
        if (issued != null && issued.getTime() > System.currentTimeMillis() + LEEWAY_SECONDS * 1000L) {
            throw new BadJWTException("JWT issued in the future");
        }
    }
}
