package io.github.aigateway.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading IP addresses and ranges without DNS lookups. */
final class IpAddresses {

    private IpAddresses() {
    }

    /** An address range, e.g. {@code 10.0.0.0/8}; a bare address is a range of one. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            byte[] bytes = literal(address.strip())
                    .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + address))
                    .getAddress();
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1).strip());
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            return new Cidr(bytes, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** An IP literal (dotted IPv4 or IPv6), never a DNS lookup. */
    static Optional<InetAddress> literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!t.contains(":") && !t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The IPv4 addresses an IPv6 address may lead to, by every standard way of carrying one in the other:
     * IPv4-compatible {@code ::a.b.c.d}, IPv4-mapped {@code ::ffff:a.b.c.d}, SIIT {@code ::ffff:0:a.b.c.d},
     * NAT64 with the well-known prefix {@code 64:ff9b::/96} and the local-use {@code 64:ff9b:1::/48} (at each
     * position RFC 6052 allows for a prefix of 48 bits or more), 6to4 {@code 2002:aabb:ccdd::/48}, Teredo
     * {@code 2001::/32} (server and obfuscated client) and ISATAP interface identifiers {@code ::5efe:a.b.c.d}.
     * Empty for an IPv4 address, or an IPv6 address carrying none.
     */
    static List<InetAddress> embeddedIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        List<InetAddress> found = new ArrayList<>();
        if (b.length != 16) {
            return found;
        }
        if (zero(b, 0, 10) && (zero(b, 10, 12) || (b[10] & b[11] & 0xff) == 0xff)
                || zero(b, 0, 8) && (b[8] & b[9] & 0xff) == 0xff && zero(b, 10, 12)
                || startsWith(b, 0x00, 0x64, 0xff, 0x9b) && zero(b, 4, 12)
                || (b[9] & 0xff) == 0 && (b[10] & 0xff) == 0x5e && (b[11] & 0xff) == 0xfe && (b[8] & ~0x02) == 0) {
            found.add(ipv4(b[12], b[13], b[14], b[15]));
        }
        if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
            // RFC 6052: the address follows the prefix, skipping bits 64-71; prefixes of 48, 56, 64 and 96 bits
            found.add(ipv4(b[6], b[7], b[9], b[10]));
            found.add(ipv4(b[7], b[9], b[10], b[11]));
            found.add(ipv4(b[9], b[10], b[11], b[12]));
            found.add(ipv4(b[12], b[13], b[14], b[15]));
        }
        if (startsWith(b, 0x20, 0x02)) {
            found.add(ipv4(b[2], b[3], b[4], b[5]));
        }
        if (startsWith(b, 0x20, 0x01, 0x00, 0x00)) {
            found.add(ipv4(b[4], b[5], b[6], b[7]));
            found.add(ipv4((byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]));
        }
        return found;
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte a, byte b, byte c, byte d) {
        try {
            return InetAddress.getByAddress(new byte[]{a, b, c, d});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** IPv4 as {@code inet_aton} reads it: 1 to 4 parts, each decimal, {@code 0x} hex or {@code 0} octal. */
    static Optional<InetAddress> inetAton(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        List<Long> values = new ArrayList<>();
        for (String part : parts) {
            Long value = number(part);
            if (value == null) {
                return Optional.empty();
            }
            values.add(value);
        }
        long address = 0;
        for (int i = 0; i < values.size() - 1; i++) {
            if (values.get(i) > 0xff) {
                return Optional.empty();
            }
            address |= values.get(i) << (24 - 8 * i);
        }
        long last = values.get(values.size() - 1);
        if (last >= 1L << (8 * (5 - values.size()))) {
            return Optional.empty();
        }
        address |= last;
        try {
            return Optional.of(InetAddress.getByAddress(new byte[]{
                (byte) (address >> 24), (byte) (address >> 16), (byte) (address >> 8), (byte) address}));
        } catch (UnknownHostException impossible) {
            return Optional.empty();
        }
    }

    private static Long number(String part) {
        try {
            if (part.matches("0[xX][0-9a-fA-F]{1,8}")) {
                return Long.parseLong(part.substring(2), 16);
            }
            if (part.matches("0[0-7]{1,11}")) {
                return Long.parseLong(part, 8);
            }
            if (part.matches("[1-9][0-9]{0,9}|0")) {
                return Long.parseLong(part);
            }
        } catch (NumberFormatException tooLarge) {
            return null;
        }
        return null;
    }
}
