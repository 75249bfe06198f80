package io.github.aigateway.prompt;

import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ChatMessage;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.AttributeNotFoundException;
import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.loader.DelegatingLoader;
import io.pebbletemplates.pebble.loader.FileLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prompt templates under {@code prompts/} (Pebble, a Jinja-like engine). A template holds one block per
 * chat role, {@code system}, {@code user} and {@code assistant} (a prefill); each block present becomes
 * a message, in that order. Compiled templates are cached by the engine.
 */
public class PromptTemplates {

    private static final List<String> ROLES = List.of("system", "user", "assistant");

    private String directory = "prompts";
    private volatile PebbleEngine engine;

    public void setDirectory(String directory) {
        this.directory = directory;
    }

    /** Whether a template of that name exists (on disk or packaged). */
    public boolean exists(String template) {
        try {
            engine().getTemplate(template);
            return true;
        } catch (LoaderException missing) {
            return false;
        }
    }

    public List<ChatMessage> render(String template, Map<String, Object> variables) {
        PebbleTemplate compiled;
        try {
            compiled = engine().getTemplate(template);
        } catch (PebbleException e) {
            throw new GatewayException(500, "Prompt template '" + template + "' cannot be loaded: " + e.getPebbleMessage());
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (String role : ROLES) {
            if (compiled instanceof PebbleTemplateImpl impl && !impl.hasBlock(role)) {
                continue;
            }
            StringWriter out = new StringWriter();
            try {
                compiled.evaluateBlock(role, out, variables);
            } catch (AttributeNotFoundException e) {
                throw new GatewayException(422, "Prompt template '" + template + "' needs the input '"
                        + e.getAttributeName() + "'");
            } catch (PebbleException e) {
                throw new GatewayException(422, "Prompt template '" + template + "' cannot be rendered: "
                        + e.getPebbleMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!out.toString().isEmpty()) {
                messages.add(new ChatMessage(role, out.toString()));
            }
        }
        return messages;
    }

    private PebbleEngine engine() {
        PebbleEngine current = engine;
        if (current == null) {
            synchronized (this) {
                if (engine == null) {
                    engine = buildEngine();
                }
                current = engine;
            }
        }
        return current;
    }

    private PebbleEngine buildEngine() {
        ClasspathLoader packaged = new ClasspathLoader();
        packaged.setPrefix("prompts");
        packaged.setSuffix(".peb");
        DelegatingLoader loader;
        if (Files.isDirectory(Path.of(directory))) {
            FileLoader onDisk = new FileLoader();
            onDisk.setPrefix(Path.of(directory).toAbsolutePath().toString());
            onDisk.setSuffix(".peb");
            loader = new DelegatingLoader(List.of(onDisk, packaged));
        } else {
            loader = new DelegatingLoader(List.of(packaged));
        }
        return new PebbleEngine.Builder()
                .loader(loader)
                .autoEscaping(false)      // prompts are not HTML
                .strictVariables(true)    // a missing variable is an error, never an empty string
                .newLineTrimming(true)    // the newline right after a tag is not part of the prompt
                .build();
    }
}
