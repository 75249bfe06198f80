package io.github.aigateway.audit;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AsyncAppender;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.appender.FailoverAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.DefaultRolloverStrategy;
import org.apache.logging.log4j.core.appender.rolling.SizeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The audit log's Log4j plumbing, built in code because where it writes is a setting:
 * <pre>
 * gateway.audit ─▶ async queue (blocking when full: records wait, never vanish)
 *                    └─▶ failover ─▶ rolling file (size-based, N files kept)
 *                                 └─▶ stderr while the file cannot be written; the file is retried every second
 * </pre>
 * A file that cannot even be opened at start sends the records to stderr until {@link AuditLog} reopens it.
 * Without a file the records go to stdout a batch at a time ({@link BatchedStreamAppender}): one write per
 * batch the queue hands over, not one per record, since each write to a pipe wakes its reader; a lone record
 * is written at once. Nothing here runs on the response path: the audit route is wire-tapped, so a slow disk
 * delays records, not GitLab.
 */
final class AuditLogAppenders {

    private static final int QUEUE = 65_536;

    private AuditLogAppenders() {
    }

    /**
     * Routes the audit logger to stdout ({@code file} null) or to the file. Returns false when the file
     * cannot be opened; the records then go to stderr until a later install succeeds.
     */
    static boolean install(String loggerName, Path file, String maxFileSize, int maxFiles) {
        // System.out, not a stream of its own on fd 1: the application log writes through System.out too, and
        // its lock keeps that log's lines from landing inside an audit record
        return install(loggerName, file, maxFileSize, maxFiles, System.out);
    }

    /** As {@link #install(String, Path, String, int)}, with the stream that stands for stdout. */
    static synchronized boolean install(String loggerName, Path file, String maxFileSize, int maxFiles,
            OutputStream stdout) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        uninstall(loggerName);
        PatternLayout oneLine = PatternLayout.newBuilder().withPattern("%m%n").withCharset(StandardCharsets.UTF_8)
                .withConfiguration(config).build();
        String target;
        boolean opened = true;
        if (file == null) {
            target = start(config, BatchedStreamAppender.create(loggerName + ".stdout", oneLine, stdout));
        } else {
            String stderr = start(config, ConsoleAppender.newBuilder().setName(loggerName + ".stderr")
                    .setTarget(ConsoleAppender.Target.SYSTEM_ERR).setLayout(oneLine).setConfiguration(config).build());
            String path = file.toAbsolutePath().toString();
            try {
                String rolling = start(config, RollingFileAppender.newBuilder().setName(loggerName + ".file")
                        .withFileName(path).withFilePattern(path + ".%i")
                        .withPolicy(SizeBasedTriggeringPolicy.createPolicy(maxFileSize))
                        .withStrategy(DefaultRolloverStrategy.newBuilder().withMax(String.valueOf(maxFiles))
                                .withFileIndex("min").withConfig(config).build())
                        .setIgnoreExceptions(false).setLayout(oneLine).setConfiguration(config).build());
                target = start(config, FailoverAppender.createAppender(loggerName + ".failover", rolling,
                        new String[]{stderr}, "1", config, null, "true"));
            } catch (RuntimeException cannotOpen) {
                target = stderr;
                opened = false;
            }
        }
        Appender async = AsyncAppender.newBuilder().setName(loggerName + ".async")
                .setAppenderRefs(new AppenderRef[]{AppenderRef.createAppenderRef(target, null, null)})
                .setBlocking(true).setBufferSize(QUEUE).setShutdownTimeout(10_000).setConfiguration(config).build();
        start(config, async);
        LoggerConfig logger = LoggerConfig.newBuilder().withLoggerName(loggerName).withLevel(Level.INFO)
                .withAdditivity(false).withConfig(config).build();
        logger.addAppender(async, Level.INFO, null);
        config.addLogger(loggerName, logger);
        context.updateLoggers();
        return opened;
    }

    /** Detaches the audit logger and stops its appenders, which drains the async queue first. */
    static synchronized void uninstall(String loggerName) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        if (config.getLoggers().containsKey(loggerName)) {
            config.removeLogger(loggerName);
            context.updateLoggers();
        }
        for (String suffix : new String[]{".async", ".failover", ".file", ".stderr", ".stdout"}) {
            Appender appender = config.getAppenders().get(loggerName + suffix);
            if (appender != null) {
                appender.stop();
                config.getAppenders().remove(loggerName + suffix);
            }
        }
    }

    /** Records waiting in the async queue, for the metrics. */
    static int queueDepth(String loggerName) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Appender appender = context.getConfiguration().getAppenders().get(loggerName + ".async");
        return appender instanceof AsyncAppender async ? async.getQueueSize() : 0;
    }

    private static String start(Configuration config, Appender appender) {
        appender.start();
        config.addAppender(appender);
        return appender.getName();
    }
}
