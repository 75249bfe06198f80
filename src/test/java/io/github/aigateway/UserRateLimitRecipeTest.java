package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.aigateway.extension.UserRateLimit;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** recipes/user-rate-limit.camel.yaml, loaded with every other recipe: per-user windows and GitLab's 429. */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=16064", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "camel.main.routesIncludePattern=file:routes/*.camel.yaml,file:recipes/*.camel.yaml",
                "gateway.audit.file=target/user-rate-limit-recipe-test/audit.log",
                "AIGW_USER_RATE_LIMIT_PER_MINUTE=3", "AIGW_REDACT_SECRETS=false"})
class UserRateLimitRecipeTest {

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String REFUSAL =
            "{\"detail\":\"Too many requests: at most 3 requests per minute per user. Please try again later.\"}";

    private final GatewayClient gateway = new GatewayClient(16064);
    private final AuditFile audit = new AuditFile("target/user-rate-limit-recipe-test/audit.log");
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final SettableClock clock = new SettableClock(Instant.parse("2025-06-02T09:00:00Z"));

    @BeanInject
    UserRateLimit userRateLimit;

    @BeanInject
    CamelContext context;

    @BeforeEach
    void answerLikeVllm() {
        userRateLimit.setClock(clock);
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"42\"}}]}")));
    }

    private HttpResponse<String> complete(String user, String requestId) {
        return gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "answer = ", "content_below_cursor": ""},
                 "prompt_version": 2, "model_name": "codestral", "model_identifier": "custom_openai/Codestral-22B-v0.1",
                 "model_endpoint": "http://127.0.0.1:%d/v1"}
                """.formatted(vllm.getPort()), "X-Request-ID", requestId, "X-Gitlab-Global-User-Id", user);
    }

    @Test
    void refuses_a_users_fourth_request_in_a_minute_with_gitlabs_429_and_retry_after() throws Exception {
        String alice = run + "-alice";
        for (int i = 0; i < 3; i++) {
            assertThat(complete(alice, run + "-ok-" + i).statusCode()).isEqualTo(200);
        }
        clock.advance(Duration.ofSeconds(20));

        HttpResponse<String> refused = complete(alice, run + "-refused");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).isEqualTo(REFUSAL);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("40");
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
        vllm.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("X-Request-ID", equalTo(run + "-refused")));
        JsonNode record = audit.awaitRecord(run + "-refused");
        assertThat(record.path("status_code").asInt()).isEqualTo(429);
        assertThat(record.path("error_class").asText()).isEqualTo("GatewayException");
        assertThat(record.path("gitlab_global_user_id").asText()).isEqualTo(alice);
        // the other recipes are loaded but not configured (redact-secrets turned off): they do nothing
        assertThat(audit.awaitRecord(run + "-ok-0").has("redacted")).isFalse();
        assertThat(context.getRoute("audit-syslog")).isNull();
    }

    @Test
    void counts_each_user_on_their_own() {
        String alice = run + "-alice";
        for (int i = 0; i < 3; i++) {
            complete(alice, run + "-alice-" + i);
        }
        assertThat(complete(alice, run + "-alice-refused").statusCode()).isEqualTo(429);

        HttpResponse<String> bob = complete(run + "-bob", run + "-bob");

        assertThat(bob.statusCode()).isEqualTo(200);
        vllm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("X-Request-ID", equalTo(run + "-bob")));
    }

    @Test
    void admits_the_user_again_once_the_oldest_request_is_a_minute_old() {
        String alice = run + "-alice";
        complete(alice, run + "-first");
        clock.advance(Duration.ofSeconds(30));
        complete(alice, run + "-second");
        complete(alice, run + "-third");
        clock.advance(Duration.ofSeconds(29));
        assertThat(complete(alice, run + "-early").headers().firstValue("Retry-After")).hasValue("1");
        clock.advance(Duration.ofSeconds(1));

        HttpResponse<String> again = complete(alice, run + "-again");

        assertThat(again.statusCode()).isEqualTo(200);
        HttpResponse<String> fourth = complete(alice, run + "-fourth");
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("Retry-After")).hasValue("30");
    }

    /** Windows are measured by this clock, so the test says exactly when a minute has passed. */
    private static final class SettableClock extends Clock {

        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
