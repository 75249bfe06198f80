package io.github.aigateway.extension;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ChatMessage;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.Feature;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.model.Provider;
import io.github.aigateway.resilience.ClientGoneException;
import io.github.aigateway.stream.TokenStream;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** What extension routes do to a model call at the seams, and when the fallback may serve a request. */
class ModelCallEditsTest {

    private final ModelCatalog catalog = new ModelCatalog();
    private final ModelCallEdits edits = new ModelCallEdits();
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    ModelCallEditsTest() {
        edits.setCatalog(catalog);
        exchange.setProperty("modelCall", new ModelCall(Feature.CODE_COMPLETIONS,
                catalog.select("codestral", "http://vllm:8000/v1", "sk-gitlab", "custom_openai/Codestral-22B-v0.1"),
                "Codestral", List.of(new ChatMessage("system", "Complete code."), new ChatMessage("user", "def add(a, b):")),
                0.2, 64, List.of(), false));
    }

    private ModelCall call() {
        return exchange.getProperty("modelCall", ModelCall.class);
    }

    @Test
    void retarget_sends_the_same_messages_to_another_model_and_forgets_the_first_ones_outcome() {
        exchange.setProperty(ExchangeProperties.MODEL_ANSWERED, true);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new ConnectException("refused"));

        edits.retarget(exchange, "", "bedrock/anthropic.claude-3-haiku", "claude_3", "");

        ModelSelection model = call().model();
        assertThat(model.family()).isEqualTo("claude_3");
        assertThat(model.provider()).isEqualTo(Provider.BEDROCK);
        assertThat(model.servedModel()).isEqualTo("anthropic.claude-3-haiku");
        assertThat(model.endpoint()).isNull();
        assertThat(model.apiKey()).isNull();
        assertThat(call().messages()).extracting(ChatMessage::content).containsExactly("Complete code.", "def add(a, b):");
        assertThat(exchange.getProperty(ExchangeProperties.MODEL_ANSWERED)).isNull();
        assertThat(exchange.getProperty(Exchange.EXCEPTION_CAUGHT)).isNull();
    }

    @Test
    void retarget_without_a_family_keeps_the_calls_and_sends_its_own_key() {
        edits.retarget(exchange, "http://standby:8000/v1/", "custom_openai/standby", "", "sk-standby");

        assertThat(call().model().family()).isEqualTo("codestral");
        assertThat(call().model().endpoint()).isEqualTo("http://standby:8000/v1");
        assertThat(call().model().servedModel()).isEqualTo("standby");
        assertThat(call().model().apiKey().reveal()).isEqualTo("sk-standby");
    }

    @Test
    void set_message_replaces_the_message_of_its_role_or_adds_one() {
        edits.setMessage(exchange, "system", "Complete ACME code.");
        edits.setMessage(exchange, "assistant", "def");

        assertThat(call().messages()).containsExactly(new ChatMessage("system", "Complete ACME code."),
                new ChatMessage("user", "def add(a, b):"), new ChatMessage("assistant", "def"));
    }

    @Test
    void a_system_message_goes_first_when_there_was_none() {
        exchange.setProperty("modelCall", call().withMessages(List.of(new ChatMessage("user", "x"))));

        edits.setMessage(exchange, "system", "Complete ACME code.");

        assertThat(call().messages()).containsExactly(new ChatMessage("system", "Complete ACME code."),
                new ChatMessage("user", "x"));
    }

    @Test
    void audit_model_as_names_the_model_without_its_key_beside_the_other_fields() {
        exchange.setProperty(ExchangeProperties.AUDIT_FIELDS, Map.of("redacted", 2));

        edits.auditModelAs(exchange, "fallback_from");

        assertThat(exchange.getProperty(ExchangeProperties.AUDIT_FIELDS, Map.class))
                .isEqualTo(Map.of("redacted", 2, "fallback_from", "custom_openai/Codestral-22B-v0.1"));
    }

    @Test
    void the_model_is_unavailable_when_it_failed_or_could_not_be_reached() {
        assertThat(unavailable(new HttpOperationFailedException("http://vllm", 503, "x", null, null, ""))).isTrue();
        assertThat(unavailable(new HttpOperationFailedException("http://vllm", 429, "x", null, null, ""))).isTrue();
        assertThat(unavailable(new CamelExecutionException("wrapped", exchange, new ConnectException("refused")))).isTrue();
        assertThat(unavailable(new GatewayException(504, "Inference timed out"))).isTrue();
        assertThat(unavailable(new GatewayException(503, "Inference failed: circuit breaker open"))).isTrue();
    }

    @Test
    void the_model_is_not_unavailable_when_the_request_was_refused_or_gitlab_went() {
        assertThat(unavailable(new HttpOperationFailedException("http://vllm", 400, "x", null, null, ""))).isFalse();
        assertThat(unavailable(new GatewayException(403, "model_endpoint host '169.254.169.254' is refused"))).isFalse();
        assertThat(unavailable(new GatewayException(422, "Model family 'gpt' does not support code completions"))).isFalse();
        assertThat(unavailable(new ClientGoneException())).isFalse();
        assertThat(edits.modelUnavailable(exchange)).isFalse();
    }

    @Test
    void nothing_reached_gitlab_until_a_stream_sent_its_first_bytes() {
        assertThat(edits.nothingReachedGitLab(exchange)).isTrue();
        exchange.setProperty("responseStream", stream(false));
        assertThat(edits.nothingReachedGitLab(exchange)).isTrue();
        exchange.setProperty("responseStream", stream(true));
        assertThat(edits.nothingReachedGitLab(exchange)).isFalse();
    }

    private boolean unavailable(Exception failure) {
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return edits.modelUnavailable(exchange);
    }

    private static TokenStream stream(boolean started) {
        return new TokenStream() {
            @Override
            public void write(String text) {
            }

            @Override
            public void end() {
            }

            @Override
            public void abort(String reason) {
            }

            @Override
            public boolean started() {
                return started;
            }

            @Override
            public boolean clientGone() {
                return false;
            }
        };
    }
}
