package io.github.aigateway.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/**
 * What {@code /monitoring/ready} checks. The routes being started is built in; other parts register their
 * own check at start-up ({@link #register}): the JWT keys being loaded (issue 7) and the audit log being
 * writable (issue 6) belong here. Each check answers null when ready, else what is wrong in a few words.
 * Checks run on every probe, so they must be cheap: report state kept up to date elsewhere.
 */
public class ReadinessChecks implements CamelContextAware {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Supplier<String>> checks = new ConcurrentSkipListMap<>();
    private CamelContext camelContext;

    /** Adds (or replaces) a named check; the supplier returns null when ready, else the problem. */
    public void register(String name, Supplier<String> problem) {
        checks.put(name, problem);
    }

    /** Runs every check: 200 when all pass, else 503 naming each one that did not. */
    public Readiness evaluate() {
        ObjectNode results = JSON.createObjectNode();
        boolean ready = record(results, "routes", routesProblem());
        for (Map.Entry<String, Supplier<String>> check : checks.entrySet()) {
            ready &= record(results, check.getKey(), problemOf(check.getValue()));
        }
        ObjectNode body = JSON.createObjectNode().put("status", ready ? "ready" : "not ready");
        body.set("checks", results);
        return new Readiness(ready ? 200 : 503, body.toString());
    }

    private static boolean record(ObjectNode results, String name, String problem) {
        results.put(name, problem == null ? "ok" : problem);
        return problem == null;
    }

    private static String problemOf(Supplier<String> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return "check failed: " + e.getClass().getSimpleName();
        }
    }

    private String routesProblem() {
        if (!camelContext.isStarted()) {
            return "Camel is " + camelContext.getStatus();
        }
        for (Route route : camelContext.getRoutes()) {
            ServiceStatus status = camelContext.getRouteController().getRouteStatus(route.getRouteId());
            if (status != ServiceStatus.Started) {
                return "route " + route.getRouteId() + " is " + status;
            }
        }
        return null;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** The probe's answer. */
    public record Readiness(int status, String body) {
    }
}
