package io.github.aigateway.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON text exactly as Python's {@code json.dumps} writes it with its defaults, which GitLab's gateway uses for
 * Duo Chat's events: {@code ", "} and {@code ": "} between items, and everything outside printable ASCII as a
 * lower-case hexadecimal escape, so the stream is pure ASCII whatever the model wrote.
 */
public final class PythonJson {

    private static final ObjectWriter WRITER = Json.MAPPER.writer(new Separators()).with(new AsciiEscapes());

    private PythonJson() {
    }

    public static String write(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a tree always serialises
        }
    }

    private static final class Separators extends MinimalPrettyPrinter {
        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }

    private static final class AsciiEscapes extends CharacterEscapes {

        private static final int[] ASCII = standardAsciiEscapesForJSON();

        static {
            // Jackson writes other control characters with upper-case hex; Python with lower-case, and DEL too
            for (int c = 0; c < 0x20; c++) {
                if (ASCII[c] == ESCAPE_STANDARD) {
                    ASCII[c] = ESCAPE_CUSTOM;
                }
            }
            ASCII[0x7f] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch > 0xffff) {
                // a code point Jackson combined from a surrogate pair: Python writes the pair
                return new SerializedString(unicode(Character.highSurrogate(ch)) + unicode(Character.lowSurrogate(ch)));
            }
            return new SerializedString(unicode(ch));
        }

        private static String unicode(int ch) {
            return String.format("\\u%04x", ch);
        }
    }
}
