package org.rbnn4j.datasets.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * An expected digest of a file: SHA-256 where the publisher gives one, MD5 where that is all it gives
 * (MNIST, Fashion-MNIST, CIFAR). MD5 only guards against corruption here, not against tampering.
 */
public record Checksum(String algorithm, String hex) {
    public Checksum {
        Objects.requireNonNull(algorithm, "algorithm");
        hex = hex.toLowerCase(Locale.ROOT);
        int expectedLength = switch (algorithm) {
            case "SHA-256" -> 64;
            case "MD5" -> 32;
            default -> throw new IllegalArgumentException("unsupported checksum algorithm " + algorithm + " (SHA-256 or MD5)");
        };
        if (hex.length() != expectedLength || !hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            throw new IllegalArgumentException(algorithm + " checksum must be " + expectedLength + " hex digits, got '" + hex + "'");
        }
    }

    public static Checksum sha256(String hex) {
        return new Checksum("SHA-256", hex);
    }

    public static Checksum md5(String hex) {
        return new Checksum("MD5", hex);
    }

    /** A fresh digest of this checksum's algorithm. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** True if the digest's result equals this checksum. */
    public boolean matches(byte[] digest) {
        return hex.equals(HexFormat.of().formatHex(digest));
    }

    /** Digest of a whole file, in this checksum's algorithm, as lowercase hex. */
    public String compute(Path file) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Override
    public String toString() {
        return algorithm + " " + hex;
    }
}
