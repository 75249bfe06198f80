package io.github.aigateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** The timeout settings as written, their defaults against GitLab's limits, and what the retry loop retries. */
class ModelCallSettingsTest {

    private static final Pattern ENV_DEFAULT = Pattern.compile("\\{\\{env:[A-Z_]+:(.*)}}");

    @Test
    void reads_first_byte_idle_and_total_in_any_order_and_unit() {
        assertThat(CallTimeouts.parse("total=2m, idle=1500ms, first-byte=20s")).isEqualTo(
                new CallTimeouts(Duration.ofSeconds(20), Duration.ofMillis(1500), Duration.ofMinutes(2)));
    }

    @Test
    void reads_an_optional_per_feature_connect_timeout() {
        assertThat(CallTimeouts.parse("connect=750ms, first-byte=20s, idle=15s, total=50s")).isEqualTo(
                new CallTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofSeconds(50), Duration.ofMillis(750)));
        assertThat(CallTimeouts.parse("first-byte=20s, idle=15s, total=50s").connect()).isNull();
    }

    @Test
    void refuses_engine_concurrency_limits_that_are_not_gitlabs_json() {
        ModelCalls calls = new ModelCalls();
        calls.setEngineConcurrencyLimits("LIMITS", "{\"bedrock\": {\"mistral.mixtral-8x7b-instruct-v0:1\": 4}}");

        assertThatThrownBy(() -> calls.setEngineConcurrencyLimits("LIMITS", "{\"bedrock\": 4}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("LIMITS is not JSON of the form {\"<engine>\": {\"<model name>\": limit}}");
        assertThatThrownBy(() -> calls.setEngineConcurrencyLimits("LIMITS", "{\"azure\": {\"gpt-4o\": -1}}"))
                .hasMessage("LIMITS: the limit of azure model gpt-4o must be 0 (no limit) or more");
    }

    @Test
    void refuses_a_timeout_setting_it_cannot_read() {
        assertThatThrownBy(() -> CallTimeouts.parse("first-byte=20s, idle=15, total=50s"))
                .hasMessage("model call timeouts: cannot read 'idle=15' in 'first-byte=20s, idle=15, total=50s'"
                        + " (expected first-byte=20s, idle=15s, total=50s)");
        assertThatThrownBy(() -> CallTimeouts.parse("first-byte=20s, total=50s"))
                .hasMessageContaining("needs first-byte, idle and total");
    }

    @Test
    void default_totals_stay_under_gitlabs_limits_and_within_the_shutdown_grace() throws Exception {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(Path.of("application.properties"))));
        int shutdownSeconds = Integer.parseInt(properties.getProperty("camel.main.shutdownTimeout").strip());
        // GitLab gives up after 55 s on code suggestions and 60 s on chat (and the prompts chat features use)
        Map<String, Duration> gitlabLimits = Map.of("code-completions", Duration.ofSeconds(55),
                "code-generations", Duration.ofSeconds(55), "chat", Duration.ofSeconds(60), "prompts", Duration.ofSeconds(60));

        gitlabLimits.forEach((feature, limit) -> {
            Matcher setting = ENV_DEFAULT.matcher(properties.getProperty("gateway.timeouts." + feature).strip());
            assertThat(setting.matches()).as(feature).isTrue();
            CallTimeouts timeouts = CallTimeouts.parse(setting.group(1));
            assertThat(timeouts.total()).as(feature).isLessThan(limit);
            assertThat(timeouts.total()).as(feature).isLessThanOrEqualTo(Duration.ofSeconds(shutdownSeconds));
            assertThat(timeouts.firstByte()).as(feature).isLessThan(timeouts.total());
        });
    }

    @Test
    void retries_refused_connections_502_503_and_short_429s_but_not_other_failures() {
        RetryPolicy policy = new RetryPolicy();
        policy.setBackoffMs(200);
        policy.setMaxBackoffMs(1000);

        assertThat(policy.delayBeforeRetry(new ConnectException("refused"), 1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(policy.delayBeforeRetry(new ConnectTimeoutException("connect timed out"), 1)).isNotNull();
        assertThat(policy.delayBeforeRetry(http(502, Map.of()), 2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(policy.delayBeforeRetry(http(503, Map.of()), 6)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
        assertThat(policy.delayBeforeRetry(http(429, Map.of("Retry-After", "1")), 1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBeforeRetry(http(429, Map.of("retry-after-ms", "750")), 1)).isEqualTo(Duration.ofMillis(750));
        assertThat(policy.delayBeforeRetry(http(429, Map.of("Retry-After", "2")), 1)).as("longer than the longest backoff").isNull();
        assertThat(policy.delayBeforeRetry(http(400, Map.of()), 1)).isNull();
        assertThat(policy.delayBeforeRetry(http(500, Map.of()), 1)).isNull();
        assertThat(policy.delayBeforeRetry(new SocketTimeoutException("read timed out"), 1)).isNull();
    }

    @Test
    void retries_bedrock_throttling_unavailability_and_refused_connections_but_not_refusals_or_timeouts() {
        RetryPolicy policy = new RetryPolicy();
        policy.setBackoffMs(200);
        policy.setMaxBackoffMs(1000);

        assertThat(policy.delayBeforeRetry(aws(ThrottlingException.builder(), 429, Map.of("Retry-After", List.of("1"))), 1))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBeforeRetry(aws(ThrottlingException.builder(), 429, Map.of()), 1))
                .isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(policy.delayBeforeRetry(aws(ThrottlingException.builder(), 429, Map.of("Retry-After", List.of("5"))), 1))
                .as("longer than the longest backoff").isNull();
        assertThat(policy.delayBeforeRetry(aws(ServiceUnavailableException.builder(), 503, Map.of()), 1)).isNotNull();
        assertThat(policy.delayBeforeRetry(aws(ModelNotReadyException.builder(), 429, Map.of()), 1)).isNotNull();
        assertThat(policy.delayBeforeRetry(aws(InternalServerException.builder(), 502, Map.of()), 1)).isNotNull();
        assertThat(policy.delayBeforeRetry(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused")), 1)).isNotNull();

        assertThat(policy.delayBeforeRetry(aws(ValidationException.builder(), 400, Map.of()), 1)).isNull();
        assertThat(policy.delayBeforeRetry(aws(AccessDeniedException.builder(), 403, Map.of()), 1)).isNull();
        assertThat(policy.delayBeforeRetry(aws(ModelTimeoutException.builder(), 408, Map.of()), 1)).isNull();
        assertThat(policy.delayBeforeRetry(aws(InternalServerException.builder(), 500, Map.of()), 1)).isNull();
        assertThat(policy.delayBeforeRetry(ApiCallTimeoutException.create(4000), 1)).isNull();
    }

    private static AwsServiceException aws(AwsServiceException.Builder builder, int status, Map<String, List<String>> headers) {
        return builder.statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorMessage("m")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).headers(headers).build()).build())
                .build();
    }

    private static HttpOperationFailedException http(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://model/v1/chat/completions", status, "X", null, headers, "{}");
    }
}
