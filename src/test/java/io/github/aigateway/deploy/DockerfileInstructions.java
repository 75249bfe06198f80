package io.github.aigateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Dockerfile's instructions, continuation lines joined and comments dropped, as Docker reads them. */
final class DockerfileInstructions {

    record Instruction(String keyword, String arguments) {
    }

    private final List<Instruction> all;

    private DockerfileInstructions(List<Instruction> all) {
        this.all = all;
    }

    static DockerfileInstructions read(Path dockerfile) {
        List<Instruction> parsed = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(dockerfile)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                current.append(trimmed);
                String instruction = current.toString().replaceAll("\\s+", " ").strip();
                int space = instruction.indexOf(' ');
                parsed.add(new Instruction(instruction.substring(0, space).toUpperCase(Locale.ROOT),
                        instruction.substring(space + 1)));
                current.setLength(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DockerfileInstructions(List.copyOf(parsed));
    }

    List<Instruction> all() {
        return all;
    }

    /** From the last {@code FROM} on: what the image that runs is built from. */
    List<Instruction> runtimeStage() {
        int lastFrom = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                lastFrom = i;
            }
        }
        return all.subList(lastFrom, all.size());
    }

    List<String> arguments(String keyword) {
        return all.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    /** The one {@code RUN} whose command contains {@code text}. */
    String run(String text) {
        List<String> runs = arguments("RUN").stream().filter(run -> run.contains(text)).toList();
        if (runs.size() != 1) {
            throw new IllegalStateException("expected one RUN with " + text + ", found " + runs);
        }
        return runs.get(0);
    }
}
