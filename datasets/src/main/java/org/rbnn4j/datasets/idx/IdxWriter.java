package org.rbnn4j.datasets.idx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes unsigned-byte IDX files (gzip-compressed when the name ends in {@code .gz}): the exact format
 * {@link IdxReader} reads. Used to export subsets and by tests to build files.
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    /** Writes an unsigned-byte IDX file with the given dimensions; {@code data.length} must be their product. */
    public static void write(Path file, int[] dims, byte[] data) throws IOException {
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("dimensions hold " + size + " values, data has " + data.length);
        }
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            out.write(header(dims));
            out.write(data);
        }
    }

    /** The IDX header (magic + sizes) for unsigned bytes of the given dimensions. */
    public static byte[] header(int[] dims) {
        byte[] h = new byte[4 + 4 * dims.length];
        h[2] = (byte) IdxReader.UBYTE;
        h[3] = (byte) dims.length;
        for (int i = 0; i < dims.length; i++) {
            int d = dims[i];
            h[4 + 4 * i] = (byte) (d >>> 24);
            h[5 + 4 * i] = (byte) (d >>> 16);
            h[6 + 4 * i] = (byte) (d >>> 8);
            h[7 + 4 * i] = (byte) d;
        }
        return h;
    }
}
