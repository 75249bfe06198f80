package io.github.aigateway;

import static io.github.aigateway.FaultyModel.completion;
import static io.github.aigateway.FaultyModel.reset;
import static io.github.aigateway.FaultyModel.silence;
import static io.github.aigateway.FaultyModel.status;
import static io.github.aigateway.FaultyModel.stream;
import static io.github.aigateway.FaultyModel.truncated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.aigateway.resilience.ModelCalls;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/**
 * 1,000 requests that all meet a fault (refused, 503, 429, reset before and during a stream, garbage,
 * truncated JSON, a stream without [DONE], silence before and during a stream), 25 at a time: each gets
 * a GitLab status or a stream that ends, and afterwards the gateway holds no more sockets, threads or heap
 * than before them. Circuit breakers are off here so that every request reaches the faulty server.
 */
@CamelMainTest(mainClass = GatewayApplication.class, propertyPlaceholderLocations = "file:application.properties",
        properties = {"camel.server.port=15352", "camel.server.host=127.0.0.1", "gateway.auth.bypass-external=true",
                "gateway.audit.file=target/fault-soak-route-test/audit.log",
                "gateway.timeouts.code-completions=first-byte=300ms, idle=200ms, total=1s",
                "gateway.retry.max-attempts=2", "gateway.retry.backoff-ms=10", "gateway.retry.max-backoff-ms=20",
                "gateway.circuit-breaker.failure-threshold=0"})
class FaultSoakRouteTest {

    private static final int CONCURRENCY = 25;
    private static final List<FaultyModel.Behaviour> FAULTS = List.of(
            status(503, "{\"error\":{\"message\":\"overloaded\"}}"),
            status(429, "{}", "Retry-After", "0"),
            reset(),
            status(200, "not json"),
            truncated(),
            stream(List.of("a", "b"), 0, false, reset()),
            stream(List.of("a", "b"), 0, false, null),
            silence(),
            stream(List.of("a"), 0, false, silence()));

    private final GatewayClient gateway = new GatewayClient(15352);

    @BeanInject
    ModelCalls modelCalls;

    @Test
    void a_thousand_faulted_requests_leave_no_sockets_threads_or_heap_behind() throws Exception {
        try (FaultyModel model = new FaultyModel(n -> FAULTS.get(n % FAULTS.size()))) {
            String refused = FaultyModel.refusedEndpoint();
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

            run(100, model.endpoint(), refused, statuses);
            settle(model);
            Usage before = Usage.now();

            statuses.clear();
            run(1000, model.endpoint(), refused, statuses);
            settle(model);
            Usage after = Usage.now();

            // every request was answered with an error status, or with a stream that ended
            assertThat(statuses.keySet()).isSubsetOf(200, 429, 503, 504);
            assertThat(statuses.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(1000);
            assertThat(statuses.get(503).get()).isGreaterThan(100);
            assertThat(statuses.get(504).get()).isGreaterThan(50);
            assertThat(model.requests()).isGreaterThan(900);
            System.out.printf("fault soak: statuses %s; before %s; after %s%n", statuses, before, after);
            assertThat(after.fileDescriptors()).as("open file descriptors (sockets)").isLessThanOrEqualTo(before.fileDescriptors() + 60);
            assertThat(after.threads()).as("live threads").isLessThanOrEqualTo(before.threads() + 15);
            assertThat(after.heapBytes()).as("heap after GC").isLessThanOrEqualTo(before.heapBytes() + 32L * 1024 * 1024);
        }
    }

    private void run(int requests, String endpoint, String refused, Map<Integer, AtomicInteger> statuses) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
        List<Callable<Void>> calls = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            boolean stream = i % 2 == 0;
            String target = i % 10 == 9 ? refused : endpoint;
            calls.add(() -> {
                HttpResponse<String> response = complete(target, stream);
                statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                return null;
            });
        }
        for (var done : clients.invokeAll(calls)) {
            done.get();
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Waits until the model server holds no connection and the gateway no call. */
    private void settle(FaultyModel model) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> model.openConnections() == 0 && modelCalls.inFlight(model.endpoint()) == 0);
    }

    private HttpResponse<String> complete(String endpoint, boolean stream) {
        return gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "a.py", "content_above_cursor": "print(", "content_below_cursor": ")"},
                 "model_provider": "litellm", "prompt_version": 2, "prompt": null, "stream": %s,
                 "model_endpoint": "%s", "model_name": "codestral", "model_identifier": "custom_openai/Codestral-22B-v0.1"}
                """.formatted(stream, endpoint));
    }

    /** What the JVM (gateway and test client together) holds, after a garbage collection. */
    private record Usage(long fileDescriptors, int threads, long heapBytes) {

        static Usage now() throws IOException {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long fds;
            try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
                fds = open.count();
            }
            return new Usage(fds, ManagementFactory.getThreadMXBean().getThreadCount(),
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }

        @Override
        public String toString() {
            return fileDescriptors + " fds, " + threads + " threads, " + heapBytes / (1024 * 1024) + " MiB heap";
        }
    }
}
