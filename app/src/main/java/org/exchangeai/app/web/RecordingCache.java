package org.exchangeai.app.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.ecg.Ecg;

/** Recently viewed recordings, decoded, so that moving back and forth answers at once. */
public final class RecordingCache {

    private final Workspace ws;
    private final Map<String, Ecg> cache;

    public RecordingCache(Workspace ws, int capacity) {
        this.ws = ws;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Ecg> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The stored recording with this signal hash. */
    public Ecg get(String signalSha) throws IOException {
        synchronized (cache) {
            Ecg e = cache.get(signalSha);
            if (e != null) {
                return e;
            }
        }
        Ecg e = RecordingCodec.decode(ws.files().read(signalSha));
        synchronized (cache) {
            cache.put(signalSha, e);
        }
        return e;
    }
}
