package org.rbnn4j.datasets.download;

import org.rbnn4j.datasets.DatasetException;

/** A download failed: no mirror answered, or what arrived did not match its checksum. */
public class DownloadException extends DatasetException {
    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
