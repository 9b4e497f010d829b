package org.rbnn4j.simd.packed.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.rbnn4j.core.io.AtomicFiles;
import org.rbnn4j.core.io.ModelFileException;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The {@code .rbnn} packed model file. Big-endian throughout; see also {@code docs/rbnn-format.md}.
 *
 * <pre>
 * header   magic      8 bytes  "RBNNPACK"
 *          version    u32      1
 *          sections   u32      4
 * section  tag        4 bytes  ASCII: "META", "GRPH", "FLTS", "BITS", in this order, each exactly once
 *          length     u64      payload bytes
 *          payload    length bytes
 *          crc32      u32      CRC-32 of tag, length and payload
 * (end of file: nothing may follow the last section)
 *
 * META     count u32, then count x (key: u16 length + UTF-8, value: u32 length + UTF-8);
 *          the model.* entries of the ModelSpec (architecture, in_channels, classes, input_size, option.*) plus
 *          free-form entries such as data.dataset, data.mean, data.std, data.classes
 * GRPH     u32 length + UTF-8: the compiled op list, one op per line (input size, every conv with its shape,
 *          stride, padding and border, BN, activations, adds, pools, linear); the loader rebuilds the network from
 *          the spec, compiles it and requires the same text, so a file never runs on a different graph
 * FLTS     count u32, then count x (name: u16 length + UTF-8, rank u8 (at most 8), rank x u32 dims,
 *          prod(dims) x f32): every float parameter and buffer except the latent weights, blend angles and
 *          rotations of binary layers (their alpha is here)
 * BITS     count u32, then count x (layer name: u16 length + UTF-8, Cout u32, Cin u32, kh u32, kw u32,
 *          ceil(Cout*Cin*kh*kw / 64) x u64): sign(w3) at 1 bit per weight, weight j of the row-major
 *          [Cout, Cin, kh, kw] tensor in bit (j mod 64), least significant first, of word j / 64;
 *          1 = -1, 0 = +1; the unused bits of the last word are 0
 * </pre>
 *
 * Reading checks the magic, the version, every section's tag, length and CRC, all counts and shapes against the
 * file size, UTF-8 validity, the unused bits, and that nothing follows; each problem is a
 * {@link ModelFileException} naming the file. Writing is atomic. No Java serialisation.
 */
final class RbnnFile {
    static final String MAGIC = "RBNNPACK";
    static final int VERSION = 1;
    static final String[] TAGS = {"META", "GRPH", "FLTS", "BITS"};
    private static final int MAX_RANK = 8;

    private RbnnFile() {
    }

    /** What a file holds. */
    record Contents(ModelContent content, String graph) {
    }

    static void write(Path file, ModelContent content, String graph) throws IOException {
        byte[][] payloads = {meta(content.allMetadata()), graph(graph), floats(content.floats()),
                bits(content.binary())};
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(VERSION);
            out.writeInt(TAGS.length);
            for (int i = 0; i < TAGS.length; i++) {
                ByteBuffer head = ByteBuffer.allocate(12);
                head.put(TAGS[i].getBytes(StandardCharsets.US_ASCII)).putLong(payloads[i].length);
                CRC32 crc = new CRC32();
                crc.update(head.array());
                crc.update(payloads[i]);
                out.write(head.array());
                out.write(payloads[i]);
                out.writeInt((int) crc.getValue());
            }
            out.flush();
        });
    }

    private static byte[] meta(Map<String, String> meta) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(meta.size());
        for (Map.Entry<String, String> e : meta.entrySet()) {
            writeShortString(out, e.getKey());
            byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
            out.writeInt(v.length);
            out.write(v);
        }
        return bytes.toByteArray();
    }

    private static byte[] graph(String graph) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] g = graph.getBytes(StandardCharsets.UTF_8);
        out.writeInt(g.length);
        out.write(g);
        return bytes.toByteArray();
    }

    private static byte[] floats(Map<String, Tensor> tensors) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            writeShortString(out, e.getKey());
            int[] shape = e.getValue().shape();
            out.writeByte(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            float[] data = e.getValue().data();
            ByteBuffer buf = ByteBuffer.allocate(data.length * 4);
            buf.asFloatBuffer().put(data);
            out.write(buf.array());
        }
        return bytes.toByteArray();
    }

    private static byte[] bits(Map<String, BinaryWeights> layers) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(layers.size());
        for (Map.Entry<String, BinaryWeights> e : layers.entrySet()) {
            writeShortString(out, e.getKey());
            int[] shape = e.getValue().shape();
            if (shape.length != 4) {
                throw new IllegalArgumentException("binary layer " + e.getKey() + " has shape " + Arrays.toString(shape));
            }
            for (int d : shape) {
                out.writeInt(d);
            }
            long[] words = e.getValue().words();
            ByteBuffer buf = ByteBuffer.allocate(words.length * 8);
            buf.asLongBuffer().put(words);
            out.write(buf.array());
        }
        return bytes.toByteArray();
    }

    private static void writeShortString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("name too long: " + s.substring(0, 40) + "...");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    // ------------------------------------------------------------------------------------------------ reading

    static Contents read(Path file) throws ModelFileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "no such file");
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read: " + e.getMessage(), e);
        }
        int headerSize = MAGIC.length() + 8;
        if (bytes.length < MAGIC.length()
                || !new String(bytes, 0, MAGIC.length(), StandardCharsets.ISO_8859_1).equals(MAGIC)) {
            throw new ModelFileException(file, "not an rbnn4j packed model (bad magic; expected \"" + MAGIC + "\")");
        }
        if (bytes.length < headerSize) {
            throw new ModelFileException(file, "truncated header (" + bytes.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(MAGIC.length());
        int version = in.getInt();
        if (version != VERSION) {
            throw new ModelFileException(file, "unsupported .rbnn version " + Integer.toUnsignedString(version)
                    + " (this build reads version " + VERSION + ")");
        }
        int sections = in.getInt();
        if (sections != TAGS.length) {
            throw new ModelFileException(file, "header says " + Integer.toUnsignedString(sections)
                    + " sections, version " + VERSION + " has " + TAGS.length + " (corrupt header)");
        }
        ByteBuffer[] payloads = new ByteBuffer[TAGS.length];
        for (int i = 0; i < TAGS.length; i++) {
            if (in.remaining() < 12) {
                throw new ModelFileException(file, "truncated: section " + TAGS[i] + " is missing");
            }
            int start = in.position();
            String tag = new String(bytes, start, 4, StandardCharsets.ISO_8859_1);
            in.position(start + 4);
            if (!tag.equals(TAGS[i])) {
                throw new ModelFileException(file, "expected section " + TAGS[i] + " at byte " + start + ", found tag \""
                        + printable(tag) + "\" (corrupt file)");
            }
            long length = in.getLong();
            if (length < 0 || length > in.remaining() - 4L) {
                throw new ModelFileException(file, "section " + tag + " claims " + length + " bytes but only "
                        + Math.max(0, in.remaining() - 4) + " remain (truncated or corrupt file)");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, start, 12 + (int) length);
            in.position(start + 12 + (int) length);
            int stored = in.getInt();
            if ((int) crc.getValue() != stored) {
                throw new ModelFileException(file, "checksum mismatch in section " + tag + " (corrupt file)");
            }
            payloads[i] = ByteBuffer.wrap(bytes, start + 12, (int) length).slice();
        }
        if (in.hasRemaining()) {
            throw new ModelFileException(file, in.remaining() + " unexpected bytes after the last section");
        }
        String current = "META";
        try {
            Map<String, String> meta = readMeta(payloads[0]);
            current = "GRPH";
            String graph = readString(payloads[1], payloads[1].getInt());
            requireConsumed(payloads[1]);
            current = "FLTS";
            Map<String, Tensor> floats = readFloats(payloads[2]);
            current = "BITS";
            Map<String, BinaryWeights> binary = readBits(payloads[3]);
            current = "META";
            ModelSpec spec;
            try {
                spec = ModelSpec.fromMetadata(meta);
            } catch (RuntimeException e) {
                throw new FormatException("bad model spec: " + e.getMessage());
            }
            Map<String, String> extra = new LinkedHashMap<>();
            meta.forEach((k, v) -> {
                if (!k.startsWith("model.")) {
                    extra.put(k, v);
                }
            });
            return new Contents(new ModelContent(spec, extra, floats, binary), graph);
        } catch (BufferUnderflowException e) {
            throw new ModelFileException(file, "section " + current + " ends early (corrupt file)");
        } catch (FormatException e) {
            throw new ModelFileException(file, "section " + current + ": " + e.getMessage());
        }
    }

    /** A malformed payload (caught and reported with the file and section). */
    private static final class FormatException extends Exception {
        FormatException(String message) {
            super(message);
        }
    }

    private static Map<String, String> readMeta(ByteBuffer in) throws FormatException {
        int count = count(in, 6, "metadata entries");
        Map<String, String> meta = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = readString(in, in.getShort() & 0xFFFF);
            String value = readString(in, in.getInt());
            if (meta.put(key, value) != null) {
                throw new FormatException("duplicate metadata key '" + key + "'");
            }
        }
        requireConsumed(in);
        return meta;
    }

    private static Map<String, Tensor> readFloats(ByteBuffer in) throws FormatException {
        int count = count(in, 3, "tensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = readString(in, in.getShort() & 0xFFFF);
            int rank = in.get() & 0xFF;
            if (rank > MAX_RANK) {
                throw new FormatException("tensor '" + name + "' has rank " + rank + " (at most " + MAX_RANK + ")");
            }
            int[] shape = new int[rank];
            long size = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = in.getInt();
                size *= shape[d];
                if (shape[d] < 0 || size * 4 > in.remaining()) {
                    throw new FormatException("tensor '" + name + "' has an impossible shape "
                            + Arrays.toString(Arrays.copyOf(shape, d + 1)));
                }
            }
            float[] data = new float[(int) size];
            in.asFloatBuffer().get(data);
            in.position(in.position() + data.length * 4);
            if (tensors.put(name, Tensor.of(data, shape)) != null) {
                throw new FormatException("duplicate tensor '" + name + "'");
            }
        }
        requireConsumed(in);
        return tensors;
    }

    private static Map<String, BinaryWeights> readBits(ByteBuffer in) throws FormatException {
        int count = count(in, 18, "binary layers");
        Map<String, BinaryWeights> layers = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = readString(in, in.getShort() & 0xFFFF);
            int[] shape = new int[4];
            long n = 1;
            for (int d = 0; d < 4; d++) {
                shape[d] = in.getInt();
                n *= shape[d];
                if (shape[d] <= 0 || n > in.remaining() * 8L) {
                    throw new FormatException("binary layer '" + name + "' has an impossible shape "
                            + Arrays.toString(Arrays.copyOf(shape, d + 1)));
                }
            }
            long[] words = new long[BinaryWeights.wordsFor(n)];
            if ((long) words.length * 8 > in.remaining()) {
                throw new FormatException("binary layer '" + name + "' ends early");
            }
            in.asLongBuffer().get(words);
            in.position(in.position() + words.length * 8);
            BinaryWeights w = new BinaryWeights(shape, words);
            if (!w.tailIsClear()) {
                throw new FormatException("binary layer '" + name + "' has set bits past its last weight");
            }
            if (layers.put(name, w) != null) {
                throw new FormatException("duplicate binary layer '" + name + "'");
            }
        }
        requireConsumed(in);
        return layers;
    }

    private static int count(ByteBuffer in, int minBytesEach, String what) throws FormatException {
        int count = in.getInt();
        if (count < 0 || (long) count * minBytesEach > in.remaining()) {
            throw new FormatException("impossible number of " + what + ": " + Integer.toUnsignedString(count));
        }
        return count;
    }

    private static String readString(ByteBuffer in, int length) throws FormatException {
        if (length < 0 || length > in.remaining()) {
            throw new FormatException("string of " + Integer.toUnsignedString(length) + " bytes overruns the section");
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException("invalid UTF-8 text");
        }
    }

    private static void requireConsumed(ByteBuffer in) throws FormatException {
        if (in.hasRemaining()) {
            throw new FormatException(in.remaining() + " unexpected trailing bytes");
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }
}
