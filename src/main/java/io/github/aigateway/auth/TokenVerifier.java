package io.github.aigateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.aigateway.api.AuthenticationException;
import java.util.Date;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a GitLab token as GitLab's gateway does ({@code jwt.decode(token, jwks, audience=...,
 * algorithms=["RS256"])}): an RS256 signature by one of GitLab's keys, the audience, and the
 * {@code exp} / {@code nbf} / {@code iat} times with a small leeway for clock drift. Unsigned tokens and
 * HMAC tokens (which a forger could "sign" with GitLab's public key) never verify. The issuer is not
 * checked, as GitLab's gateway does not check it: the keys already say who signed.
 */
final class TokenVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
    static final int LEEWAY_SECONDS = 10;
    /** GitLab's gateway answers every token failure with this one message. */
    static final String REJECTED = "Forbidden by auth provider";

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final DefaultJWTClaimsVerifier<SecurityContext> claims;
    private final boolean checkSignature;

    /**
     * @param keys           GitLab's keys, or null when signatures are not checked
     * @param audience       the {@code aud} this gateway accepts
     * @param checkSignature false only with {@code AIGW_AUTH__BYPASS_JWT_SIGNATURE}
     */
    TokenVerifier(JWKSource<SecurityContext> keys, String audience, boolean checkSignature) {
        this.checkSignature = checkSignature;
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
                return processor.process(token, null);
            }
            JWTClaimsSet claimSet = JWTParser.parse(token).getJWTClaimsSet();
            verifyTimesAndAudience(claimSet);
            return claimSet;
        } catch (Exception e) {
            // the reason helps an operator; the token itself never reaches a log
            LOG.info("Token rejected: {}", e.getMessage());
            throw new AuthenticationException(REJECTED);
        }
    }

    private void verifyTimesAndAudience(JWTClaimsSet claimSet) throws BadJWTException {
        claims.verify(claimSet, null);
        Date issued = claimSet.getIssueTime();
        if (issued != null && issued.getTime() > System.currentTimeMillis() + LEEWAY_SECONDS * 1000L) {
            throw new BadJWTException("JWT issued in the future");
        }
    }
}
