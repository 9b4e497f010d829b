package org.rbnn4j.datasets;

import java.util.List;

/**
 * No complete copy of a dataset was found in any searched place. The message lists every place,
 * why it did not qualify, the expected layout and how to obtain the data.
 */
public class DatasetNotFoundException extends DatasetException {
    private final String dataset;
    private final List<String> searched;

    public DatasetNotFoundException(String dataset, List<String> searched, String message) {
        super(message);
        this.dataset = dataset;
        this.searched = List.copyOf(searched);
    }

    public String dataset() {
        return dataset;
    }

    /** One line per searched place: the path and why it did not qualify. */
    public List<String> searched() {
        return searched;
    }
}
