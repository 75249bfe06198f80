package io.github.aigateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.junit.jupiter.api.Test;

class ModelConnectionPoolTest {

    @Test
    void the_pool_is_sized_by_the_gateways_settings() {
        ModelConnectionPool settings = new ModelConnectionPool();
        settings.setMaxConnections(300);
        settings.setMaxConnectionsPerHost(120);

        try (PoolingHttpClientConnectionManager pool = settings.build()) {
            assertThat(pool.getMaxTotal()).isEqualTo(300);
            assertThat(pool.getDefaultMaxPerRoute()).isEqualTo(120);
        }
    }
}
