package org.rbnn4j.core.io;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.rbnn4j.core.tensor.Tensor;

/**
 * A training checkpoint: string metadata plus named float tensors (parameters, buffers, optimiser state).
 *
 * <h2>File format (version 1), all integers big-endian</h2>
 * <pre>
 * magic      8 bytes  "RBNNCKPT"
 * version    u32      1
 * metaCount  u32      then metaCount x (key: u16 length + UTF-8, value: u32 length + UTF-8)
 * count      u32      then count x tensor:
 *              name   u16 length + UTF-8
 *              rank   u8, then rank x u32 dims
 *              data   prod(dims) x f32 (IEEE 754, big-endian)
 * crc32      u32      CRC-32 of every byte before it
 * </pre>
 * Files are written atomically ({@link AtomicFiles}); reading checks magic, version, sizes and the checksum
 * and reports any problem with the file name. No Java serialisation.
 */
public record Checkpoint(Map<String, String> metadata, Map<String, Tensor> tensors) {
    public static final String MAGIC = "RBNNCKPT";
    public static final int VERSION = 1;
    private static final int MAX_RANK = 8;

    public Checkpoint {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public String meta(String key) {
        return metadata.get(key);
    }

    public Tensor tensor(String name) {
        return tensors.get(name);
    }

    /** Writes this checkpoint atomically: a crash mid-write leaves any previous file intact. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            CRC32 crc = new CRC32();
            DataOutputStream data = new DataOutputStream(new java.util.zip.CheckedOutputStream(out, crc));
            data.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            data.writeInt(VERSION);
            data.writeInt(metadata.size());
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                writeShortString(data, e.getKey());
                byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
                data.writeInt(v.length);
                data.write(v);
            }
            data.writeInt(tensors.size());
            byte[] buf = new byte[1 << 16];
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                writeShortString(data, e.getKey());
                int[] shape = e.getValue().shape();
                data.writeByte(shape.length);
                for (int d : shape) {
                    data.writeInt(d);
                }
                writeFloats(data, e.getValue().data(), buf);
            }
            data.flush();
            new DataOutputStream(out).writeInt((int) crc.getValue());
        });
    }

    /** Reads and validates a checkpoint; every problem is reported with the file name. */
    public static Checkpoint read(Path file) throws ModelFileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "no such file");
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read: " + e.getMessage(), e);
        }
        if (bytes.length < MAGIC.length() + 8 || !new String(bytes, 0, MAGIC.length(), StandardCharsets.US_ASCII).equals(MAGIC)) {
            throw new ModelFileException(file, "not an rbnn4j checkpoint (bad magic; expected \"" + MAGIC + "\")");
        }
        int version = ByteBuffer.wrap(bytes, MAGIC.length(), 4).getInt();
        if (version != VERSION) {
            throw new ModelFileException(file, "unsupported checkpoint version " + version + " (this build reads version " + VERSION + ")");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new ModelFileException(file, "checksum mismatch: the file is corrupt or truncated");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            in.skipNBytes(MAGIC.length() + 4);
            int metaCount = in.readInt();
            checkCount(file, metaCount, "metadata entries");
            Map<String, String> meta = new LinkedHashMap<>();
            for (int i = 0; i < metaCount; i++) {
                String key = readShortString(in);
                int len = in.readInt();
                checkCount(file, len, "metadata value bytes");
                meta.put(key, new String(in.readNBytes(len), StandardCharsets.UTF_8));
            }
            int count = in.readInt();
            checkCount(file, count, "tensors");
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            byte[] buf = new byte[1 << 16];
            for (int i = 0; i < count; i++) {
                String name = readShortString(in);
                int rank = in.readUnsignedByte();
                if (rank > MAX_RANK) {
                    throw new ModelFileException(file, "tensor '" + name + "' has rank " + rank + " (at most " + MAX_RANK + ")");
                }
                int[] shape = new int[rank];
                long size = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readInt();
                    size *= shape[d];
                    if (shape[d] < 0 || size > bytes.length / 4) {
                        throw new ModelFileException(file, "tensor '" + name + "' has an impossible shape " + Arrays.toString(Arrays.copyOf(shape, d + 1)));
                    }
                }
                float[] values = new float[(int) size];
                readFloats(in, values, buf);
                tensors.put(name, Tensor.of(values, shape));
            }
            if (in.available() != 0) {
                throw new ModelFileException(file, in.available() + " unexpected bytes after the last tensor");
            }
            return new Checkpoint(meta, tensors);
        } catch (EOFException e) {
            throw new ModelFileException(file, "truncated: ended in the middle of a record");
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot parse: " + e.getMessage(), e);
        }
    }

    private static void checkCount(Path file, int n, String what) throws ModelFileException {
        if (n < 0) {
            throw new ModelFileException(file, "negative number of " + what);
        }
    }

    private static void writeShortString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IOException("name too long: " + s.substring(0, 40) + "...");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    private static String readShortString(DataInputStream in) throws IOException {
        int len = in.readUnsignedShort();
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    static void writeFloats(DataOutputStream out, float[] values, byte[] buf) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
        int i = 0;
        while (i < values.length) {
            bb.clear();
            int n = Math.min(values.length - i, buf.length / 4);
            bb.asFloatBuffer().put(values, i, n);
            out.write(buf, 0, n * 4);
            i += n;
        }
    }

    static void readFloats(InputStream in, float[] values, byte[] buf) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
        int i = 0;
        while (i < values.length) {
            int n = Math.min(values.length - i, buf.length / 4);
            int got = in.readNBytes(buf, 0, n * 4);
            if (got != n * 4) {
                throw new EOFException();
            }
            bb.clear();
            bb.asFloatBuffer().get(values, i, n);
            i += n;
        }
    }
}
