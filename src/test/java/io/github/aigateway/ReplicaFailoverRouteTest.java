package io.github.aigateway;

import static io.github.aigateway.FaultyModel.completion;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One model endpoint GitLab knows, served by several replicas listed in a replicas file: Camel's
 * {@code loadBalance} spreads the calls (round robin, weighted) and fails over when a replica is down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15351", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "gateway.retry.max-attempts=1"})
class ReplicaFailoverRouteTest {

    /** Endpoints GitLab is configured with; nothing listens on them, only their replicas answer. */
    private static final String ROUND_ROBIN = "http://127.0.0.1:9/v1";
    private static final String WEIGHTED = "http://127.0.0.1:7/v1";
    private static final String FAILOVER = "http://127.0.0.1:13/v1";

    private static final FaultyModel A;
    private static final FaultyModel B;
    private static final FaultyModel C;
    private static final FaultyModel PRIMARY;
    private static final FaultyModel BACKUP;
    private static final Path REPLICAS = Path.of("target/replica-failover-route-test/replicas.yaml");

    // the file must exist, with the fakes' ports, before the gateway reads it at start
    static {
        try {
            A = new FaultyModel(completion("from a"));
            B = new FaultyModel(completion("from b"));
            C = new FaultyModel(completion("from c"));
            PRIMARY = new FaultyModel(completion("from primary"));
            BACKUP = new FaultyModel(completion("from backup"));
            Files.createDirectories(REPLICAS.getParent());
            Files.writeString(REPLICAS, """
                    endpoints:
                      - endpoint: %s
                        balance: round-robin
                        replicas:
                          - url: %s
                          - url: %s
                      - endpoint: %s
                        balance: weighted
                        replicas:
                          - url: %s
                            weight: 3
                          - url: %s
                            weight: 1
                      - endpoint: %s/
                        balance: failover
                        replicas:
                          - url: %s
                          - url: %s
                    """.formatted(ROUND_ROBIN, FaultyModel.refusedEndpoint(), A.endpoint(),
                    WEIGHTED, B.endpoint(), C.endpoint(), FAILOVER, PRIMARY.endpoint(), BACKUP.endpoint()));
            System.setProperty("gateway.replicas.location", REPLICAS.toString());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final GatewayClient gateway = new GatewayClient(15351);

    @AfterAll
    static void stopReplicas() throws Exception {
        System.clearProperty("gateway.replicas.location");
        for (FaultyModel model : new FaultyModel[] {A, B, C, PRIMARY, BACKUP}) {
            model.close();
        }
    }

    @Test
    void round_robin_skips_a_replica_that_is_down_at_once() {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = complete(ROUND_ROBIN);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"text\":\"from a\"");
        }
        assertThat(A.requests()).isEqualTo(4);
        assertThat(A.bodies().get(0)).contains("\"model\":\"Codestral-22B-v0.1\"");
    }

    @Test
    void weighted_replicas_get_calls_in_proportion_to_their_weight() {
        int before = B.requests() + C.requests();
        for (int i = 0; i < 8; i++) {
            assertThat(complete(WEIGHTED).statusCode()).isEqualTo(200);
        }
        assertThat(B.requests() + C.requests() - before).isEqualTo(8);
        assertThat(B.requests()).isEqualTo(6);
        assertThat(C.requests()).isEqualTo(2);
    }

    @Test
    void failover_uses_the_second_replica_when_the_first_is_down() throws Exception {
        assertThat(complete(FAILOVER).body()).contains("from primary");
        assertThat(complete(FAILOVER).body()).contains("from primary");

        PRIMARY.close();

        HttpResponse<String> response = complete(FAILOVER);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("from backup");
        assertThat(PRIMARY.requests()).isEqualTo(2);
        assertThat(BACKUP.requests()).isEqualTo(1);
    }

    private HttpResponse<String> complete(String endpoint) {
        return gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "print(", "content_below_cursor": ")"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": false,
                 "model_endpoint": "%s", "model_name": "codestral", "model_identifier": "custom_openai/Codestral-22B-v0.1"}
                """.formatted(endpoint));
    }
}
