package io.github.aigateway;

import io.github.aigateway.demo.DemoModelServer;
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
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway: Camel Main with the YAML routes and {@code application.properties} of the working
 * directory (a checkout or a mounted config folder), or the copies packaged in the jar when there are none.
 * {@code AIGW_ROUTES_DIR} points at another routes folder. {@code --demo} also starts a tiny model on loopback.
 * {@code troubleshoot ...} checks a setup instead of starting the gateway.
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
        List<String> camelArgs = new ArrayList<>(List.of(args));
        boolean demo = camelArgs.remove("--demo");

        Main main = new Main(GatewayApplication.class);
        main.setPropertyPlaceholderLocations(Files.isRegularFile(Path.of("application.properties"))
                ? "file:application.properties" : "classpath:application.properties");
        main.addOverrideProperty("camel.main.routesIncludePattern", routesPattern());
        LOG.info("Vert.x workers run on {}", WorkerPoolFactory.mode());
        if (demo) {
            DemoModelServer model = DemoModelServer.start(Integer.parseInt(env("AIGW_DEMO_MODEL_PORT", "5099")));
            LOG.warn("DEMO MODE: a canned model '{}' answers at {} (not a real model)",
                    DemoModelServer.MODEL, model.endpoint());
        }
        main.run(camelArgs.toArray(String[]::new));
    }

    static String routesPattern() {
        String dir = env("AIGW_ROUTES_DIR", null);
        if (dir != null) {
            return "file:" + Path.of(dir).toAbsolutePath().normalize() + "/*.camel.yaml";
        }
        return Files.isDirectory(Path.of("routes")) ? "file:routes/*.camel.yaml" : "classpath:routes/*.camel.yaml";
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
