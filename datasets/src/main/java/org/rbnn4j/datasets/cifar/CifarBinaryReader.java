package org.rbnn4j.datasets.cifar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rbnn4j.datasets.ByteImageDataset;
import org.rbnn4j.datasets.DataFiles;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.ImageShape;

/**
 * Reads the "binary version" of CIFAR-10 and CIFAR-100.
 *
 * <p>A file is a sequence of fixed-size records and nothing else: the label byte(s), then 3072 pixel
 * bytes, channel-planar (1024 red, 1024 green, 1024 blue, each 32 rows of 32), which is already CHW.
 * CIFAR-10 records have one label byte (0..9); CIFAR-100 records have two, the coarse label (0..19)
 * then the fine label (0..99).
 */
public final class CifarBinaryReader {
    /** Pixel bytes of one 3x32x32 image. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;
    public static final ImageShape SHAPE = new ImageShape(3, 32, 32);

    /** Which label of a record to use. */
    public enum LabelKind {
        /** CIFAR-10: the single label byte. */
        CIFAR10(1, 0, 10),
        /** CIFAR-100: the coarse (superclass) label, byte 0 of 2. */
        CIFAR100_COARSE(2, 0, 20),
        /** CIFAR-100: the fine label, byte 1 of 2 (the default for CIFAR-100). */
        CIFAR100_FINE(2, 1, 100);

        final int labelBytes;
        final int labelOffset;
        final int numClasses;

        LabelKind(int labelBytes, int labelOffset, int numClasses) {
            this.labelBytes = labelBytes;
            this.labelOffset = labelOffset;
            this.numClasses = numClasses;
        }

        public int recordBytes() {
            return labelBytes + IMAGE_BYTES;
        }

        public int numClasses() {
            return numClasses;
        }
    }

    private CifarBinaryReader() {
    }

    /**
     * Reads and concatenates the records of {@code files} (e.g. {@code data_batch_1.bin} .. {@code _5.bin}).
     *
     * @param classes class names; their number must be {@code kind.numClasses()}
     */
    public static ByteImageDataset read(String name, List<Path> files, LabelKind kind, List<String> classes) {
        if (classes.size() != kind.numClasses) {
            throw new IllegalArgumentException(kind + " has " + kind.numClasses + " classes, got " + classes.size() + " names");
        }
        List<byte[]> contents = new ArrayList<>(files.size());
        long records = 0;
        for (Path file : files) {
            byte[] bytes = readAll(file);
            int rec = kind.recordBytes();
            if (bytes.length == 0) {
                throw new DatasetFormatException(file, "is empty: no " + rec + "-byte CIFAR records");
            }
            if (bytes.length % rec != 0) {
                throw new DatasetFormatException(file, "truncated or corrupt: " + bytes.length + " bytes is not a whole number of "
                        + rec + "-byte records (" + bytes.length / rec + " records and " + bytes.length % rec + " bytes left over)");
            }
            int n = bytes.length / rec;
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < kind.labelBytes; b++) {
                    int label = bytes[i * rec + b] & 0xFF;
                    int limit = kind.labelBytes == 1 ? 10 : (b == 0 ? 20 : 100);
                    if (label >= limit) {
                        throw new DatasetFormatException(file, (kind.labelBytes == 1 ? "label " : b == 0 ? "coarse label " : "fine label ")
                                + label + " of record " + i + " is out of range [0, " + limit + ")");
                    }
                }
            }
            contents.add(bytes);
            records += n;
        }
        if (records * IMAGE_BYTES > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("too many records for one in-memory dataset: " + records);
        }
        byte[] pixels = new byte[(int) records * IMAGE_BYTES];
        byte[] labels = new byte[(int) records];
        int k = 0;
        for (byte[] bytes : contents) {
            int rec = kind.recordBytes();
            for (int off = 0; off < bytes.length; off += rec, k++) {
                labels[k] = bytes[off + kind.labelOffset];
                System.arraycopy(bytes, off + kind.labelBytes, pixels, k * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        String source = files.size() == 1 ? files.get(0).toString() : files.get(0).getParent() + " (" + files.size() + " files)";
        return new ByteImageDataset(name, source, SHAPE, pixels, labels, classes);
    }

    private static byte[] readAll(Path file) {
        try (InputStream in = DataFiles.open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw DataFiles.failure(file, e);
        }
    }
}
