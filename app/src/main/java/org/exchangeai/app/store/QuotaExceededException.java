package org.exchangeai.app.store;

import java.io.IOException;
import java.util.Locale;

/** Storing more would exceed the workspace's quota; the message says how much and what to do. */
public final class QuotaExceededException extends IOException {

    private static final long serialVersionUID = 1L;

    public QuotaExceededException(String what, long bytes, long used, long quota) {
        super(String.format(Locale.ROOT, "The workspace is full: %s needs %s, but %s of its %s quota are used. Delete "
                + "datasets or recordings you no longer need (Data page), or start the server with a larger "
                + "-Dexchangeai.quotaMiB.", what, size(bytes), size(used), size(quota)));
    }

    /** A byte count in KiB, MiB or GiB. */
    public static String size(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
}
