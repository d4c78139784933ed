package org.exchangeai.core.io.vendorxml;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.exchangeai.core.io.EcgReadException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * What the XML-based vendor readers share: a DOM parser that never reaches outside the file
 * (no external DTDs or entities, entity expansion limited), root-element detection on the first
 * bytes, element lookup by local name (namespaces ignored), strict Base64 and number parsing
 * that fail with an {@link EcgReadException}.
 */
final class VendorXml {

    /** Largest XML file read into a DOM; real exports are well below 10 MB. */
    static final long MAX_BYTES = 64L * 1024 * 1024;

    private VendorXml() {
    }

    /** Parses {@code file} with external entities, external DTDs and XInclude switched off. */
    static Document parse(Path file) throws EcgReadException {
        return parse(file, null);
    }

    private static final java.util.regex.Pattern DECLARED_UTF16 =
            java.util.regex.Pattern.compile("^<\\?xml[^>]*encoding\\s*=\\s*[\"']UTF-?16[^\"']*[\"']",
                    java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * As {@link #parse(Path)}; a declaration that names UTF-16 in a file of single-byte text (no
     * byte-order mark, no zero bytes) is a known writer quirk: such a file is read as UTF-8 and a
     * note saying so is added to {@code notes}.
     */
    static Document parse(Path file, java.util.List<String> notes) throws EcgReadException {
        String name = file.toString();
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(256);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        boolean singleByte = head.length > 8 && head[0] == '<' && head[1] == '?';
        for (int i = 0; i < head.length && singleByte; i++) {
            singleByte = head[i] != 0;
        }
        if (singleByte && DECLARED_UTF16.matcher(new String(head, StandardCharsets.ISO_8859_1)).find()) {
            if (notes != null) {
                notes.add("the XML declaration says UTF-16 but the file is single-byte text; read as UTF-8");
            }
            return parseChars(file, name);
        }
        return parseBytes(file, name);
    }

    private static Document parseChars(Path file, String name) throws EcgReadException {
        checkSize(file, name);
        DocumentBuilder builder = newBuilder(name);
        try (java.io.Reader in = new java.io.InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            InputSource source = new InputSource(in);
            source.setSystemId(file.toUri().toString());
            return builder.parse(source);
        } catch (SAXParseException e) {
            throw new EcgReadException(name, "malformed XML at line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + e.getMessage(), e);
        } catch (SAXException e) {
            throw new EcgReadException(name, "malformed XML: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static void checkSize(Path file, String name) throws EcgReadException {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new EcgReadException(name, "XML file of " + size + " bytes is larger than the "
                        + MAX_BYTES + " bytes an ECG export can plausibly need");
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static Document parseBytes(Path file, String name) throws EcgReadException {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new EcgReadException(name, "XML file of " + size + " bytes is larger than the "
                        + MAX_BYTES + " bytes an ECG export can plausibly need");
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        DocumentBuilder builder = newBuilder(name);
        try (InputStream in = Files.newInputStream(file)) {
            InputSource source = new InputSource(in);
            source.setSystemId(file.toUri().toString());
            return builder.parse(source);
        } catch (SAXParseException e) {
            throw new EcgReadException(name, "malformed XML at line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + e.getMessage(), e);
        } catch (SAXException e) {
            throw new EcgReadException(name, "malformed XML: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilder newBuilder(String name) throws EcgReadException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        try {
            f.setNamespaceAware(true);
            f.setValidating(false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            // MUSE files declare <!DOCTYPE RestingECG SYSTEM "restecg.dtd">: allowed, never fetched
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder b = f.newDocumentBuilder();
            // anything the parser still asks for resolves to nothing
            b.setEntityResolver((publicId, systemId) -> new InputSource(new StringReader("")));
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            throw new EcgReadException(name, "the XML parser of this Java runtime cannot be hardened: " + e.getMessage(), e);
        }
    }

    /**
     * The local name of the root element, judged from the first bytes of a file (UTF-8,
     * UTF-16 with or without byte-order mark, or any ASCII-compatible encoding), or {@code null}
     * when the bytes do not start like an XML document.
     */
    static String rootElement(byte[] head) {
        String text = decodeHead(head);
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '\uFEFF') {
                i++;
            } else if (text.startsWith("<?", i)) {
                i = skipPast(text, i, "?>");
            } else if (text.startsWith("<!--", i)) {
                i = skipPast(text, i, "-->");
            } else if (text.startsWith("<!DOCTYPE", i) || text.startsWith("<!doctype", i)) {
                i = skipDoctype(text, i);
            } else if (c == '<') {
                int start = i + 1;
                int end = start;
                while (end < n && isNameChar(text.charAt(end))) {
                    end++;
                }
                if (end == start) {
                    return null;
                }
                String qname = text.substring(start, end);
                int colon = qname.indexOf(':');
                return colon >= 0 ? qname.substring(colon + 1) : qname;
            } else {
                return null;
            }
            if (i < 0) {
                return null;
            }
        }
        return null;
    }

    private static String decodeHead(byte[] head) {
        if (head.length >= 2) {
            int b0 = head[0] & 0xff;
            int b1 = head[1] & 0xff;
            if ((b0 == 0xFE && b1 == 0xFF) || (b0 == 0 && b1 == '<')) {
                return new String(head, 0, head.length & ~1, StandardCharsets.UTF_16BE);
            }
            if ((b0 == 0xFF && b1 == 0xFE) || (b0 == '<' && b1 == 0)) {
                return new String(head, 0, head.length & ~1, StandardCharsets.UTF_16LE);
            }
        }
        int skip = head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF ? 3 : 0;
        // tag names are ASCII; every ASCII-compatible encoding reads the same here
        return new String(head, skip, head.length - skip, StandardCharsets.ISO_8859_1);
    }

    private static int skipPast(String text, int from, String end) {
        int j = text.indexOf(end, from);
        return j < 0 ? -1 : j + end.length();
    }

    private static int skipDoctype(String text, int from) {
        int depth = 0;
        for (int j = from + 2; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == '>' && depth <= 0) {
                return j + 1;
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':' || c == '-' || c == '.';
    }

    /** First child element of {@code parent} with this local name, or {@code null}. */
    static Element child(Element parent, String localName) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(localName(e))) {
                return e;
            }
        }
        return null;
    }

    /** The element reached by following child names, or {@code null} when one is missing. */
    static Element path(Element parent, String... localNames) {
        Element e = parent;
        for (String name : localNames) {
            e = child(e, name);
            if (e == null) {
                return null;
            }
        }
        return e;
    }

    /** All child elements of {@code parent} with this local name, in document order. */
    static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(localName(e))) {
                out.add(e);
            }
        }
        return out;
    }

    static String localName(Element e) {
        String ln = e.getLocalName();
        return ln != null ? ln : e.getTagName();
    }

    /** Trimmed text of the element, or {@code null} when the element is missing or blank. */
    static String text(Element e) {
        if (e == null) {
            return null;
        }
        String t = e.getTextContent();
        if (t == null) {
            return null;
        }
        t = t.trim();
        return t.isEmpty() ? null : t;
    }

    /** Trimmed text of the element at the given child path, or {@code null}. */
    static String text(Element parent, String... localNames) {
        return text(path(parent, localNames));
    }

    /** An attribute value, trimmed, or {@code null} when absent or blank. */
    static String attr(Element e, String name) {
        if (e == null || !e.hasAttribute(name)) {
            return null;
        }
        String v = e.getAttribute(name).trim();
        return v.isEmpty() ? null : v;
    }

    /** A number the file states; a missing or unreadable one is an error naming the field. */
    static double number(String file, String field, String value) throws EcgReadException {
        if (value == null) {
            throw new EcgReadException(file, "missing " + field);
        }
        try {
            double d = Double.parseDouble(value.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new EcgReadException(file, "unreadable number in " + field + ": '" + abbreviate(value) + "'");
        }
    }

    /** An integer the file states; a missing or unreadable one is an error naming the field. */
    static int integer(String file, String field, String value) throws EcgReadException {
        double d = number(file, field, value);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new EcgReadException(file, field + " must be a whole number, got '" + abbreviate(value) + "'");
        }
        return (int) d;
    }

    /** A number when the text is one, else {@code null} (for optional measurements such as "Failed"). */
    static Double optionalNumber(String value) {
        if (value == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(value.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Strict Base64 (whitespace and line breaks allowed, any other stray character is an error). */
    static byte[] base64(String file, String what, String text) throws EcgReadException {
        if (text == null) {
            throw new EcgReadException(file, what + " holds no data");
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                sb.append(c);
            }
        }
        try {
            return Base64.getDecoder().decode(sb.toString());
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(file, what + " is not valid Base64: " + e.getMessage());
        }
    }

    static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 40 ? t : t.substring(0, 40) + "…";
    }
}
