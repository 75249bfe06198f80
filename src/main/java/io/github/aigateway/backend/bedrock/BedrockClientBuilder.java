package io.github.aigateway.backend.bedrock;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * Builds the gateway's Bedrock Runtime clients from its settings (the {@code builderClass} of the client
 * beans in gateway-beans): the blocking one the {@code aws-bedrock:} endpoint uses and the async one
 * streams need, each built once and shared by every call. Credentials come from the AWS SDK's default
 * chain (system properties, environment, web identity, profiles, container and instance roles), which
 * is what the SDK uses when a client is given none.
 *
 * <p>SDK retries are off: a throttled or failed call surfaces at once to the gateway's one retry loop (the
 * {@code model-call} route template), which counts it against the call's time budget, rather than up to four
 * SDK attempts hidden inside each request.
 */
public class BedrockClientBuilder {

    private String region;
    private String endpointOverride;
    private int connectTimeoutMs = 5000;
    private int responseTimeoutMs = 50000;
    private int maxConnections = 1000;
    private int poolWaitMs = 5000;

    public void setRegion(String region) {
        this.region = region;
    }

    /** A VPC endpoint or a fake; empty for Bedrock's public endpoint of the region. */
    public void setEndpointOverride(String endpointOverride) {
        this.endpointOverride = endpointOverride;
    }

    public void setConnectTimeoutMs(int connectTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /**
     * Socket read timeout of both clients, only a backstop: each call's own timeouts (total budget, first
     * chunk, silence between chunks) are enforced per feature by the call's {@code ModelCallControl}.
     */
    public void setResponseTimeoutMs(int responseTimeoutMs) {
        this.responseTimeoutMs = responseTimeoutMs;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public void setPoolWaitMs(int poolWaitMs) {
        this.poolWaitMs = poolWaitMs;
    }

    /** For complete answers: a blocking call holds only the (virtual) worker thread of its exchange. */
    public BedrockRuntimeClient runtimeClient() {
        var builder = BedrockRuntimeClient.builder()
                .region(Region.of(region))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofMillis(connectTimeoutMs))
                        .socketTimeout(Duration.ofMillis(responseTimeoutMs))
                        .connectionAcquisitionTimeout(Duration.ofMillis(poolWaitMs))
                        .maxConnections(maxConnections));
        if (hasEndpointOverride()) {
            builder.endpointOverride(URI.create(endpointOverride.strip()));
        }
        return builder.build();
    }

    /** For streams: InvokeModelWithResponseStream exists only on the async client. */
    public BedrockRuntimeAsyncClient streamingClient() {
        var http = NettyNioAsyncHttpClient.builder()
                .connectionTimeout(Duration.ofMillis(connectTimeoutMs))
                .readTimeout(Duration.ofMillis(responseTimeoutMs))
                .connectionAcquisitionTimeout(Duration.ofMillis(poolWaitMs))
                .maxConcurrency(maxConnections);
        var builder = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (hasEndpointOverride()) {
            URI endpoint = URI.create(endpointOverride.strip());
            builder.endpointOverride(endpoint);
            if ("http".equals(String.valueOf(endpoint.getScheme()).toLowerCase(Locale.ROOT))) {
                // the async client would open HTTP/2 with prior knowledge, which plain-HTTP proxies and fakes refuse
                http.protocol(Protocol.HTTP1_1);
            }
        }
        return builder.httpClientBuilder(http).build();
    }

    private boolean hasEndpointOverride() {
        return endpointOverride != null && !endpointOverride.isBlank();
    }
}
