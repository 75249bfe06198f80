package io.github.aigateway.auth;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.auth.IpAddresses.Cidr;
import io.github.aigateway.backend.CheckedEndpoint;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelSelection;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the model endpoint that arrives with each request before anything (the model key above all) is
 * sent to it, so the gateway cannot be used as a relay to cloud metadata services: link-local addresses,
 * metadata addresses and metadata host names are always refused, in whatever encoding the host is written
 * (decimal, hex, octal, IPv6 forms carrying an IPv4 address) and whatever a host name resolves to. When the operator sets an
 * allowlist, every other endpoint is refused too. Private networks and loopback stay allowed otherwise:
 * that is where vLLM usually runs. The host is resolved once per call: the model clients connect to the addresses
 * checked here ({@link CheckedEndpoint}).
 */
public class ModelEndpointGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ModelEndpointGuard.class);
    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata", "metadata.google.internal", "metadata.goog", "metadata.azure.com",
            "instance-data", "instance-data.ec2.internal", "metadata.tencentyun.com", "metadata.platformequinix.com");
    /** Cloud metadata services outside 169.254.0.0/16: AWS over IPv6, Alibaba Cloud. */
    private static final List<Cidr> METADATA_ADDRESSES = List.of(
            Cidr.parse("fd00:ec2::254/128"), Cidr.parse("100.100.100.200/32"));

    /** Resolves a host name (the system's DNS, or a test's). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private Resolver resolver;
    private List<EndpointAllowlist.Entry> allowlist = List.of();

    public ModelEndpointGuard() {
        this(InetAddress::getAllByName);
    }

    ModelEndpointGuard(Resolver resolver) {
        this.resolver = resolver;
    }

    /**
     * For the model router: checks the call's endpoint (403 unless it may be called) and keeps it, as exchange
     * properties {@code modelEndpoint} (the URL, whose concurrency limit and breaker count the call) and
     * {@link ExchangeProperties#MODEL_ENDPOINT_CHECKED} (with the addresses checked, which the model clients connect to).
     */
    public void check(Exchange exchange) {
        CheckedEndpoint checked = requireSafe(exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class));
        exchange.setProperty(ExchangeProperties.MODEL_ENDPOINT, checked == null ? null : checked.url());
        exchange.setProperty(ExchangeProperties.MODEL_ENDPOINT_CHECKED, checked);
    }

    /**
     * Throws 403 unless the call's endpoint may be called; calls without an endpoint pass.
     *
     * @return the endpoint, now checked, with the addresses checked; null for a call without one
     */
    CheckedEndpoint requireSafe(ModelCall call) {
        ModelSelection model = call == null ? null : call.model();
        if (model == null || model.endpoint() == null) {
            return null;
        }
        String endpoint = model.endpoint();
        String host = host(endpoint);
        if (METADATA_HOSTS.contains(host)) {
            throw refused(host, "is a cloud metadata service");
        }
        InetAddress[] addresses = resolve(host);
        for (InetAddress address : addresses) {
            if (isMetadataOrLinkLocal(address)) {
                throw refused(host, "is a link-local or cloud metadata address (" + address.getHostAddress() + ")");
            }
        }
        if (!allowlist.isEmpty() && allowlist.stream().noneMatch(entry -> entry.allows(endpoint, host, addresses))) {
            throw refused(host, "is not in AIGW_MODEL_ENDPOINT_ALLOWLIST");
        }
        return new CheckedEndpoint(endpoint, host, List.of(addresses));
    }

    /** Replaces the system's DNS, for tests: the model clients then connect where this resolver says. */
    public void setResolver(Resolver resolver) {
        this.resolver = resolver;
    }

    /** Comma-separated host names, IP addresses, CIDR ranges or URL prefixes; empty allows every safe endpoint. */
    public void setAllowlist(String allowlist) {
        this.allowlist = EndpointAllowlist.parse(allowlist);
    }

    private InetAddress[] resolve(String host) {
        // IP literals, and inet_aton spellings (2852039166, 0xa9fea9fe) are read here, whatever the JDK and
        // the system resolver would make of them
        Optional<InetAddress> numeric = IpAddresses.literal(host).or(() -> IpAddresses.inetAton(host));
        if (numeric.isPresent()) {
            return new InetAddress[]{numeric.get()};
        }
        try {
            return resolver.resolve(host);
        } catch (UnknownHostException e) {
            // nothing to check and nothing the call could reach; it fails as an unreachable model would
            return new InetAddress[0];
        }
    }

    static boolean isMetadataOrLinkLocal(InetAddress address) {
        if (address.isLinkLocalAddress() || METADATA_ADDRESSES.stream().anyMatch(cidr -> cidr.contains(address))) {
            return true;
        }
        // an IPv6 address carrying a refused IPv4 one (NAT64, 6to4, ...) may be routed to it
        return IpAddresses.embeddedIpv4(address).stream().anyMatch(ModelEndpointGuard::isMetadataOrLinkLocal);
    }

    static String host(String endpoint) {
        String host = URI.create(endpoint).getHost();
        if (host == null) {
            throw new GatewayException(422, "model_endpoint must be an http(s) URL with a host");
        }
        return CheckedEndpoint.normalHost(host);
    }

    private static GatewayException refused(String host, String why) {
        LOG.warn("Refused model_endpoint host '{}': it {}", host, why);
        return new GatewayException(403, "model_endpoint host '" + host + "' is refused: it " + why);
    }
}
