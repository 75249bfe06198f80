package io.github.aigateway;

import java.util.Map;

/** Reads one series' value from a Prometheus text exposition. */
final class PrometheusText {

    private PrometheusText() {
    }

    /** The value of the series {@code name} carrying all of {@code labels}, or 0 when there is none. */
    static double value(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean matches = labels.entrySet().stream()
                    .allMatch(label -> line.contains(label.getKey() + "=\"" + label.getValue() + "\""));
            if (matches) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
