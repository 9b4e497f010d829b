package org.rbnn4j.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opening data files that may be gzip-compressed, and turning I/O failures into messages that name
 * the file and the problem.
 */
public final class DataFiles {
    private static final int BUFFER = 1 << 16;

    private DataFiles() {
    }

    /** True if the name ends in {@code .gz}. */
    public static boolean isGzipName(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
    }

    /**
     * Opens {@code file} for reading, decompressing it when its name ends in {@code .gz} or its content
     * starts with the gzip magic bytes (1f 8b). A missing or unreadable file raises a
     * {@link DatasetFormatException} naming it.
     */
    public static InputStream open(Path file) {
        try {
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
            boolean gzip = isGzipName(file);
            if (!gzip) {
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                gzip = b0 == 0x1f && b1 == 0x8b;
            }
            if (!gzip) {
                return raw;
            }
            try {
                return new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
            } catch (IOException e) {
                raw.close();
                throw e;
            }
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /**
     * Reads up to {@code len} bytes, stopping early only at end of stream.
     *
     * @return the number of bytes read; less than {@code len} means the stream ended
     */
    public static int readFully(InputStream in, byte[] buf, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(buf, off + done, len - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** Translates an I/O failure on {@code file} into an exception naming the file and the problem. */
    public static DatasetFormatException failure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DatasetFormatException(file, "file not found", e);
        }
        if (e instanceof AccessDeniedException) {
            return new DatasetFormatException(file, "permission denied", e);
        }
        boolean gz = isGzipName(file) || e instanceof ZipException;
        if (gz || e instanceof EOFException && String.valueOf(e.getMessage()).contains("ZLIB")) {
            return new DatasetFormatException(file, "corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        }
        return new DatasetFormatException(file, "cannot be read (" + e + ")", e);
    }
}
