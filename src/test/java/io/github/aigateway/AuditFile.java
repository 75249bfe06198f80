package io.github.aigateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/** The audit log file a test's gateway writes (gateway.audit.file), read as the records arrive. */
final class AuditFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    AuditFile(String file) {
        this.file = Path.of(file);
    }

    /** The line of the request's record exactly as written; records are written asynchronously, so it waits. */
    String awaitLine(String correlationId) throws InterruptedException {
        return awaitLine(line -> correlationId.equals(correlationId(line)), "no audit record of " + correlationId);
    }

    /** The first line {@code wanted} takes, exactly as written, waiting as {@link #awaitLine(String)} does. */
    String awaitLine(Predicate<String> wanted, String missing) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            Optional<String> line = line(wanted);
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(missing + " in " + file);
    }

    JsonNode awaitRecord(String correlationId) throws InterruptedException {
        try {
            return JSON.readTree(awaitLine(correlationId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record's correlation id, or null for a line still being written. */
    private static String correlationId(String line) {
        try {
            return JSON.readTree(line).path("correlation_id").asText();
        } catch (IOException partial) {
            return null;
        }
    }

    private Optional<String> line(Predicate<String> wanted) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Files.readAllLines(file).stream().filter(wanted).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
