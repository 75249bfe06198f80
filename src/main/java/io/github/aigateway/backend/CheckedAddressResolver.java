package io.github.aigateway.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The DNS of camel-http's model connections ({@link ModelConnectionPool}): while a model call is sent
 * ({@link #sendingTo}), its endpoint's host resolves to the addresses the endpoint guard checked, without asking
 * DNS again. HttpClient connects on the thread that sends the request, so the addresses are held by that thread
 * for the length of the send. Any other host (an operator's replica) is resolved by the system.
 */
public final class CheckedAddressResolver implements DnsResolver {

    /** What a send does once its addresses are in place. */
    @FunctionalInterface
    public interface Send<T> {
        T run() throws IOException, org.apache.hc.core5.http.HttpException;
    }

    private static final ThreadLocal<CheckedEndpoint> SENDING_TO = new ThreadLocal<>();

    private final DnsResolver system = SystemDefaultDnsResolver.INSTANCE;

    /** Runs a send whose connection, should it need a new one, goes to {@code endpoint}'s checked addresses. */
    public static <T> T sendingTo(CheckedEndpoint endpoint, Send<T> send)
            throws IOException, org.apache.hc.core5.http.HttpException {
        if (endpoint == null) {
            return send.run();
        }
        SENDING_TO.set(endpoint);
        try {
            return send.run();
        } finally {
            SENDING_TO.remove();
        }
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        CheckedEndpoint endpoint = SENDING_TO.get();
        if (endpoint == null || !endpoint.isHost(host)) {
            return system.resolve(host);
        }
        if (endpoint.addresses().isEmpty()) {
            throw new UnknownHostException(host);
        }
        return endpoint.addresses().toArray(InetAddress[]::new);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return system.resolveCanonicalHostname(host);
    }
}
