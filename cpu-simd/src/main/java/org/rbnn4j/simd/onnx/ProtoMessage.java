package org.rbnn4j.simd.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One protobuf message being written, field by field, in the wire format of protobuf-java's
 * {@link CodedOutputStream}. A nested message is written whole into its parent as a length-delimited field, so each
 * message is finished (its bytes fixed) before it is added: that is all the ONNX writer needs, and it keeps the
 * encoding entirely in the protobuf library.
 */
final class ProtoMessage {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    ProtoMessage string(int field, String value) {
        try {
            out.writeString(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProtoMessage int64(int field, long value) {
        try {
            out.writeInt64(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProtoMessage int32(int field, int value) {
        try {
            out.writeInt32(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProtoMessage float32(int field, float value) {
        try {
            out.writeFloat(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A length-delimited {@code bytes} field. */
    ProtoMessage bytes(int field, byte[] value) {
        try {
            out.writeByteArray(field, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A nested message (length-delimited). */
    ProtoMessage message(int field, ProtoMessage value) {
        return bytes(field, value.toByteArray());
    }

    /** The encoded message so far. */
    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
