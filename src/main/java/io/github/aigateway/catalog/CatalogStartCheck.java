package io.github.aigateway.catalog;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;

/**
 * Refuses to start unless the model catalog reads without error (every {@code api_key_env} it names is set, among
 * others) and every backend its {@code backends:} names is a route: one that consumes {@code direct:<backend>},
 * among the core routes or the extensions'. Checked once all routes are created and before any of them takes a
 * request, so the start log names the error itself.
 */
public class CatalogStartCheck implements CamelContextAware {

    private CamelContext camelContext;
    private ModelCatalog catalog;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setCatalog(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public void start() throws Exception {
        camelContext.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                check(context);
            }
        });
    }

    private void check(CamelContext context) {
        catalog.start();
        Set<Endpoint> consumed = context.getRoutes().stream().map(Route::getEndpoint).collect(Collectors.toSet());
        List<String> missing = catalog.backends().ids().stream()
                .filter(id -> !consumed.contains(context.hasEndpoint("direct:" + id))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The backends of " + catalog.location() + " name " + missing + ", but no route"
                    + " consumes " + missing.stream().map(id -> "direct:" + id).collect(Collectors.joining(", "))
                    + ": add the backend's route (routes/, or an extension in AIGW_EXTENSIONS_DIR) or remove it from"
                    + " backends:");
        }
    }
}
