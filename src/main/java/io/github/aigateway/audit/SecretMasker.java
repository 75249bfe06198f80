package io.github.aigateway.audit;

import java.util.regex.Pattern;

/**
 * Masks credentials in text bound for a log: the key of the request itself wherever it appears, and
 * anything shaped like a bearer token, a JWT, an AWS access key, credentials in a URL or a
 * {@code key=value} secret.
 */
public final class SecretMasker {

    static final String MASK = "****";

    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");
    private static final Pattern JWT = Pattern.compile("eyJ[\\w-]{4,}\\.[\\w-]{4,}\\.[\\w-]*");
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)[^/@\\s]+@");
    private static final Pattern AWS_ACCESS_KEY = Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b");
    private static final Pattern NAMED_SECRET = Pattern.compile(
            "(?i)((?:api[-_]?key|secret(?:[-_]?access)?(?:[-_]?key)?|session[-_]?token|password|token)[\"']?\\s*[:=]\\s*[\"']?)"
            + "([^\\s\"',;}&]+)");

    private SecretMasker() {
    }

    /** {@code text} with every secret replaced by {@code ****}; {@code known} are this request's own keys. */
    public static String mask(String text, String... known) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String secret : known) {
            if (secret != null && secret.length() >= 4) {
                masked = masked.replace(secret, MASK);
            }
        }
        masked = BEARER.matcher(masked).replaceAll("$1" + MASK);
        masked = JWT.matcher(masked).replaceAll(MASK);
        masked = AWS_ACCESS_KEY.matcher(masked).replaceAll(MASK);
        masked = URL_CREDENTIALS.matcher(masked).replaceAll(MASK + "@");
        return NAMED_SECRET.matcher(masked).replaceAll("$1" + MASK);
    }
}
