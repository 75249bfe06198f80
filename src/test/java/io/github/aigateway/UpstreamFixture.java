package io.github.aigateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One fixture of the upstream conformance suite: a request as GitLab builds it, what the fake model answers, and
 * what GitLab's own tests expect back. The format is described in {@code src/test/resources/upstream/README.md}.
 */
record UpstreamFixture(String name, Path file, JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL_ENDPOINT = "{{model_endpoint}}";

    static List<UpstreamFixture> all(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".json")).sorted()
                    .map(file -> read(root, file)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UpstreamFixture read(Path root, Path file) {
        try {
            String name = root.relativize(file).toString().replace(".json", "");
            return new UpstreamFixture(name, file, JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable fixture " + file, e);
        }
    }

    /** One fixture by name, e.g. {@code v2-code-completions/litellm-prompt-version-2}, for tests that reuse its request. */
    static UpstreamFixture named(String name) {
        return read(UpstreamConformanceTest.FIXTURES, UpstreamConformanceTest.FIXTURES.resolve(name + ".json"));
    }

    /** The request body exactly as GitLab builds it, pointed at {@code modelEndpoint}. */
    String requestBody(String modelEndpoint) {
        JsonNode request = json.path("request");
        String body = request.has("body_text") ? request.get("body_text").asText()
                : request.has("body") ? request.get("body").toString() : null;
        return body == null ? null : body.replace(MODEL_ENDPOINT, modelEndpoint);
    }

    JsonNode source() {
        JsonNode source = json.get("source");
        return source == null || !source.hasNonNull("repository") || !source.hasNonNull("path")
                || !source.hasNonNull("commit") ? null : source;
    }

    int repeat() {
        return json.path("request").path("repeat").asInt(1);
    }

    // ---- the fake model -------------------------------------------------------------------------------------

    void stubModel(WireMockServer model) {
        JsonNode stubs = json.path("model");
        if (stubs.isObject()) {
            stub(model, stubs);
        } else {
            stubs.forEach(stub -> stub(model, stub));
        }
    }

    private static void stub(WireMockServer model, JsonNode stub) {
        ResponseDefinitionBuilder answer = aResponse().withStatus(stub.path("status").asInt(200));
        stub.path("headers").fields().forEachRemaining(header -> answer.withHeader(header.getKey(), header.getValue().asText()));
        if (stub.has("fault")) {
            answer.withFault(Fault.valueOf(stub.get("fault").asText()));
        } else if (stub.has("sse")) {
            StringBuilder events = new StringBuilder();
            stub.get("sse").forEach(event -> events.append("data: ")
                    .append(event.isTextual() ? event.asText() : event.toString()).append("\n\n"));
            answer.withHeader("Content-Type", "text/event-stream").withBody(events.toString());
        } else if (stub.has("body_text")) {
            answer.withBody(stub.get("body_text").asText());
        } else if (stub.has("body")) {
            if (!stub.path("headers").has("Content-Type")) {
                answer.withHeader("Content-Type", "application/json");
            }
            answer.withBody(stub.get("body").toString());
        }
        if (stub.has("delay_ms")) {
            answer.withFixedDelay(stub.get("delay_ms").asInt());
        }
        model.stubFor(any(urlPathEqualTo(stub.path("path").asText("/v1/chat/completions"))).willReturn(answer));
    }

    // ---- the request GitLab sends ---------------------------------------------------------------------------

    HttpResponse<String> send(GatewayClient gateway, RSAKey gitlabKey, String modelEndpoint) {
        JsonNode request = json.path("request");
        String method = request.path("method").asText("POST");
        String body = requestBody(modelEndpoint);
        HttpRequest.Builder http = HttpRequest.newBuilder(gateway.uri(request.path("path").asText()))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers(request, gitlabKey).forEach(http::header);
        try {
            return gateway.http().send(http.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": no answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GitLab's headers with a token it signed, then the fixture's own headers (a null value drops one). */
    private Map<String, String> headers(JsonNode request, RSAKey gitlabKey) {
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode auth = json.path("auth");
        if (!auth.path("none").asBoolean(false)) {
            String[] gitlab = FakeGitLab.headers(token(auth, gitlabKey));
            for (int i = 0; i + 1 < gitlab.length; i += 2) {
                headers.put(gitlab[i], gitlab[i + 1]);
            }
            if (auth.has("scheme")) {
                headers.computeIfPresent("Authorization",
                        (name, value) -> value.replaceFirst("^Bearer ", auth.get("scheme").asText() + " "));
            }
        }
        if (request.has("body") || request.has("body_text")) {
            headers.put("Content-Type", "application/json");
        }
        request.path("headers").fields().forEachRemaining(header -> {
            headers.keySet().removeIf(name -> name.equalsIgnoreCase(header.getKey()));
            if (!header.getValue().isNull()) {
                headers.put(header.getKey(), header.getValue().asText());
            }
        });
        return headers;
    }

    /** A token as GitLab signs it; {@code auth.scopes}, {@code auth.claims} (null drops one) change its claims. */
    private static String token(JsonNode auth, RSAKey gitlabKey) {
        return FakeGitLab.token(gitlabKey, claims -> {
            if (auth.has("scopes")) {
                List<String> scopes = new ArrayList<>();
                auth.get("scopes").forEach(scope -> scopes.add(scope.asText()));
                claims.claim("scopes", scopes);
            }
            auth.path("claims").fields().forEachRemaining(claim -> claims.claim(claim.getKey(), claimValue(claim.getValue())));
            if (auth.has("expires_in_seconds")) {
                claims.expirationTime(Date.from(Instant.now().plusSeconds(auth.get("expires_in_seconds").asLong())));
            }
            return claims;
        });
    }

    private static Object claimValue(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        return JSON.convertValue(value, Object.class);
    }

    // ---- what GitLab gets back ------------------------------------------------------------------------------

    void assertAnswer(HttpResponse<String> response) {
        JsonNode expected = json.path("expected");
        String body = response.body();
        assertThat(response.statusCode()).as("%s: status (body %s)", name, body).isEqualTo(expected.path("status").asInt());
        expected.path("headers").fields().forEachRemaining(header -> {
            String actual = response.headers().firstValue(header.getKey()).orElse(null);
            assertThat(actual).as("%s: header %s", name, header.getKey()).isNotNull();
            if (!"<any>".equals(header.getValue().asText())) {
                assertThat(actual).as("%s: header %s", name, header.getKey()).isEqualTo(header.getValue().asText());
            }
        });
        expected.path("absent_headers").forEach(header -> assertThat(response.headers().firstValue(header.asText()))
                .as("%s: header %s must not reach GitLab", name, header.asText()).isEmpty());
        if (expected.has("body_text")) {
            assertThat(body).as("%s: body", name).isEqualTo(expected.get("body_text").asText());
        }
        if (expected.has("body")) {
            assertMatches(expected.get("body"), parse(body), "body");
        }
        if (expected.has("sse_events")) {
            assertThat(body).as("%s: SSE events end with a blank line", name).endsWith("\r\n\r\n");
            List<String> events = List.of(body.substring(0, body.length() - 4).split("\r\n\r\n", -1));
            JsonNode wanted = expected.get("sse_events");
            assertThat(events).as("%s: SSE events split on CRLF CRLF: %s", name, events).hasSize(wanted.size());
            for (int i = 0; i < wanted.size(); i++) {
                assertEvent(wanted.get(i), events.get(i), i);
            }
        }
        if (expected.has("ndjson")) {
            ArrayNode lines = JSON.createArrayNode();
            for (String line : body.split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(parse(line));
                }
            }
            assertMatches(expected.get("ndjson"), lines, "ndjson");
        }
    }

    /**
     * One SSE event: a string is its exact text; {@code {"event": name, "data": json}} is exactly an
     * {@code event:} line and one {@code data:} line (CRLF between them) whose JSON matches {@code data}.
     */
    private void assertEvent(JsonNode wanted, String event, int index) {
        if (wanted.isTextual()) {
            assertThat(event).as("%s: SSE event %d", name, index).isEqualTo(wanted.asText());
            return;
        }
        String[] lines = event.split("\r\n", -1);
        assertThat(lines).as("%s: SSE event %d is an event line and a data line: %s", name, index, event).hasSize(2);
        assertThat(lines[0]).as("%s: SSE event %d name", name, index).isEqualTo("event: " + wanted.path("event").asText());
        assertThat(lines[1]).as("%s: SSE event %d data line", name, index).startsWith("data: ");
        assertMatches(wanted.get("data"), parse(lines[1].substring("data: ".length())), "SSE event " + index + " data");
    }

    void assertModelReceived(List<LoggedRequest> received) {
        JsonNode expected = json.path("expected").get("model_requests");
        if (expected == null) {
            return;
        }
        assertThat(received).as("%s: requests the model received", name).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = expected.get(i);
            LoggedRequest got = received.get(i);
            if (want.has("path")) {
                assertThat(URI.create(got.getUrl()).getPath()).as("%s: model request %d path", name, i)
                        .isEqualTo(want.get("path").asText());
            }
            want.path("headers").fields().forEachRemaining(header -> {
                String actual = got.getHeader(header.getKey());
                assertThat(actual).as("%s: model request header %s", name, header.getKey()).isNotNull();
                if (!"<any>".equals(header.getValue().asText())) {
                    assertThat(actual).as("%s: model request header %s", name, header.getKey())
                            .isEqualTo(header.getValue().asText());
                }
            });
            want.path("absent_headers").forEach(header -> assertThat(got.containsHeader(header.asText()))
                    .as("%s: header %s must not reach the model", name, header.asText()).isFalse());
            if (want.has("body")) {
                assertMatches(want.get("body"), parse(got.getBodyAsString()), "model request " + i);
            }
            if (want.has("body_subset")) {
                assertContains(want.get("body_subset"), parse(got.getBodyAsString()), "model request " + i);
            }
            for (JsonNode text : want.path("body_contains")) {
                assertThat(got.getBodyAsString()).as("%s: model request %d body", name, i).contains(text.asText());
            }
        }
    }

    private JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return fail("%s: not JSON: %s", name, text);
        }
    }

    /** Equal JSON, where {@code "<any>"}, {@code "<any-string>"} and {@code "<any-number>"} stand for a value. */
    private void assertMatches(JsonNode expected, JsonNode actual, String where) {
        if (!matches(expected, actual, false)) {
            fail("%s: %s%n expected: %s%n   actual: %s", name, where, expected, actual);
        }
    }

    /** Like {@link #assertMatches} but objects may have more fields than expected. */
    private void assertContains(JsonNode expected, JsonNode actual, String where) {
        if (!matches(expected, actual, true)) {
            fail("%s: %s does not contain%n expected: %s%n   actual: %s", name, where, expected, actual);
        }
    }

    static boolean matches(JsonNode expected, JsonNode actual, boolean subset) {
        if (actual == null) {
            return false;
        }
        if (expected.isTextual()) {
            switch (expected.asText()) {
                case "<any>":
                    return !actual.isMissingNode();
                case "<any-string>":
                    return actual.isTextual();
                case "<any-number>":
                    return actual.isNumber();
                default:
                    return expected.equals(actual);
            }
        }
        if (expected.isObject()) {
            if (!actual.isObject() || (!subset && expected.size() != actual.size())) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!matches(field.getValue(), actual.get(field.getKey()), subset)) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || expected.size() != actual.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!matches(expected.get(i), actual.get(i), subset)) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }
}
