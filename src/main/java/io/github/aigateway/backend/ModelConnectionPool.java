package io.github.aigateway.backend;

import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;

/**
 * Builds the connection pool of the OpenAI-compatible calls for complete answers (camel-http's
 * {@code clientConnectionManager} in routes/model-calls.camel.yaml; streams have the Vert.x client of
 * {@code model-stream:}), sized by {@code AIGW_MODEL_MAX_CONNECTIONS} and {@code AIGW_MODEL_MAX_CONNECTIONS_PER_HOST}.
 * HttpClient gives each connection three 8 KiB buffers (read, line, write) for as long as it stays pooled: 48 MB
 * of heap for 2,000 connections whose answers are a few KB each. A smaller buffer only means more reads for a
 * large answer. A model endpoint's host resolves to the addresses the endpoint guard checked
 * ({@link CheckedAddressResolver}).
 */
public class ModelConnectionPool {

    private int maxConnections = 2000;
    private int maxConnectionsPerHost = 2000;
    private int bufferBytes = 2048;

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public void setMaxConnectionsPerHost(int maxConnectionsPerHost) {
        this.maxConnectionsPerHost = maxConnectionsPerHost;
    }

    public void setBufferBytes(int bufferBytes) {
        this.bufferBytes = bufferBytes;
    }

    public PoolingHttpClientConnectionManager build() {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.STRICT)
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnectionsPerHost)
                .setDnsResolver(new CheckedAddressResolver())
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setBufferSize(bufferBytes).build())
                        .build())
                .build();
    }
}
