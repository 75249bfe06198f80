package io.github.aigateway.backend;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Turns off Apache HttpClient's own retries. By default it repeats a request answered 429 or 503 after
 * sleeping for the server's {@code Retry-After} (37 s for a throttled Azure deployment), holding GitLab's
 * request silently; the gateway passes the 429 and its {@code Retry-After} on instead.
 */
public class NoAutomaticRetries implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        clientBuilder.disableAutomaticRetries();
    }
}
