package org.exchangeai.core.exchange;

/** Receives the progress of an upload or download, in bytes; {@code total} is -1 when unknown. */
@FunctionalInterface
public interface TransferListener {

    TransferListener NONE = (done, total) -> { };

    void transferred(long done, long total);
}
