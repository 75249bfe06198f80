package io.github.aigateway;

import io.github.aigateway.demo.DemoModelServer;
import io.github.aigateway.demo.DemoRequests;
import io.github.aigateway.server.TrustedCertificates;
import io.github.aigateway.server.WorkerPoolFactory;
import io.github.aigateway.troubleshoot.Troubleshoot;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway: Camel Main with the YAML routes and {@code application.properties} of the working
 * directory (a checkout or a mounted config folder), or the copies packaged in the jar when there are none.
 * {@code AIGW_ROUTES_DIR} points at another routes folder; the extension routes of {@code AIGW_EXTENSIONS_DIR}
 * (default {@code routes.d}) are loaded after the core ones. {@code --demo} also starts a tiny model on loopback
 * and turns authentication off, listening on loopback only. {@code troubleshoot ...} checks a setup instead
 * of starting the gateway.
 */
public final class GatewayApplication {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayApplication.class);

    private GatewayApplication() {
    }

    public static void main(String... args) throws Exception {
        if (args.length > 0 && args[0].equals("troubleshoot")) {
            PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
            System.exit(Troubleshoot.run(List.of(args).subList(1, args.length), System.getenv(), out));
        }
        String routes;
        try {
            TrustedCertificates.install(System.getenv())
                    .ifPresent(bundle -> LOG.info("Trusting the CA bundle {}", bundle.describe()));
            routes = routesPattern(System.getenv());
        } catch (IllegalStateException e) {
            LOG.error("The gateway failed to start: {}", e.getMessage());
            LogManager.shutdown();
            System.exit(1);
            return;
        }
        List<String> camelArgs = new ArrayList<>(List.of(args));
        boolean demo = camelArgs.remove("--demo");

        Main main = new Main(GatewayApplication.class);
        main.setPropertyPlaceholderLocations(Files.isRegularFile(Path.of("application.properties"))
                ? "file:application.properties" : "classpath:application.properties");
        main.addOverrideProperty("camel.main.routesIncludePattern", routes);
        LOG.info("Vert.x workers run on {}", WorkerPoolFactory.mode());
        DemoModelServer model = null;
        if (demo) {
            // the demo answers curl without a GitLab token, so it listens on loopback unless told otherwise
            // (GitLabAuth then refuses a network listener without AIGW_AUTH__ALLOW_BYPASS_ON_NETWORK)
            if (env("AIGW_FASTAPI__API_HOST", null) == null) {
                main.addOverrideProperty("camel.server.host", "127.0.0.1");
            }
            main.addOverrideProperty("gateway.auth.bypass-external", "true");
            LOG.warn("DEMO MODE: authentication is off (AIGW_AUTH__BYPASS_EXTERNAL), listening on {}",
                    env("AIGW_FASTAPI__API_HOST", "127.0.0.1"));
            model = DemoModelServer.start(Integer.parseInt(env("AIGW_DEMO_MODEL_PORT", "5099")));
            LOG.warn("DEMO MODE: a canned model '{}' answers at {} (not a real model)",
                    DemoModelServer.MODEL, model.endpoint());
            printDemoCallsWhenStarted(main, model.endpoint());
        }
        // camel-main stops gracefully on SIGTERM (requests and streams in flight answered, the audit log
        // written) in its own shutdown hook, but the JVM would still report status 143. This hook waits for
        // that stop to finish and ends the JVM with the status of the stop: 0 when it was clean.
        AtomicInteger exitCode = new AtomicInteger(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> exitWhenStopped(stopped, exitCode), "exit-status"));
        try {
            exitCode.set(main.run(camelArgs.toArray(String[]::new)));
        } catch (Exception e) {
            LOG.error("The gateway failed to start: {}", e.getMessage());
        } finally {
            // its server thread would keep the JVM alive after a failed start
            if (model != null) {
                model.stop();
            }
            stopped.countDown();
        }
        // threads a failed start left behind (listeners already open) must not keep the JVM alive either
        exitWhenStopped(stopped, exitCode);
    }

    /** Once the routes serve, prints a ready-to-paste curl line for each kind of answer, on standard output. */
    private static void printDemoCallsWhenStarted(Main main, String modelEndpoint) {
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                String port = started.getCamelContext().resolvePropertyPlaceholders("{{camel.server.port}}");
                System.out.println(DemoRequests.banner("http://127.0.0.1:" + port, modelEndpoint));
            }
        });
    }

    private static void exitWhenStopped(CountDownLatch stopped, AtomicInteger exitCode) {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LogManager.shutdown();
        Runtime.getRuntime().halt(exitCode.get());
    }

    /**
     * The core routes ({@code AIGW_ROUTES_DIR}, else the working directory's {@code routes/}, else the packaged
     * ones), then the site's extension routes: every {@code *.camel.yaml} in {@code AIGW_EXTENSIONS_DIR} (default
     * {@code routes.d} of the working directory, when there is one). A folder named explicitly must exist: a
     * mistyped one would silently drop the site's rules.
     */
    static String routesPattern(Map<String, String> env) {
        String dir = env.get("AIGW_ROUTES_DIR");
        String core = dir != null && !dir.isBlank()
                ? "file:" + Path.of(dir).toAbsolutePath().normalize() + "/*.camel.yaml"
                : Files.isDirectory(Path.of("routes")) ? "file:routes/*.camel.yaml" : "classpath:routes/*.camel.yaml";
        String named = env.get("AIGW_EXTENSIONS_DIR");
        Path extensions = Path.of(named == null || named.isBlank() ? "routes.d" : named.strip()).toAbsolutePath().normalize();
        if (!Files.isDirectory(extensions)) {
            if (named != null && !named.isBlank()) {
                throw new IllegalStateException("AIGW_EXTENSIONS_DIR=" + named + " is not a folder");
            }
            return core;
        }
        return core + ",file:" + extensions + "/*.camel.yaml";
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
