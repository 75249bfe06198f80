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
