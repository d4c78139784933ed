package org.exchangeai.core.io.scp;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.exchangeai.core.ecg.LeadNames;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A minimal, independent read of an HL7 aECG file for cross-checking other readers: per lead the
 * microvolt values origin + scale × digit of the first (rhythm) and second (representative beat)
 * sequence set.
 */
record Hl7Digits(Map<String, double[]> rhythm, Map<String, double[]> beats) {

    static Hl7Digits read(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        NodeList sets = doc.getElementsByTagName("sequenceSet");
        return new Hl7Digits(leads((Element) sets.item(0)), leads((Element) sets.item(1)));
    }

    private static Map<String, double[]> leads(Element set) {
        Map<String, double[]> out = new LinkedHashMap<>();
        NodeList sequences = set.getElementsByTagName("sequence");
        for (int i = 0; i < sequences.getLength(); i++) {
            Element seq = (Element) sequences.item(i);
            String code = child(seq, "code").getAttribute("code");
            if (!code.startsWith("MDC_ECG_LEAD_")) {
                continue;
            }
            Element value = child(seq, "value");
            double origin = Double.parseDouble(child(value, "origin").getAttribute("value"));
            double scale = Double.parseDouble(child(value, "scale").getAttribute("value"));
            String[] digits = child(value, "digits").getTextContent().trim().split("\\s+");
            double[] uv = new double[digits.length];
            for (int t = 0; t < digits.length; t++) {
                uv[t] = origin + scale * Integer.parseInt(digits[t]);
            }
            out.put(LeadNames.normalize(code.substring("MDC_ECG_LEAD_".length())), uv);
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no <" + name + "> in <" + parent.getTagName() + ">");
    }
}
