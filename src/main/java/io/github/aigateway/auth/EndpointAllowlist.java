package io.github.aigateway.auth;

import io.github.aigateway.auth.IpAddresses.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The operator's list of model endpoints ({@code AIGW_MODEL_ENDPOINT_ALLOWLIST}), comma-separated:
 * <ul>
 *   <li>a URL prefix ({@code https://vllm.example.com/v1}): the endpoint is that URL or below it;</li>
 *   <li>an IP address or CIDR range ({@code 10.0.0.7}, {@code 10.0.0.0/8}): the host resolves, and every
 *       address it resolves to lies in it;</li>
 *   <li>a host name ({@code vllm.internal}): the endpoint's host is exactly that name.</li>
 * </ul>
 */
final class EndpointAllowlist {

    private EndpointAllowlist() {
    }

    /** One allowlist entry. */
    interface Entry {
        boolean allows(String endpoint, String host, InetAddress[] addresses);
    }

    static List<Entry> parse(String list) {
        List<Entry> entries = new ArrayList<>();
        if (list == null) {
            return entries;
        }
        for (String raw : list.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.contains("://")) {
                String prefix = entry.replaceAll("/+$", "");
                entries.add((endpoint, host, addresses) -> endpoint.equals(prefix) || endpoint.startsWith(prefix + "/"));
            } else if (entry.contains("/") || IpAddresses.literal(entry).isPresent()) {
                Cidr range = Cidr.parse(entry);
                entries.add((endpoint, host, addresses) ->
                        addresses.length > 0 && Arrays.stream(addresses).allMatch(range::contains));
            } else {
                String name = entry.toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
                entries.add((endpoint, host, addresses) -> host.equals(name));
            }
        }
        return entries;
    }
}
