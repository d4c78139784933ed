package org.exchangeai.core.io.vendorxml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Root-element detection on the first bytes of a file, as the XML formats use it. */
class VendorXmlTest {

    @Test
    void skipsPrologCommentsAndDoctype() {
        String xml = "\n<?xml version=\"1.0\"?>\n<!-- a <comment> -->\n"
                + "<!DOCTYPE RestingECG [<!ENTITY e \"<x>\">]>\n<RestingECG><a/></RestingECG>";
        assertEquals("RestingECG", VendorXml.rootElement(xml.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void dropsNamespacePrefix() {
        assertEquals("AnnotatedECG", VendorXml.rootElement("<v3:AnnotatedECG xmlns:v3=\"urn:hl7-org:v3\"/>"
                .getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void readsUtf16WithAndWithoutByteOrderMark() {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><restingecgdata/>";
        assertEquals("restingecgdata", VendorXml.rootElement(xml.getBytes(StandardCharsets.UTF_16)));
        assertEquals("restingecgdata", VendorXml.rootElement(xml.getBytes(StandardCharsets.UTF_16LE)));
        assertEquals("restingecgdata", VendorXml.rootElement(xml.getBytes(StandardCharsets.UTF_16BE)));
    }

    @Test
    void readsUtf8WithByteOrderMark() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        out.writeBytes("<RestingECG/>".getBytes(StandardCharsets.UTF_8));
        assertEquals("RestingECG", VendorXml.rootElement(out.toByteArray()));
    }

    @Test
    void notXml() {
        assertNull(VendorXml.rootElement("I,II,III\n1,2,3\n".getBytes(StandardCharsets.US_ASCII)));
        assertNull(VendorXml.rootElement(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}));
        assertNull(VendorXml.rootElement("<!-- never closed".getBytes(StandardCharsets.US_ASCII)));
        assertNull(VendorXml.rootElement(new byte[0]));
    }
}
