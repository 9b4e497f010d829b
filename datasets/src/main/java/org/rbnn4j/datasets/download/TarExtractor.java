package org.rbnn4j.datasets.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.rbnn4j.datasets.DataFiles;
import org.rbnn4j.datasets.DatasetFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts regular files and folders from a tar archive (plain or gzip-compressed): the ustar format
 * with GNU long names and pax {@code path} records, which covers the CIFAR archives. Links, devices
 * and anything else are skipped. Entries that would land outside the target folder (absolute paths,
 * {@code ..}) are refused. Each file is written under a temporary name and renamed when complete.
 */
public final class TarExtractor {
    private static final Logger LOG = LoggerFactory.getLogger(TarExtractor.class);
    private static final int BLOCK = 512;

    private TarExtractor() {
    }

    /** Extracts {@code archive} into {@code targetDir}; returns the regular files written. */
    public static List<Path> extract(Path archive, Path targetDir) {
        List<Path> written = new ArrayList<>();
        Path root = targetDir.toAbsolutePath().normalize();
        try (InputStream in = DataFiles.open(archive)) {
            Files.createDirectories(root);
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (true) {
                int got = DataFiles.readFully(in, header, 0, BLOCK);
                if (got == 0) {
                    break; // end of stream without the end-of-archive blocks: accepted, as tar does
                }
                if (got < BLOCK) {
                    throw new DatasetFormatException(archive, "truncated tar archive: partial header block");
                }
                if (isZero(header)) {
                    break; // end-of-archive marker
                }
                verifyHeaderChecksum(archive, header);
                String name = longName != null ? longName : entryName(header);
                longName = null;
                long size = parseOctal(archive, header, 124, 12);
                byte type = header[156];
                switch (type) {
                    case 'L' -> longName = readString(in, archive, size);
                    case 'x' -> {
                        String path = paxPath(readString(in, archive, size));
                        longName = path;
                    }
                    case 'g' -> skip(in, archive, size);
                    case '5' -> {
                        Files.createDirectories(safeTarget(archive, root, name));
                        skip(in, archive, 0);
                    }
                    case '0', 0 -> written.add(writeFile(in, archive, safeTarget(archive, root, name), size));
                    default -> {
                        LOG.warn("{}: skipping tar entry {} of type '{}' (only files and folders are extracted)",
                                archive, name, (char) type);
                        skip(in, archive, size);
                    }
                }
            }
        } catch (IOException e) {
            throw DataFiles.failure(archive, e);
        }
        return written;
    }

    private static Path safeTarget(Path archive, Path root, String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\")) {
            throw new DatasetFormatException(archive, "refusing tar entry with unsafe path '" + name + "'");
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root) && !name.equals("./") && !name.equals(".")) {
            throw new DatasetFormatException(archive, "refusing tar entry that escapes the target folder: '" + name + "'");
        }
        return target;
    }

    private static Path writeFile(InputStream in, Path archive, Path target, long size) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                long left = size;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new DatasetFormatException(archive, "truncated tar archive: entry " + target.getFileName()
                                + " ends " + left + " bytes early");
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
            skipPadding(in, archive, size);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String readString(InputStream in, Path archive, long size) throws IOException {
        if (size > 1 << 20) {
            throw new DatasetFormatException(archive, "tar extended header of " + size + " bytes is implausibly large");
        }
        byte[] b = new byte[(int) size];
        if (DataFiles.readFully(in, b, 0, b.length) < b.length) {
            throw new DatasetFormatException(archive, "truncated tar archive in an extended header");
        }
        skipPadding(in, archive, size);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /** The {@code path} value of a pax extended header ("LEN path=VALUE\n" records), or null. */
    private static String paxPath(String records) {
        int i = 0;
        while (i < records.length()) {
            int space = records.indexOf(' ', i);
            if (space < 0) {
                break;
            }
            int len;
            try {
                len = Integer.parseInt(records.substring(i, space));
            } catch (NumberFormatException e) {
                break;
            }
            if (len <= 0 || i + len > records.length()) {
                break;
            }
            String kv = records.substring(space + 1, i + len - 1);
            if (kv.startsWith("path=")) {
                return kv.substring(5);
            }
            i += len;
        }
        return null;
    }

    /** Skips an entry's content of {@code size} bytes and its padding to the next block. */
    private static void skip(InputStream in, Path archive, long size) throws IOException {
        skipExactly(in, archive, (size + BLOCK - 1) / BLOCK * BLOCK);
    }

    private static void skipExactly(InputStream in, Path archive, long count) throws IOException {
        long left = count;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new DatasetFormatException(archive, "truncated tar archive");
                }
                n = 1;
            }
            left -= n;
        }
    }

    private static void skipPadding(InputStream in, Path archive, long size) throws IOException {
        long rem = size % BLOCK;
        if (rem != 0) {
            skipExactly(in, archive, BLOCK - rem);
        }
    }

    private static String entryName(byte[] h) {
        String name = cString(h, 0, 100);
        // ustar: a non-empty prefix (bytes 345..500) goes in front of the name.
        if (cString(h, 257, 5).equals("ustar")) {
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        return name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long parseOctal(Path archive, byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {
            // GNU base-256 encoding for big sizes.
            long v = b[off] & 0x7F;
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (b[off + i] & 0xFF);
            }
            return v;
        }
        long v = 0;
        boolean digits = false;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || c == ' ') {
                if (digits) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                throw new DatasetFormatException(archive, "corrupt tar header: bad octal field");
            }
            v = v * 8 + (c - '0');
            digits = true;
        }
        return v;
    }

    private static void verifyHeaderChecksum(Path archive, byte[] h) {
        long stored = parseOctal(archive, h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xFF);
        }
        if (sum != stored) {
            throw new DatasetFormatException(archive, "corrupt tar header: checksum " + stored + " stored, " + sum + " computed");
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
