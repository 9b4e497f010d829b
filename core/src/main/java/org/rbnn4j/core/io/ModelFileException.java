package org.rbnn4j.core.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model or checkpoint file that cannot be read: the message names the file and the problem. */
public final class ModelFileException extends IOException {
    private final Path file;

    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
