package io.github.aigateway.server;

import io.vertx.core.spi.ExecutorServiceFactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x worker pools for the platform-http routes. platform-http runs every exchange on one worker for
 * its whole life, and Vert.x's default pool has 20 platform threads, so 20 slow model calls would stall
 * the gateway. On JDK 21+ each task gets a virtual thread instead; on JDK 17 a platform pool of
 * {@code AIGW_WORKER_POOL_SIZE} threads (default 200) is used. The jar is compiled for 17, so the
 * virtual-thread executor is looked up at run time. {@code AIGW_WORKER_THREADS=platform} forces the pool.
 * Registered through {@code META-INF/services/io.vertx.core.spi.VertxServiceProvider}.
 */
public class WorkerPoolFactory implements ExecutorServiceFactory {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPoolFactory.class);
    private static final MethodHandle VIRTUAL_EXECUTOR = virtualExecutor();

    @Override
    public ExecutorService createExecutor(ThreadFactory threadFactory, Integer concurrency, Integer maxConcurrency) {
        if (VIRTUAL_EXECUTOR != null && !"platform".equalsIgnoreCase(setting("AIGW_WORKER_THREADS", "virtual"))) {
            try {
                return (ExecutorService) VIRTUAL_EXECUTOR.invoke();
            } catch (Throwable e) {
                LOG.warn("Virtual threads unavailable, using platform worker threads: {}", e.toString());
            }
        }
        int size = Integer.parseInt(setting("AIGW_WORKER_POOL_SIZE", "200"));
        return Executors.newFixedThreadPool(Math.max(size, concurrency == null ? 1 : concurrency), threadFactory);
    }

    /** Which executor {@link #createExecutor} picks, for the start-up log and the README. */
    public static String mode() {
        return VIRTUAL_EXECUTOR != null && !"platform".equalsIgnoreCase(setting("AIGW_WORKER_THREADS", "virtual"))
                ? "virtual threads (JDK " + Runtime.version().feature() + ")"
                : "platform threads, pool of " + setting("AIGW_WORKER_POOL_SIZE", "200");
    }

    private static MethodHandle virtualExecutor() {
        try {
            return MethodHandles.publicLookup().findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                    MethodType.methodType(ExecutorService.class));
        } catch (ReflectiveOperationException jdk17) {
            return null;
        }
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
