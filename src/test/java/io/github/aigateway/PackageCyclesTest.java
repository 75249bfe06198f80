package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * No two packages of the gateway depend on each other, directly or through others: the class dependencies jdeps
 * reads from the compiled main classes, folded into packages, have no cycle. A cycle is reported with the class
 * dependencies that make each of its steps.
 */
class PackageCyclesTest {

    private static final Path CLASSES = Path.of("target/classes");
    /** {@code   io.github.aigateway.a.X   -> io.github.aigateway.b.Y   classes} */
    private static final Pattern DEPENDENCY = Pattern.compile(
            "^\\s*(io\\.github\\.aigateway\\.[\\w.$]+)\\s+->\\s+(io\\.github\\.aigateway\\.[\\w.$]+)\\s");

    @Test
    void the_packages_depend_on_each_other_without_a_cycle() {
        Map<String, Map<String, Set<String>>> graph = packageGraph(jdeps());

        assertThat(graph).as("jdeps found the gateway's packages").containsKeys("io.github.aigateway.api",
                "io.github.aigateway.chat");
        assertThat(cycles(graph)).as("package cycles").isEmpty();
    }

    @Test
    void a_cycle_between_two_packages_is_found() {
        Map<String, Map<String, Set<String>>> graph = packageGraph(List.of(
                "   io.github.aigateway.a.X -> io.github.aigateway.b.Y   classes",
                "   io.github.aigateway.b.Y -> io.github.aigateway.c.Z   classes",
                "   io.github.aigateway.c.Z -> io.github.aigateway.b.W   classes",
                "   io.github.aigateway.c.Z -> io.github.aigateway.d.V   classes"));

        assertThat(cycles(graph)).containsExactly(
                "[io.github.aigateway.b, io.github.aigateway.c] depend on each other, e.g. "
                        + "io.github.aigateway.b -> io.github.aigateway.c -> io.github.aigateway.b\n"
                        + "  io.github.aigateway.b -> io.github.aigateway.c: io.github.aigateway.b.Y -> io.github.aigateway.c.Z\n"
                        + "  io.github.aigateway.c -> io.github.aigateway.b: io.github.aigateway.c.Z -> io.github.aigateway.b.W");
    }

    /** jdeps' class-level dependencies between the gateway's own main classes, one per line. */
    private static List<String> jdeps() {
        assertThat(Files.isDirectory(CLASSES.resolve("io/github/aigateway"))).as("compiled main classes in " + CLASSES)
                .isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err),
                "-verbose:class", "-e", "io\\.github\\.aigateway\\..*", CLASSES.toString());
        assertThat(status).as("jdeps exit status; stderr: " + err).isZero();
        return out.toString().lines().toList();
    }

    /** Package to the packages it depends on, each with the class dependencies behind it. */
    private static Map<String, Map<String, Set<String>>> packageGraph(List<String> jdepsLines) {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        for (String line : jdepsLines) {
            Matcher m = DEPENDENCY.matcher(line);
            if (!m.find()) {
                continue;
            }
            String from = packageOf(m.group(1));
            String to = packageOf(m.group(2));
            graph.computeIfAbsent(to, p -> new TreeMap<>());
            if (!from.equals(to)) {
                graph.computeIfAbsent(from, p -> new TreeMap<>()).computeIfAbsent(to, p -> new TreeSet<>())
                        .add(m.group(1) + " -> " + m.group(2));
            }
        }
        return graph;
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Each cycle (strongly connected component of more than one package, Tarjan), as one of its circuits. */
    private static List<String> cycles(Map<String, Map<String, Set<String>>> graph) {
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : new Tarjan(graph).components) {
            if (component.size() > 1) {
                cycles.add(component + " depend on each other, e.g. " + describe(circuit(graph, component), graph));
            }
        }
        return cycles;
    }

    /** A shortest circuit in the component: of the shortest circuit through each of its packages, the shortest. */
    private static List<String> circuit(Map<String, Map<String, Set<String>>> graph, Set<String> component) {
        List<String> shortest = null;
        for (String start : component) {
            List<String> circuit = circuit(graph, component, start);
            if (shortest == null || circuit.size() < shortest.size()) {
                shortest = circuit;
            }
        }
        return shortest;
    }

    /** A shortest circuit from {@code start} back to it within the component (breadth first). */
    private static List<String> circuit(Map<String, Map<String, Set<String>>> graph, Set<String> component,
                                        String start) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            for (String next : graph.get(at).keySet()) {
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String p = at; !p.equals(start); p = cameFrom.get(p)) {
                        path.add(1, p);
                    }
                    path.add(start);
                    return path;
                }
                if (component.contains(next) && !cameFrom.containsKey(next)) {
                    cameFrom.put(next, at);
                    queue.add(next);
                }
            }
        }
        throw new IllegalStateException("no circuit through " + component);
    }

    private static String describe(List<String> circuit, Map<String, Map<String, Set<String>>> graph) {
        StringBuilder text = new StringBuilder(String.join(" -> ", circuit));
        for (int i = 0; i + 1 < circuit.size(); i++) {
            Set<String> because = graph.get(circuit.get(i)).get(circuit.get(i + 1));
            text.append("\n  ").append(circuit.get(i)).append(" -> ").append(circuit.get(i + 1)).append(": ")
                    .append(String.join(", ", because.stream().limit(3).toList()));
        }
        return text.toString();
    }

    /** Tarjan's strongly connected components. */
    private static final class Tarjan {
        private final Map<String, Map<String, Set<String>>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> lowLink = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> components = new ArrayList<>();

        Tarjan(Map<String, Map<String, Set<String>>> graph) {
            this.graph = graph;
            for (String node : graph.keySet()) {
                if (!index.containsKey(node)) {
                    visit(node);
                }
            }
        }

        private void visit(String node) {
            index.put(node, index.size());
            lowLink.put(node, index.get(node));
            stack.push(node);
            onStack.add(node);
            for (String next : graph.get(node).keySet()) {
                if (!index.containsKey(next)) {
                    visit(next);
                    lowLink.put(node, Math.min(lowLink.get(node), lowLink.get(next)));
                } else if (onStack.contains(next)) {
                    lowLink.put(node, Math.min(lowLink.get(node), index.get(next)));
                }
            }
            if (lowLink.get(node).equals(index.get(node))) {
                Set<String> component = new TreeSet<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                components.add(component);
            }
        }
    }
}
