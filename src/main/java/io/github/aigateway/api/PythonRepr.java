package io.github.aigateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.aigateway.failure.RequestValidationException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code repr()} of validation errors, the text GitLab's gateway puts in a 422's {@code detail} when
 * request logging is on ({@code str(exc.errors())}): dicts, {@code loc} as a tuple, strings in Python's quotes.
 */
final class PythonRepr {

    private PythonRepr() {
    }

    /** {@code [{'type': ..., 'loc': ('body', ...), 'msg': ..., 'input': ...}]}. */
    static String errors(List<RequestValidationException.FieldError> errors) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < errors.size(); i++) {
            RequestValidationException.FieldError error = errors.get(i);
            if (i > 0) {
                out.append(", ");
            }
            out.append("{'type': ").append(string(error.type()));
            out.append(", 'loc': ").append(tuple(error.loc()));
            out.append(", 'msg': ").append(string(error.msg()));
            if (error.input() != null) {
                out.append(", 'input': ").append(value(error.input()));
            }
            out.append('}');
        }
        return out.append(']').toString();
    }

    private static String tuple(List<Object> items) {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            Object item = items.get(i);
            out.append(item instanceof Number ? item.toString() : string(String.valueOf(item)));
        }
        // a tuple of one keeps its comma in Python
        return out.append(items.size() == 1 ? ",)" : ")").toString();
    }

    static String value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "None";
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? "True" : "False";
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber()) {
            return floatRepr(node.doubleValue());
        }
        if (node.isTextual()) {
            return string(node.textValue());
        }
        StringBuilder out = new StringBuilder();
        if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i > 0 ? ", " : "").append(value(node.get(i)));
            }
            return out.append(']').toString();
        }
        out.append('{');
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        boolean first = true;
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            out.append(first ? "" : ", ").append(string(field.getKey())).append(": ").append(value(field.getValue()));
            first = false;
        }
        return out.append('}').toString();
    }

    private static String floatRepr(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e16) {
            return String.valueOf((long) value) + ".0";
        }
        return Double.toString(value).replace("E", "e+").replace("e+-", "e-");
    }

    /** Single quotes unless the text has a single quote and no double quote, as Python chooses. */
    static String string(String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        text.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (printable(c)) {
                out.appendCodePoint(c);
            } else if (c < 0x100) {
                out.append(String.format("\\x%02x", c));
            } else if (c < 0x10000) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append(String.format("\\U%08x", c));
            }
        });
        return out.append(quote).toString();
    }

    /** Python's str.isprintable(): no control, format, separator (but space), surrogate or unassigned characters. */
    private static boolean printable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
