package io.github.aigateway.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When traces are on: an OTLP endpoint is configured and the standard variables do not turn them off. */
class ExchangeTracingTest {

    @Test
    void off_without_an_otlp_endpoint() {
        assertThat(ExchangeTracing.enabled("", Map.of())).isFalse();
        assertThat(ExchangeTracing.enabled(null, Map.of("OTEL_SERVICE_NAME", "x"))).isFalse();
    }

    @Test
    void on_with_the_otlp_endpoint_or_a_traces_endpoint_of_its_own() {
        assertThat(ExchangeTracing.enabled("http://collector:4318", Map.of())).isTrue();
        assertThat(ExchangeTracing.enabled("", Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")))
                .isTrue();
    }

    @Test
    void the_standard_switches_turn_it_off() {
        assertThat(ExchangeTracing.enabled("http://collector:4318", Map.of("OTEL_SDK_DISABLED", "true"))).isFalse();
        assertThat(ExchangeTracing.enabled("http://collector:4318", Map.of("OTEL_TRACES_EXPORTER", "none"))).isFalse();
    }
}
