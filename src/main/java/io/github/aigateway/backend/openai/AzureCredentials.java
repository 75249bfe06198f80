package io.github.aigateway.backend.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.backend.ModelCredentials;
import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azure OpenAI authentication: the key GitLab sends as {@code api-key}; without one, a Microsoft Entra ID
 * token for the gateway's own identity ({@code AZURE_TENANT_ID} / {@code AZURE_CLIENT_ID} /
 * {@code AZURE_CLIENT_SECRET}, OAuth 2 client credentials) as {@code Authorization: Bearer}, fetched once
 * and reused until shortly before it expires.
 */
public class AzureCredentials implements ModelCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(AzureCredentials.class);
    private static final String SCOPE = "https://cognitiveservices.azure.com/.default";
    private static final Duration EARLY_REFRESH = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String authorityHost = "https://login.microsoftonline.com";
    private String tenantId = "";
    private String clientId = "";
    private Secret clientSecret;
    private Clock clock = Clock.systemUTC();
    private Secret token;
    private Instant refreshAt = Instant.MIN;

    @Override
    public void authenticate(Exchange exchange) {
        ModelCall call = exchange.getProperty(ExchangeProperties.MODEL_CALL, ModelCall.class);
        Secret key = call.model().apiKey();
        if (key != null) {
            exchange.getMessage().setHeader("api-key", key.reveal());
        } else {
            exchange.getMessage().setHeader("Authorization", "Bearer " + entraToken().reveal());
        }
    }

    private synchronized Secret entraToken() {
        if (tenantId.isBlank() || clientId.isBlank() || clientSecret == null) {
            throw new GatewayException(503, "Inference failed: no Azure OpenAI key was given for this model and"
                    + " AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET are not set for Microsoft Entra ID");
        }
        if (token != null && clock.instant().isBefore(refreshAt)) {
            return token;
        }
        String form = "grant_type=client_credentials&client_id=" + encode(clientId) + "&client_secret="
                + encode(clientSecret.reveal()) + "&scope=" + encode(SCOPE);
        HttpRequest request = HttpRequest.newBuilder(URI.create(authorityHost + "/" + encode(tenantId)
                        + "/oauth2/v2.0/token"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = OpenAiChat.JSON.readTree(response.body());
            if (response.statusCode() != 200 || !body.hasNonNull("access_token")) {
                LOG.warn("Microsoft Entra ID refused the gateway's credentials: HTTP {} {}", response.statusCode(),
                        body.path("error").asText(""));
                throw new GatewayException(503, "Inference failed: Microsoft Entra ID refused the gateway's"
                        + " credentials (HTTP " + response.statusCode() + " " + body.path("error").asText("") + ")");
            }
            token = Secret.of(body.path("access_token").asText());
            refreshAt = clock.instant().plusSeconds(body.path("expires_in").asLong(3600)).minus(EARLY_REFRESH);
            return token;
        } catch (IOException e) {
            throw new GatewayException(503, "Inference failed: Microsoft Entra ID cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(503, "Inference failed: interrupted while fetching a Microsoft Entra ID token");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code AZURE_AUTHORITY_HOST}, as the Azure SDKs call it (sovereign clouds, tests). */
    public void setAuthorityHost(String authorityHost) {
        this.authorityHost = authorityHost.endsWith("/") ? authorityHost.substring(0, authorityHost.length() - 1)
                : authorityHost;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = Secret.of(clientSecret);
    }

    void setClock(Clock clock) {
        this.clock = clock;
    }
}
