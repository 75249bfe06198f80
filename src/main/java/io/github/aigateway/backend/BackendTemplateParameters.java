package io.github.aigateway.backend;

import io.github.aigateway.catalog.Backends;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * The types of the parameters of the route template {@code openai-compatible-backend}
 * (routes/backend-openai.camel.yaml), which Camel's YAML DSL cannot declare. They are checked as each route is
 * created from the template, so a wrong one stops the start with a message naming the template, the backend and
 * the parameter, instead of failing requests later:
 * <ul>
 *   <li>{@code backendId}: a backend id (letters, digits, {@code -} and {@code _}), as the catalog's backends name it</li>
 *   <li>{@code url}: a Simple expression that parses</li>
 *   <li>{@code credentials}: the name of a bean that is a {@link ModelCredentials}</li>
 * </ul>
 */
public class BackendTemplateParameters implements CamelContextAware {

    static final String TEMPLATE = "openai-compatible-backend";

    private CamelContext camelContext;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Before the routes are loaded: hooks the check into the template once it is added. */
    public void start() {
        camelContext.getCamelContextExtension().getContextPlugin(Model.class)
                .addModelLifecycleStrategy(new ModelLifecycleStrategy() {
                    @Override
                    public void onAddRouteTemplateDefinition(RouteTemplateDefinition template) {
                        // Camel calls a template's configurer with the parameters just before it creates each route
                        if (TEMPLATE.equals(template.getId())) {
                            template.setConfigurer(route -> check(route.getParameters()));
                        }
                    }

                    @Override
                    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition template) {
                    }

                    @Override
                    public void onAddRouteDefinition(RouteDefinition route) {
                    }

                    @Override
                    public void onRemoveRouteDefinition(RouteDefinition route) {
                    }
                });
    }

    private void check(Map<String, Object> parameters) {
        String backendId = String.valueOf(parameters.get("backendId"));
        if (!Backends.isId(backendId)) {
            throw refused(backendId, "backendId", "'" + backendId + "' is not a backend id (letters, digits, - and _)");
        }
        String url = String.valueOf(parameters.get("url"));
        try {
            camelContext.resolveLanguage("simple").createExpression(url);
        } catch (RuntimeException e) {
            throw refused(backendId, "url", "'" + url + "' is not a Simple expression: " + e.getMessage());
        }
        String credentials = String.valueOf(parameters.get("credentials"));
        Object bean = camelContext.getRegistry().lookupByName(credentials);
        if (!(bean instanceof ModelCredentials)) {
            throw refused(backendId, "credentials", "'" + credentials + "' must name a bean that is a "
                    + ModelCredentials.class.getName() + (bean == null ? "; there is no such bean"
                    : "; it is a " + bean.getClass().getName()));
        }
    }

    private static IllegalArgumentException refused(String backendId, String parameter, String why) {
        return new IllegalArgumentException("Route template " + TEMPLATE + " (backend '" + backendId + "'): parameter "
                + parameter + ": " + why);
    }
}
