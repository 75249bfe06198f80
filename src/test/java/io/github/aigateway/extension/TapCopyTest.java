package io.github.aigateway.extension;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.audit.AuditClaim;
import io.github.aigateway.request.RequestRecord;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelAnswer;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.Feature;
import io.github.aigateway.catalog.ModelCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.ExchangeHelper;
import org.junit.jupiter.api.Test;

/** A wire-tapped copy prepared by TapCopy can call a model on its own, and cannot reach GitLab's answer or record. */
class TapCopyTest {

    private final Exchange original = new DefaultExchange(new DefaultCamelContext());
    private final RequestRecord record = new RequestRecord("POST", "/v2/code/completions", "10.0.0.1", Map.of(), false);
    private Exchange tappedCopy() {
        ModelCall call = new ModelCall(Feature.CODE_COMPLETIONS,
                new ModelCatalog().select("codestral", "http://vllm:8000/v1", "sk-gitlab", "custom_openai/Codestral-22B-v0.1"),
                "Codestral", List.of(new ChatMessage("user", "def add(a, b):")), 0.2, 64, List.of(), true);
        original.getMessage().setHeader("Authorization", "Bearer gitlab-token");
        original.getMessage().setBody("GitLab's request");
        original.setProperty(ExchangeProperties.CORRELATION_ID, "req-1");
        original.setProperty(ExchangeProperties.REQUEST_RECORD, record);
        original.setProperty(ExchangeProperties.VERTX_RESPONSE, "GitLab's Vert.x response");
        original.setProperty(ExchangeProperties.VERTX_CONTEXT, "GitLab's event loop");
        original.setProperty("responseStream", "GitLab's token stream");
        original.setProperty("modelCall", call);
        original.setProperty(ExchangeProperties.MODEL_CALL_CONTROL, "the call's watchdog");
        original.setProperty(ExchangeProperties.TRACE_REQUEST_SPAN, "request span");
        original.setProperty(ExchangeProperties.TRACE_MODEL_SPAN, "model span");
        original.setProperty("modelAnswer", new ModelAnswer("return a + b", 3, 4));
        original.setProperty(ExchangeProperties.MODEL_ANSWERED, true);
        original.setProperty(ExchangeProperties.AUDIT_FIELDS, new HashMap<>(Map.of("redacted", 1)));
        // as the wire-tap copies the exchange before its onPrepare
        Exchange copy = ExchangeHelper.createCorrelatedCopy(original, false);
        new TapCopy().process(copy);
        return copy;
    }

    @Test
    void keeps_what_a_model_call_needs_and_asks_for_a_complete_answer() {
        Exchange copy = tappedCopy();

        assertThat(copy.getProperty(ExchangeProperties.CORRELATION_ID)).isEqualTo("req-1");
        ModelCall call = copy.getProperty("modelCall", ModelCall.class);
        assertThat(call.messages()).containsExactly(new ChatMessage("user", "def add(a, b):"));
        assertThat(call.stream()).isFalse();
        assertThat(original.getProperty("modelCall", ModelCall.class).stream()).isTrue();
    }

    @Test
    void has_nothing_that_writes_to_gitlabs_answer() {
        Exchange copy = tappedCopy();

        assertThat(copy.getProperty("responseStream")).isNull();
        assertThat(copy.getProperty(ExchangeProperties.VERTX_RESPONSE)).isNull();
        assertThat(copy.getProperty(ExchangeProperties.VERTX_CONTEXT)).isNull();
        assertThat(copy.getMessage().getHeaders()).isEmpty();
        assertThat(copy.getMessage().getBody()).isNull();
        assertThat(copy.getFromEndpoint()).isNull();
    }

    @Test
    void never_claims_or_fills_the_requests_audit_record() {
        Exchange copy = tappedCopy();

        RequestRecord own = copy.getProperty(ExchangeProperties.REQUEST_RECORD, RequestRecord.class);
        assertThat(own).isNotSameAs(record);
        assertThat(new AuditClaim().matches(copy)).isFalse();
        assertThat(new AuditClaim().matches(original)).isTrue();
        assertThat(copy.getProperty(ExchangeProperties.AUDIT_FIELDS)).isNull();
        assertThat(original.getProperty(ExchangeProperties.AUDIT_FIELDS, Map.class)).isEqualTo(Map.of("redacted", 1));
    }

    @Test
    void drops_the_original_calls_watchdog_spans_and_answer() {
        Exchange copy = tappedCopy();

        assertThat(copy.getProperty(ExchangeProperties.MODEL_CALL_CONTROL)).isNull();
        assertThat(copy.getProperty(ExchangeProperties.TRACE_REQUEST_SPAN)).isNull();
        assertThat(copy.getProperty(ExchangeProperties.TRACE_MODEL_SPAN)).isNull();
        assertThat(copy.getProperty("modelAnswer")).isNull();
        assertThat(copy.getProperty(ExchangeProperties.MODEL_ANSWERED)).isNull();
        assertThat(original.getProperty(ExchangeProperties.MODEL_CALL_CONTROL)).isEqualTo("the call's watchdog");
    }
}
