package org.exchangeai.core.io.scp;


/**
 * Lead identification codes of SCP-ECG section 3 (EN 1064 lead table; codes 86 and up were added
 * with ISO 11073-91064 and follow the MDC lead numbering). {@code -aVR} is returned for code 65 so
 * that the recording shows aVR with its sign restored.
 */
final class ScpLeads {

    private static final String[] NAMES = {
        "unspecified", "I", "II", "V1", "V2", "V3", "V4", "V5", "V6",
        "V7", "V2R", "V3R", "V4R", "V5R", "V6R", "V7R", "X", "Y", "Z",
        "CC5", "CM5", "LA", "RA", "LL", "fI", "fE", "fC", "fA", "fM", "fF", "fH",
        "dI", "dII", "dV1", "dV2", "dV3", "dV4", "dV5", "dV6", "dV7", "dV2R", "dV3R", "dV4R", "dV5R", "dV6R",
        "dV7R", "dX", "dY", "dZ", "dCC5", "dCM5", "dLA", "dRA", "dLL", "dfI", "dfE", "dfC", "dfA", "dfM",
        "dfF", "dfH",
        "III", "aVR", "aVL", "aVF", "-aVR", "V8", "V9", "V8R", "V9R", "D", "A", "J", "Defib", "Extern",
        "A1", "A2", "A3", "A4", "dV8", "dV9", "dV8R", "dV9R", "dD", "dA", "dJ",
        "Chest", "V", "VR", "VL", "VF", "MCL", "MCL1", "MCL2", "MCL3", "MCL4", "MCL5", "MCL6",
        "CC", "CC1", "CC2", "CC3", "CC4", "CC6", "CC7", "CM", "CM1", "CM2", "CM3", "CM4", "CM6",
        "dIII", "daVR", "daVL", "daVF", "d-aVR", "dChest", "dV", "dVR", "dVL", "dVF",
        "CM7", "CH5", "CS5", "CB5", "CR5", "ML", "AB1", "AB2", "AB3", "AB4", "ES", "AS", "AI", "S",
        "dDefib", "dExtern", "dA1", "dA2", "dA3", "dA4", "dMCL1", "dMCL2", "dMCL3", "dMCL4", "dMCL5", "dMCL6",
        "RL", "CV5RL", "CV6LL", "CV6LU", "V10",
    };

    private ScpLeads() {
    }

    /** The lead name for a section 3 lead code; unknown codes keep their number. */
    static String name(int code) {
        if (code > 0 && code < NAMES.length) {
            return NAMES[code];
        }
        return "SCP lead " + code;
    }
}
