package org.rbnn4j.datasets.cifar;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes CIFAR binary records (the format {@link CifarBinaryReader} reads); used to export and in tests. */
public final class CifarBinaryWriter {
    private CifarBinaryWriter() {
    }

    /**
     * Writes one record per image.
     *
     * @param labels {@code labels[i]} holds the label byte(s) of image i: one for CIFAR-10, {coarse, fine} for CIFAR-100
     * @param pixels {@code n * 3072} CHW bytes
     */
    public static void write(Path file, int[][] labels, byte[] pixels) throws IOException {
        int n = labels.length;
        if (pixels.length != n * CifarBinaryReader.IMAGE_BYTES) {
            throw new IllegalArgumentException(n + " records need " + n * CifarBinaryReader.IMAGE_BYTES + " pixel bytes, got " + pixels.length);
        }
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < n; i++) {
                for (int label : labels[i]) {
                    out.write(label);
                }
                out.write(pixels, i * CifarBinaryReader.IMAGE_BYTES, CifarBinaryReader.IMAGE_BYTES);
            }
        }
    }
}
