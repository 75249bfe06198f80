import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording of the bench (BENCH_JFR=1) for one scenario's time window, so a profile can be read
 * without a GUI: {@code java bench/JfrHot.java target/bench/profile-all.jfr 20:46:45 20:46:59 [mode] [method]}
 * (UTC times of today, as bench/run logs them). Modes: {@code cpu} (default) counts execution samples per
 * thread, per method at the top of the stack and per method anywhere in it; {@code alloc} the same for sampled
 * allocations, in KiB, per allocated class; {@code callers} the callers (four frames) of {@code method}.
 */
public class JfrHot {

    public static void main(String[] args) throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        Instant from = LocalTime.parse(args[1]).atDate(day).toInstant(ZoneOffset.UTC);
        Instant to = LocalTime.parse(args[2]).atDate(day).toInstant(ZoneOffset.UTC);
        String mode = args.length > 3 ? args[3] : "cpu";
        String method = args.length > 4 ? args[4] : "";
        boolean alloc = mode.equals("alloc");
        String eventType = alloc ? "jdk.ObjectAllocationSample" : "jdk.ExecutionSample";

        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> top = new HashMap<>();
        Map<String, Long> anywhere = new HashMap<>();
        Map<String, Long> callers = new HashMap<>();
        long total = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals(eventType) || event.getStartTime().isBefore(from)
                        || event.getStartTime().isAfter(to) || event.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                long weight = alloc ? event.getLong("weight") / 1024 : 1;
                total += weight;
                var thread = event.getThread(alloc ? "eventThread" : "sampledThread");
                String threadName = thread == null ? "?" : thread.isVirtual() ? "virtual"
                        : String.valueOf(thread.getJavaName()).replaceAll("[0-9]+", "N");
                threads.merge(threadName, weight, Long::sum);
                if (alloc) {
                    top.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                } else if (!frames.isEmpty()) {
                    top.merge(name(frames.get(0)), weight, Long::sum);
                }
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < frames.size(); i++) {
                    String name = name(frames.get(i));
                    if (seen.add(name)) {
                        anywhere.merge(name, weight, Long::sum);
                    }
                    if (mode.equals("callers") && name.equals(method)) {
                        StringBuilder chain = new StringBuilder();
                        for (int j = i + 1; j < Math.min(frames.size(), i + 5); j++) {
                            chain.append(" <- ").append(name(frames.get(j))).append(':').append(frames.get(j).getLineNumber());
                        }
                        callers.merge(chain.toString(), weight, Long::sum);
                    }
                }
            }
        }
        System.out.println((alloc ? "KiB sampled " : "samples ") + total);
        if (mode.equals("callers")) {
            print("callers of " + method, callers, total, 30);
            return;
        }
        print("threads", threads, total, 10);
        print(alloc ? "allocated classes" : "top of stack", top, total, 40);
        print("anywhere in the stack", anywhere, total, 120);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Long> counts, long total, int rows) {
        System.out.println("== " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf("%7d %5.1f%% %s%n", e.getValue(), 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
}
