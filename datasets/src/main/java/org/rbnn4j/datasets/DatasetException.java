package org.rbnn4j.datasets;

/**
 * Base of every error this module reports about data: missing, malformed or failed to download.
 *
 * <p>Unchecked on purpose: a data error is found as readily on a prefetch thread as in
 * {@code Datasets.load}, and the loader re-throws the worker's exception to the consumer unchanged.
 * Every message names the file (or place) and the problem, so that it can be printed as is.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
