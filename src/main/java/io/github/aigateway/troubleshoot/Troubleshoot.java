package io.github.aigateway.troubleshoot;

import io.github.aigateway.server.TrustedCertificates;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code java -jar ai-gateway.jar troubleshoot ...}: checks a self-hosted setup the way GitLab's own
 * troubleshooting script and rake task do, and prints a ✔/✖ table with the cause and the fix of each
 * failure, then a summary without secrets. Exit code 0 when nothing failed, 1 when something did, 2 for
 * a bad command line.
 */
public final class Troubleshoot {

    /** Environment variables that hold secrets: never printed, even inside a server's answer. */
    private static final List<String> SECRET_VARIABLES = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "AZURE_API_KEY");

    private Troubleshoot() {
    }

    public static int run(List<String> args, Map<String, String> env, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(Options.USAGE);
            return 2;
        }
        List<CheckResult> results = new ArrayList<>();
        results.add(caBundle(env));
        Probe probe = new Probe();
        results.addAll(new GitLabChecks(probe, env).run());
        results.add(DocsChecks.run(env));
        GatewayChecks gateway = new GatewayChecks(probe, options);
        List<CheckResult> health = gateway.health();
        results.addAll(health);
        if (options.modelGiven()) {
            results.addAll(new ModelChecks(probe, options, env).run());
            if (health.stream().noneMatch(CheckResult::failed)) {
                results.add(gateway.completion());
            }
        }
        Report report = new Report(out, Stream.concat(Stream.of(options.apiKey()),
                SECRET_VARIABLES.stream().map(env::get)).toList());
        report.print(results, summary(options, env));
        return results.stream().anyMatch(CheckResult::failed) ? 1 : 0;
    }

    /** Trusts the CA bundle the gateway would trust, so every check sees the servers as the gateway does. */
    private static CheckResult caBundle(Map<String, String> env) {
        try {
            return TrustedCertificates.install(env)
                    .map(bundle -> CheckResult.pass("CA bundle", bundle.describe()))
                    .orElseGet(() -> CheckResult.pass("CA bundle", "the JVM's CAs only (set SSL_CERT_FILE to a PEM "
                            + "bundle to trust a private CA as well)"));
        } catch (IllegalStateException e) {
            return CheckResult.fail("CA bundle", e.getMessage(),
                    "point SSL_CERT_FILE (or REQUESTS_CA_BUNDLE) at a readable file of PEM certificates");
        }
    }

    private static Map<String, String> summary(Options options, Map<String, String> env) {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("gateway", options.gatewayUrl());
        summary.put("model family", String.valueOf(options.family()));
        summary.put("model endpoint", String.valueOf(options.modelEndpoint()));
        summary.put("model identifier", String.valueOf(options.identifier()));
        summary.put("model API key", options.apiKey() == null ? "not given" : "given (hidden)");
        summary.put("AIGW_GITLAB_URL", env.getOrDefault("AIGW_GITLAB_URL", "not set"));
        summary.put("AIGW_AUTH__BYPASS_EXTERNAL", env.getOrDefault("AIGW_AUTH__BYPASS_EXTERNAL", "not set"));
        summary.put("AIGW_DOCS_DIR", env.getOrDefault("AIGW_DOCS_DIR", "not set"));
        for (String name : List.of("AWS_REGION_NAME", "AWS_REGION")) {
            summary.put(name, env.getOrDefault(name, "not set"));
        }
        for (String name : SECRET_VARIABLES) {
            summary.put(name, env.containsKey(name) ? "set (hidden)" : "not set");
        }
        return summary;
    }
}
