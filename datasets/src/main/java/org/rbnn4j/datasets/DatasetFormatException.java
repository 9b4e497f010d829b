package org.rbnn4j.datasets;

import java.nio.file.Path;

/**
 * A data file exists but is not what it claims to be: truncated, wrong magic number, counts that
 * disagree, a label out of range, corrupt compression, an image that cannot be decoded.
 * The message is {@code "<file>: <problem>"}.
 */
public class DatasetFormatException extends DatasetException {
    private final Path file;

    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DatasetFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
