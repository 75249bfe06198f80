package io.github.aigateway.troubleshoot;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** The HTTP calls the checks make, with short timeouts and failures put in plain words. */
final class Probe {

    /** An HTTP answer, or the reason there was none ({@code status} 0). */
    record Reply(int status, String body, String failure) {

        boolean answered() {
            return status > 0;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    Reply get(String url, Duration timeout, String... headers) {
        return send(request(url, timeout, headers).GET());
    }

    Reply post(String url, String json, Duration timeout, String... headers) {
        return send(request(url, timeout, headers)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpRequest.Builder request(String url, Duration timeout, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, "", "interrupted");
        } catch (IOException | IllegalArgumentException e) {
            return new Reply(0, "", describe(e));
        }
    }

    /** Why a call got no answer, in the words an administrator searches for. */
    static String describe(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof ConnectException || cause instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException || cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof SSLException || cause instanceof SSLException) {
            return "TLS handshake failed (" + cause.getMessage() + ")";
        }
        if (e instanceof IllegalArgumentException) {
            return "not a usable URL";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
