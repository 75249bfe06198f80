package io.github.aigateway.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.config.ConfigFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.LoadBalanceDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.hc.client5.http.ConnectTimeoutException;

/**
 * Model endpoints GitLab knows that are served by several replicas ({@code catalog/replicas.yaml}): for each,
 * a route {@code model-replicas-N} with Camel's {@code loadBalance} over its replicas, each of which then
 * goes through {@code direct:model-http} with its own circuit breaker. A route's outputs cannot come from
 * data in YAML, hence Java here. Strategies: {@code round-robin} (in turn, and on to the next replica when
 * one cannot be reached), {@code failover} (the first replica while it can be reached, then the next) and
 * {@code weighted} (by each replica's {@code weight}; an unreachable replica is left to the retry loop).
 */
public class ReplicaGroups implements CamelContextAware {

    /** Failures that mean "this replica cannot be reached", so another one may take the call at once. */
    private static final List<Class<? extends Throwable>> UNREACHABLE = List.of(ConnectException.class,
            NoRouteToHostException.class, UnknownHostException.class, ConnectTimeoutException.class,
            CircuitBreakers.CircuitOpenException.class);

    private CamelContext camelContext;
    private String location = "catalog/replicas.yaml";
    private final Map<String, Group> groups = new LinkedHashMap<>();

    public void setLocation(String location) {
        this.location = location;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Reads the file and adds one load-balancing route per endpoint. */
    public void start() throws Exception {
        groups.putAll(load(location));
        if (groups.isEmpty()) {
            return;
        }
        // a lambda, not a RouteBuilder subclass: camel-main would find and instantiate one by package scan
        RouteBuilder.addRoutes(camelContext, builder -> groups.values().forEach(group -> route(builder, group)));
    }

    /** The replicas' route of the call's endpoint, or null when the endpoint has no replicas. */
    public String routeFor(Exchange exchange) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        Group group = groups.get(normalized(call.model().endpoint()));
        return group == null ? null : "direct:" + group.routeId();
    }

    /** The URL the attempt calls: the backend's URL with the endpoint GitLab knows replaced by the chosen server. */
    public String targetUrl(Exchange exchange) {
        String url = exchange.getProperty(ExchangeProperties.MODEL_URL, String.class);
        String endpoint = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class).model().endpoint();
        String base = exchange.getProperty(ExchangeProperties.MODEL_BASE, String.class);
        return base != null && url.startsWith(endpoint) ? base + url.substring(endpoint.length()) : url;
    }

    private static void route(RouteBuilder builder, Group group) {
        LoadBalanceDefinition balance = builder.from("direct:" + group.routeId())
                .routeId(group.routeId())
                .routeDescription("Replicas of " + group.endpoint() + " (" + group.strategy() + ")")
                // failures must reach the load balancer and then the retry loop, not the GitLab error handler
                .errorHandler(builder.noErrorHandler())
                .loadBalance();
        ProcessorDefinition<?> outputs = switch (group.strategy()) {
            case "failover" -> balance.failover(group.replicas().size() - 1, false, false,
                    UNREACHABLE.toArray(Class[]::new));
            case "weighted" -> balance.weighted(true,
                    group.replicas().stream().map(r -> String.valueOf(r.weight())).collect(Collectors.joining(",")));
            default -> balance.failover(group.replicas().size() - 1, false, true, UNREACHABLE.toArray(Class[]::new));
        };
        for (Replica replica : group.replicas()) {
            outputs = outputs.pipeline()
                    .setProperty(ExchangeProperties.MODEL_BASE, builder.constant(replica.url()))
                    .to("direct:model-http")
                    .end();
        }
        outputs.end();
    }

    static Map<String, Group> load(String location) {
        JsonNode root;
        try (InputStream in = ConfigFiles.open(location)) {
            root = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model replicas file " + location, e);
        }
        Map<String, Group> groups = new LinkedHashMap<>();
        JsonNode entries = root == null ? null : root.path("endpoints");
        if (entries == null || !entries.isArray()) {
            return groups;
        }
        for (JsonNode entry : entries) {
            String endpoint = normalized(required(entry, "endpoint", location));
            String strategy = entry.path("balance").asText("round-robin").toLowerCase(Locale.ROOT);
            if (!List.of("round-robin", "failover", "weighted").contains(strategy)) {
                throw new IllegalArgumentException(location + ": balance of " + endpoint + " is '" + strategy
                        + "'; use round-robin, failover or weighted");
            }
            List<Replica> replicas = new ArrayList<>();
            for (JsonNode replica : entry.path("replicas")) {
                String url = normalized(required(replica, "url", location));
                URI.create(url);
                int weight = replica.path("weight").asInt(1);
                if (weight < 1) {
                    throw new IllegalArgumentException(location + ": weight of " + url + " must be at least 1");
                }
                replicas.add(new Replica(url, weight));
            }
            if (replicas.isEmpty()) {
                throw new IllegalArgumentException(location + ": " + endpoint + " lists no replicas");
            }
            groups.put(endpoint, new Group("model-replicas-" + (groups.size() + 1), endpoint, strategy, List.copyOf(replicas)));
        }
        return groups;
    }

    private static String required(JsonNode node, String field, String location) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalArgumentException(location + ": an entry has no '" + field + "'");
        }
        return value;
    }

    private static String normalized(String url) {
        String stripped = url.strip();
        return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }

    record Group(String routeId, String endpoint, String strategy, List<Replica> replicas) {
    }

    record Replica(String url, int weight) {
    }
}
