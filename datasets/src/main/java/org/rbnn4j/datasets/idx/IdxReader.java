package org.rbnn4j.datasets.idx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.rbnn4j.datasets.ByteImageDataset;
import org.rbnn4j.datasets.DataFiles;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.ImageShape;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * <p>Layout (all integers big-endian): a 4-byte magic {@code 00 00 TT DD} where {@code TT} is the
 * element type ({@code 08} = unsigned byte, the only type these datasets use) and {@code DD} the number
 * of dimensions; then {@code DD} 32-bit sizes; then the elements in row-major order. Images are
 * {@code 0x00000803} (count, rows, columns), labels {@code 0x00000801} (count).
 *
 * <p>The reader is strict: wrong magic, a truncated body and trailing bytes are all errors, each
 * naming the file.
 */
public final class IdxReader {
    /** Element type code of unsigned bytes. */
    public static final int UBYTE = 0x08;

    private IdxReader() {
    }

    /** An IDX array of unsigned bytes: its dimensions and row-major data. */
    public record IdxArray(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    /** Reads an unsigned-byte IDX file that must have exactly {@code expectedDims} dimensions. */
    public static IdxArray read(Path file, int expectedDims) {
        try (InputStream in = DataFiles.open(file)) {
            byte[] header = new byte[4];
            int got = DataFiles.readFully(in, header, 0, 4);
            if (got < 4) {
                throw new DatasetFormatException(file, "truncated: " + got + " bytes, too short for the 4-byte IDX magic number");
            }
            int magic = toInt(header, 0);
            int expectedMagic = (UBYTE << 8) | expectedDims;
            if (header[0] != 0 || header[1] != 0) {
                throw new DatasetFormatException(file, String.format(
                        "wrong magic number 0x%08X: not an IDX file (expected 0x%08X)", magic, expectedMagic));
            }
            if ((header[2] & 0xFF) != UBYTE) {
                throw new DatasetFormatException(file, String.format(
                        "wrong magic number 0x%08X: element type 0x%02X is not supported (only unsigned bytes, 0x08; expected 0x%08X)",
                        magic, header[2] & 0xFF, expectedMagic));
            }
            if ((header[3] & 0xFF) != expectedDims) {
                throw new DatasetFormatException(file, String.format(
                        "wrong magic number 0x%08X: %d dimensions where %d are expected (0x%08X, %s)",
                        magic, header[3] & 0xFF, expectedDims, expectedMagic, expectedDims == 1 ? "a labels file" : "an images file"));
            }
            byte[] dimBytes = new byte[4 * expectedDims];
            got = DataFiles.readFully(in, dimBytes, 0, dimBytes.length);
            if (got < dimBytes.length) {
                throw new DatasetFormatException(file, "truncated: the header ends after " + (4 + got) + " bytes, "
                        + (4 + dimBytes.length) + " expected");
            }
            int[] dims = new int[expectedDims];
            long size = 1;
            for (int i = 0; i < expectedDims; i++) {
                dims[i] = toInt(dimBytes, 4 * i);
                if (dims[i] < 0) {
                    throw new DatasetFormatException(file, "corrupt header: dimension " + i + " is negative (" + dims[i] + ")");
                }
                size *= dims[i];
            }
            if (size > Integer.MAX_VALUE - 16) {
                throw new DatasetFormatException(file, "header declares " + size + " bytes of data, more than one array can hold");
            }
            byte[] data = new byte[(int) size];
            got = DataFiles.readFully(in, data, 0, data.length);
            if (got < data.length) {
                throw new DatasetFormatException(file, "truncated: the header declares " + describe(dims) + " = " + size
                        + " bytes of data, only " + got + " are present");
            }
            if (in.read() >= 0) {
                throw new DatasetFormatException(file, "unexpected trailing bytes after the " + describe(dims)
                        + " values the header declares");
            }
            return new IdxArray(dims, data);
        } catch (IOException e) {
            throw DataFiles.failure(file, e);
        }
    }

    /** Reads an images file ({@code 0x00000803}: count x rows x columns). */
    public static IdxArray readImages(Path file) {
        return read(file, 3);
    }

    /**
     * Reads a labels file ({@code 0x00000801}) and checks every label is below {@code numClasses}.
     */
    public static byte[] readLabels(Path file, int numClasses) {
        byte[] labels = read(file, 1).data();
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xFF;
            if (label >= numClasses) {
                throw new DatasetFormatException(file, "label " + label + " of item " + i + " is out of range [0, " + numClasses + ")");
            }
        }
        return labels;
    }

    /**
     * Reads a matching images/labels pair into an in-memory dataset of 1-channel images.
     *
     * @throws DatasetFormatException when either file is malformed or their counts differ
     */
    public static ByteImageDataset readDataset(String name, Path imagesFile, Path labelsFile, List<String> classes) {
        IdxArray images = readImages(imagesFile);
        byte[] labels = readLabels(labelsFile, classes.size());
        if (labels.length != images.count()) {
            throw new DatasetFormatException(labelsFile, "holds " + labels.length + " labels but the images file "
                    + imagesFile + " holds " + images.count() + " images");
        }
        int rows = images.dims()[1];
        int cols = images.dims()[2];
        if (rows == 0 || cols == 0) {
            throw new DatasetFormatException(imagesFile, "images of size " + rows + "x" + cols + " are empty");
        }
        return new ByteImageDataset(name, imagesFile.toString(), new ImageShape(1, rows, cols), images.data(), labels, classes);
    }

    private static int toInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    private static String describe(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(" x ");
            }
            sb.append(dims[i]);
        }
        return sb.toString();
    }
}
