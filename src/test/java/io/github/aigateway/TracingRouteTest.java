package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Traces with an OTLP collector configured: a completion, complete or streamed, reaches the collector as a server
 * span continuing GitLab's {@code traceparent}, with the model call as a child span carrying the GenAI attributes,
 * and the model server gets the model call's {@code traceparent}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15610", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
            "gateway.otel.endpoint={{sys:aigw.test.otel.endpoint}}"})
class TracingRouteTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String GITLAB_SPAN_ID = "b7ad6b7169203331";
    private static final Pattern TRACEPARENT = Pattern.compile("00-" + TRACE_ID + "-([0-9a-f]{16})-01");

    @RegisterExtension
    static WireMockExtension vllm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension collector = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final GatewayClient gateway = new GatewayClient(15610);

    @BeforeAll
    void pointTracesAtTheCollector() {
        System.setProperty("aigw.test.otel.endpoint", "http://127.0.0.1:" + collector.getPort());
        System.setProperty("otel.bsp.schedule.delay", "100"); // export within the test's patience
    }

    @BeforeEach
    void answerLikeVllmAndACollector() {
        collector.stubFor(post(urlEqualTo("/v1/traces")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-protobuf")));
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"return 1\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4,\"total_tokens\":25}}")));
        vllm.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(
                        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"return 1\"}}]}\n\n"
                        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4}}\n\n"
                        + "data: [DONE]\n\n")));
    }

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void a_completion_is_one_server_span_with_the_model_call_as_its_child(boolean stream) throws Exception {
        String requestId = "trace-test-" + stream;
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "def one():\\n    ", "content_below_cursor": ""},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": %s, "model_name": "codestral",
                 "model_endpoint": "http://127.0.0.1:%d/v1", "model_identifier": "custom_openai/Codestral-22B-v0.1"}
                """.formatted(stream, vllm.getPort()),
                "traceparent", "00-" + TRACE_ID + "-" + GITLAB_SPAN_ID + "-01", "X-Request-ID", requestId);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("traceparent")).isEmpty();
        LoggedRequest toModel = vllm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).get(0);
        Matcher traceparent = TRACEPARENT.matcher(toModel.getHeader("traceparent"));
        assertThat(traceparent.matches()).as("traceparent sent to the model: %s", toModel.getHeader("traceparent")).isTrue();
        String modelSpanId = traceparent.group(1);

        List<Span> spans = await().atMost(Duration.ofSeconds(10)).until(() -> exported(requestId), found -> found.size() == 2);
        Span server = spans.stream().filter(span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
        Span model = spans.stream().filter(span -> span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).findFirst().orElseThrow();
        assertThat(hex(server.getTraceId().toByteArray())).isEqualTo(TRACE_ID);
        assertThat(hex(server.getParentSpanId().toByteArray())).isEqualTo(GITLAB_SPAN_ID);
        assertThat(server.getName()).isEqualTo("POST /v2/code/completions");
        assertThat(attributes(server)).containsEntry("correlation_id", requestId)
                .containsEntry("http.response.status_code", "200").containsEntry("http.request.method", "POST");
        assertThat(hex(model.getSpanId().toByteArray())).isEqualTo(modelSpanId);
        assertThat(hex(model.getParentSpanId().toByteArray())).isEqualTo(hex(server.getSpanId().toByteArray()));
        assertThat(model.getName()).isEqualTo("chat Codestral-22B-v0.1");
        assertThat(attributes(model)).containsEntry("gen_ai.system", "openai")
                .containsEntry("gen_ai.operation.name", "chat")
                .containsEntry("gen_ai.request.model", "Codestral-22B-v0.1")
                .containsEntry("gen_ai.usage.input_tokens", "21")
                .containsEntry("gen_ai.usage.output_tokens", "4");
        assertThat(collector.findAll(postRequestedFor(urlEqualTo("/v1/traces"))).get(0).getHeader("Content-Type"))
                .isEqualTo("application/x-protobuf");
    }

    /** The spans of one request the collector received, found by the request's correlation id. */
    private static List<Span> exported(String requestId) throws Exception {
        List<Span> all = new ArrayList<>();
        for (LoggedRequest export : collector.findAll(anyRequestedFor(anyUrl()))) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(export.getBody());
            request.getResourceSpansList().forEach(resource -> {
                assertThat(attributes(resource.getResource().getAttributesList())).containsEntry("service.name", "ai-gateway");
                resource.getScopeSpansList().forEach(scope -> all.addAll(scope.getSpansList()));
            });
        }
        Span server = all.stream().filter(span -> requestId.equals(attributes(span).get("correlation_id")))
                .findFirst().orElse(null);
        if (server == null) {
            return List.of();
        }
        return all.stream().filter(span -> span.getTraceId().equals(server.getTraceId())
                && (span.getSpanId().equals(server.getSpanId()) || span.getParentSpanId().equals(server.getSpanId())))
                .toList();
    }

    private static Map<String, String> attributes(Span span) {
        return attributes(span.getAttributesList());
    }

    private static Map<String, String> attributes(List<KeyValue> values) {
        return values.stream().collect(Collectors.toMap(KeyValue::getKey, value -> text(value.getValue())));
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            default -> value.toString();
        };
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
