package org.exchangeai.core.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * Python list-of-strings literals, the form the original platform stores class names in
 * ({@code target_keys = "['CD', 'HYP']"}), written and read the way Python's {@code str(list)} and
 * {@code ast.literal_eval} do for plain strings.
 */
public final class PythonLiterals {

    private PythonLiterals() {
    }

    /** {@code ['A', 'B']}: each item as Python's repr (single quotes unless the text holds one). */
    public static String stringList(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(repr(items.get(i)));
        }
        return b.append(']').toString();
    }

    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder().append(quote);
        for (char c : s.toCharArray()) {
            if (c == '\\' || c == quote) {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\r') {
                b.append("\\r");
            } else {
                b.append(c);
            }
        }
        return b.append(quote).toString();
    }

    /**
     * Parses a list of quoted strings ({@code ['a', "b"]}, also tuples); anything else is an
     * {@link IllegalArgumentException} naming the text.
     */
    public static List<String> parseStringList(String text) {
        String t = text.trim();
        if (t.length() < 2 || !((t.startsWith("[") && t.endsWith("]")) || (t.startsWith("(") && t.endsWith(")")))) {
            throw new IllegalArgumentException("not a Python list of strings: " + text);
        }
        List<String> out = new ArrayList<>();
        int i = 1;
        int end = t.length() - 1;
        while (i < end) {
            char c = t.charAt(i);
            if (Character.isWhitespace(c) || c == ',') {
                i++;
                continue;
            }
            if (c != '\'' && c != '"') {
                throw new IllegalArgumentException("not a Python list of strings (at position " + i + "): " + text);
            }
            StringBuilder item = new StringBuilder();
            i++;
            while (i < end && t.charAt(i) != c) {
                char ch = t.charAt(i);
                if (ch == '\\' && i + 1 < end) {
                    char nx = t.charAt(++i);
                    item.append(switch (nx) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> nx;
                    });
                } else {
                    item.append(ch);
                }
                i++;
            }
            if (i >= end) {
                throw new IllegalArgumentException("unterminated string in " + text);
            }
            i++;
            out.add(item.toString());
        }
        return out;
    }
}
