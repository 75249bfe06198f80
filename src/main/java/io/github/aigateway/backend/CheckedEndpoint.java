package io.github.aigateway.backend;

import io.github.aigateway.exchange.ExchangeProperties;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A model endpoint the endpoint guard let through, with the addresses its host resolved to when it was checked:
 * the model clients connect to these, never to a second DNS answer (which could differ: DNS rebinding), while
 * the host name still goes into {@code Host} and TLS. Exchange property {@link #ExchangeProperties.MODEL_ENDPOINT_CHECKED}.
 *
 * @param url       the endpoint, as GitLab sent it
 * @param host      its host, lower case, without brackets or trailing dots
 * @param addresses every address the host resolved to, each checked; empty when it did not resolve
 */
public record CheckedEndpoint(String url, String host, List<InetAddress> addresses) {

    public CheckedEndpoint {
        addresses = List.copyOf(addresses);
    }

    /** Whether a URL the model call is about to use has this endpoint's host (a replica's may not). */
    public boolean isHostOf(String targetUrl) {
        String other = URI.create(targetUrl).getHost();
        return other != null && host.equals(normalHost(other));
    }

    /** Whether a host name, as a client spells it, is this endpoint's host. */
    public boolean isHost(String name) {
        return host.equals(normalHost(name));
    }

    /** A URL's host as the guard compares it: lower case, no IPv6 brackets, no trailing dots. */
    public static String normalHost(String host) {
        String normal = host.toLowerCase(Locale.ROOT);
        if (normal.startsWith("[") && normal.endsWith("]")) {
            normal = normal.substring(1, normal.length() - 1);
        }
        while (normal.endsWith(".")) {
            normal = normal.substring(0, normal.length() - 1);
        }
        return normal;
    }
}
