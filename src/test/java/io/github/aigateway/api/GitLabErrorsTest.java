package io.github.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.aigateway.failure.AuthenticationException;
import io.github.aigateway.failure.ErrorReply;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.failure.RequestValidationException;
import io.github.aigateway.model.Feature;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.ModelSelection;
import io.github.aigateway.model.Provider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/**
 * Which answer a failure gets: by its type, the closest type in its cause chain winning as Camel picks an
 * onException clause, so a failure wrapped by Camel or a bean still gets its own answer.
 */
class GitLabErrorsTest {

    private static final ErrorReply INFERENCE_FAILED = new ErrorReply(503, "{\"detail\":\"Inference failed\"}", null);
    private static final ErrorReply TIMED_OUT = new ErrorReply(504, "{\"detail\":\"Inference timed out\"}", null);
    private static final ErrorReply INTERNAL = new ErrorReply(500, "{\"detail\":\"Internal Server Error\"}", null);

    private final GitLabErrors errors = new GitLabErrors();
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    private ErrorReply replyTo(Throwable failure) {
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return errors.reply(exchange);
    }

    /** A /v1/prompts call: the model's failures are 421 with the status GitLab's gateway reports for each. */
    private void aPromptCall() {
        ModelSelection model = new ModelSelection("mistral", Provider.OPENAI_COMPATIBLE, "openai-compatible", "m",
                "http://vllm:8000/v1", null, "custom_openai/m");
        exchange.setProperty("modelCall", new ModelCall(Feature.PROMPTS, model, "p", List.of(), 0, 16, List.of(), false));
    }

    private static HttpOperationFailedException modelAnswered(int status) {
        return new HttpOperationFailedException("http://vllm:8000/v1/chat/completions", status, "X", null, Map.of(), "{}");
    }

    @Test
    void each_type_of_failure_gets_its_own_answer() {
        assertThat(replyTo(RequestValidationException.of("missing", "Field required", "body", "current_file")))
                .isEqualTo(new ErrorReply(422, "{\"detail\":\"Validation error\"}", null));
        assertThat(replyTo(new AuthenticationException("No authorization header presented")))
                .isEqualTo(new ErrorReply(401, "{\"error\":\"No authorization header presented\"}", null));
        assertThat(replyTo(new GatewayException(404, "Prompt 'x' not found")))
                .isEqualTo(new ErrorReply(404, "{\"detail\":\"Prompt 'x' not found\"}", null));
        assertThat(replyTo(modelAnswered(401))).isEqualTo(new ErrorReply(503,
                "{\"detail\":\"Inference failed: the model server rejected the API key (HTTP 401)\"}", null));
        assertThat(replyTo(ThrottlingException.builder().message("slow down").statusCode(429).build()))
                .isEqualTo(new ErrorReply(429, "{\"detail\":\"Too many requests. Please try again later.\"}", "5"));
        assertThat(replyTo(SdkClientException.create("Unable to load credentials from any of the providers")).status())
                .isEqualTo(503);
        assertThat(replyTo(new SocketTimeoutException("Read timed out"))).isEqualTo(TIMED_OUT);
        assertThat(replyTo(new ConnectionRequestTimeoutException("Timeout waiting for connection"))).isEqualTo(TIMED_OUT);
        assertThat(replyTo(new ConnectException("Connection refused"))).isEqualTo(INFERENCE_FAILED);
        assertThat(replyTo(new IllegalStateException("a bug"))).isEqualTo(INTERNAL);
    }

    @Test
    void a_failure_wrapped_by_camel_gets_the_answer_of_the_failure_inside() {
        assertThat(replyTo(new RuntimeCamelException(new SocketTimeoutException("Read timed out")))).isEqualTo(TIMED_OUT);
        assertThat(replyTo(new CamelExecutionException("bean failed", exchange,
                new RuntimeCamelException(new GatewayException(422, "Unusable model_endpoint")))))
                .isEqualTo(new ErrorReply(422, "{\"detail\":\"Unusable model_endpoint\"}", null));
    }

    @Test
    void an_exact_type_deep_in_the_chain_beats_a_type_closer_to_the_surface() {
        // the IOException around the timeout matches unreachable exactly too, but the innermost exact match wins
        assertThat(replyTo(new IOException("call failed", new SocketTimeoutException("Read timed out"))))
                .isEqualTo(TIMED_OUT);
        assertThat(replyTo(new UncheckedIOException(new IOException("Connection reset")))).isEqualTo(INFERENCE_FAILED);
    }

    @Test
    void an_exact_type_outside_beats_a_cause_that_matches_only_a_supertype() {
        aPromptCall();

        // the cause is an IOException two classes down (unreachable: 421 "500: Internal Server Error" for a
        // prompt), the wrapper an SdkClientException exactly: the AWS SDK's failure is answered
        assertThat(replyTo(SdkClientException.create("Unable to execute HTTP request: Connection refused",
                new ConnectException("Connection refused")))).isEqualTo(INFERENCE_FAILED);
        // a cause that only Exception matches does not hide a specific wrapper
        assertThat(replyTo(SdkClientException.create("bad region", new IllegalArgumentException("region"))))
                .isEqualTo(INFERENCE_FAILED);
    }

    @Test
    void of_equally_close_matches_the_innermost_cause_wins() {
        aPromptCall();
        class ReadTimeout extends SocketTimeoutException {
        }

        // ReadTimeout is one class from SocketTimeoutException, the RuntimeException around it one from Exception
        assertThat(replyTo(new RuntimeException(new ReadTimeout())))
                .isEqualTo(new ErrorReply(421, "{\"detail\":\"408: Request Timeout\"}", null));
    }

    @Test
    void a_timeout_of_a_prompt_call_is_reported_as_the_model_status_gitlab_shows() {
        aPromptCall();

        assertThat(replyTo(new RuntimeCamelException(new SocketTimeoutException("Read timed out"))))
                .isEqualTo(new ErrorReply(421, "{\"detail\":\"408: Request Timeout\"}", null));
        assertThat(replyTo(new ConnectException("Connection refused")))
                .isEqualTo(new ErrorReply(421, "{\"detail\":\"500: Internal Server Error\"}", null));
    }
}
