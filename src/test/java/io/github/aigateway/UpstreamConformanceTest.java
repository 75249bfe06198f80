package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.camel.test.main.junit5.CamelMainTest;

/**
 * GitLab's conformance suite: every fixture under {@code src/test/resources/upstream/<endpoint>/} is one request
 * exactly as a GitLab version builds it, sent to the real routes with a real token from a fake GitLab, against a
 * fake model server of its own (so one fixture's failures never open another's breaker), and checked against what
 * GitLab's own tests assert. The fixture format is described in {@code src/test/resources/upstream/README.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15500", "camel.server.host=127.0.0.1",
            "gateway.auth.gitlab-url={{sys:aigw.test.upstream.gitlab-url}}",
            "gateway.auth.keys-retry-seconds=1"})
class UpstreamConformanceTest {

    static final Path FIXTURES = Path.of("src/test/resources/upstream");

    @RegisterExtension
    static WireMockExtension gitlabServer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final RSAKey gitlabKey = FakeGitLab.newKey("gitlab-key-upstream");
    private final GatewayClient gateway = new GatewayClient(15500);

    private FakeGitLab gitlab;

    @BeforeAll
    void pointTheGatewayAtAFakeGitLab() {
        gitlab = new FakeGitLab(gitlabServer);
        System.setProperty("aigw.test.upstream.gitlab-url", gitlab.url());
    }

    @TestFactory
    Stream<DynamicTest> gitlab_cannot_tell_the_gateway_from_its_own() {
        gitlab.publish(gitlabKey); // here, not in @BeforeAll: the extension clears its stubs before each test
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.get("/monitoring/ready").statusCode() == 200);
        return UpstreamFixture.all(FIXTURES).stream()
                .map(fixture -> DynamicTest.dynamicTest(fixture.name(), () -> run(fixture)));
    }

    private void run(UpstreamFixture fixture) {
        WireMockServer model = new WireMockServer(wireMockConfig().dynamicPort());
        model.start();
        try {
            fixture.stubModel(model);
            String modelEndpoint = "http://127.0.0.1:" + model.port() + "/v1";
            for (int attempt = 0; attempt < fixture.repeat(); attempt++) {
                HttpResponse<String> response = fixture.send(gateway, gitlabKey, modelEndpoint);
                fixture.assertAnswer(response);
            }
            List<LoggedRequest> received = model.findAll(anyRequestedFor(anyUrl()));
            fixture.assertModelReceived(received);
            assertThat(fixture.source()).as("every fixture names its upstream source").isNotNull();
        } finally {
            model.stop();
        }
    }
}
