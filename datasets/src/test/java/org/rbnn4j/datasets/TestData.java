package org.rbnn4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.rbnn4j.datasets.idx.IdxWriter;

/** Builds tiny files in the exact on-disk formats, written byte by byte here, independent of the readers. */
public final class TestData {
    private TestData() {
    }

    /** Pixel value of image {@code i} at flat position {@code p}: distinct per image and position. */
    public static byte pixel(int i, int p) {
        return (byte) (i * 31 + p * 7 + 3);
    }

    /** Writes a pair of IDX files of {@code n} rows x cols images with labels {@code i % classes}. */
    public static void writeIdx(Path dir, String prefix, int n, int rows, int cols, int classes, boolean gz) throws IOException {
        byte[] pixels = new byte[n * rows * cols];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < rows * cols; p++) {
                pixels[i * rows * cols + p] = pixel(i, p);
            }
            labels[i] = (byte) (i % classes);
        }
        String ext = gz ? ".gz" : "";
        IdxWriter.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), new int[] {n, rows, cols}, pixels);
        IdxWriter.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), new int[] {n}, labels);
    }

    /** A complete tiny IDX dataset (train 20, test 10 images of 28x28) in {@code dir}. */
    public static Path writeTinyMnist(Path dir, boolean gz) throws IOException {
        Files.createDirectories(dir);
        writeIdx(dir, "train", 20, 28, 28, 10, gz);
        writeIdx(dir, "t10k", 10, 28, 28, 10, gz);
        return dir;
    }

    /** Raw bytes of an IDX file built by hand: magic, sizes, data. */
    public static byte[] idxBytes(int magic, int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, magic);
        for (int d : dims) {
            writeInt(out, d);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
        }
        return bos.toByteArray();
    }

    /**
     * CIFAR records: label byte(s) then 3072 CHW pixels; image i has label(s) {@code labels[i]} and
     * pixel p = {@link #pixel}(first + i, p).
     */
    public static byte[] cifarRecords(int first, int[][] labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < labels.length; i++) {
            for (int l : labels[i]) {
                out.write(l);
            }
            for (int p = 0; p < 3072; p++) {
                out.write(pixel(first + i, p));
            }
        }
        return out.toByteArray();
    }

    /** A tiny CIFAR-10 binary folder: 5 train batches of {@code perBatch} images and a test batch. */
    public static Path writeTinyCifar10(Path dir, int perBatch) throws IOException {
        Files.createDirectories(dir);
        for (int b = 1; b <= 5; b++) {
            int[][] labels = new int[perBatch][];
            for (int i = 0; i < perBatch; i++) {
                labels[i] = new int[] {((b - 1) * perBatch + i) % 10};
            }
            Files.write(dir.resolve("data_batch_" + b + ".bin"), cifarRecords((b - 1) * perBatch, labels));
        }
        int[][] test = new int[perBatch][];
        for (int i = 0; i < perBatch; i++) {
            test[i] = new int[] {(i + 3) % 10};
        }
        Files.write(dir.resolve("test_batch.bin"), cifarRecords(1000, test));
        return dir;
    }

    /** A tar archive (ustar) of the given entries (name -> content), optionally gzip-compressed. */
    public static byte[] tar(Map<String, byte[]> entries, boolean gz) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] content = e.getValue();
            boolean dir = e.getKey().endsWith("/");
            out.writeBytes(tarHeader(e.getKey(), dir ? 0 : content.length, dir ? '5' : '0'));
            if (!dir) {
                out.writeBytes(content);
                int pad = (512 - content.length % 512) % 512;
                out.writeBytes(new byte[pad]);
            }
        }
        out.writeBytes(new byte[1024]);
        byte[] bytes = out.toByteArray();
        return gz ? gzip(bytes) : bytes;
    }

    static byte[] tarHeader(String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 0));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    /** Options that see only {@code root}: no environment, home and system folders inside it. */
    public static DataOptions.Builder isolatedOptions(Path root) {
        return DataOptions.builder()
                .environment(Map.of())
                .userHome(root.resolve("home"))
                .systemDatasetsDir(root.resolve("usr-share-datasets"));
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }
}
