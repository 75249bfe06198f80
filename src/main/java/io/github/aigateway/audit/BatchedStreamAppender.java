package io.github.aigateway.audit;

import java.io.OutputStream;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;
import org.apache.logging.log4j.core.appender.OutputStreamManager;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.util.CloseShieldOutputStream;

/**
 * Writes records to a stream a batch at a time. It never flushes on its own (immediateFlush off), so Log4j
 * writes the buffer out when it is full, on the record the async queue marks as the end of a batch (the
 * dispatcher marks a record so when the queue is empty after it, a lone record too), and when stopped.
 * Log4j's OutputStreamAppender always flushes each record and ConsoleAppender cannot be given a stream,
 * hence this class.
 */
final class BatchedStreamAppender extends AbstractOutputStreamAppender<OutputStreamManager> {

    private BatchedStreamAppender(String name, Layout<String> layout, OutputStreamManager manager) {
        super(name, layout, null, true, false, Property.EMPTY_ARRAY, manager);
    }

    /** The stream is shielded from close: stdout outlives the audit log. */
    static BatchedStreamAppender create(String name, Layout<String> layout, OutputStream stream) {
        OutputStreamManager manager = OutputStreamManager.getManager(name, new CloseShieldOutputStream(stream),
                (managerName, shielded) -> new OutputStreamManager(shielded, managerName, layout, false) {
                });
        return new BatchedStreamAppender(name, layout, manager);
    }

    /**
     * Hands each record to the manager whole, which puts it in the buffer or, when larger than the buffer,
     * writes it in one call: every write holds whole records, so a line other code writes to the same stream
     * never lands inside one. (Encoding straight into the buffer would split a large record.)
     */
    @Override
    protected void directEncodeEvent(LogEvent event) {
        writeByteArrayToManager(event);
    }
}
