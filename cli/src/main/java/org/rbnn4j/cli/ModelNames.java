package org.rbnn4j.cli;

import java.util.Iterator;
import org.rbnn4j.core.model.ModelZoo;

/** The zoo's architecture names, for option completion and help. */
final class ModelNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return ModelZoo.architectures().iterator();
    }
}
