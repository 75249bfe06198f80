package io.github.aigateway.backend.openai;

import io.github.aigateway.backend.ModelCredentials;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.model.ModelCall;
import org.apache.camel.Exchange;

/** OpenAI-compatible servers (vLLM, Ollama, ...): the model key as {@code Authorization: Bearer}, GitLab's dummy key when none. */
public class BearerKeyCredentials implements ModelCredentials {

    @Override
    public void authenticate(Exchange exchange) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        exchange.getMessage().setHeader("Authorization", "Bearer " + call.model().apiKey().reveal());
    }
}
