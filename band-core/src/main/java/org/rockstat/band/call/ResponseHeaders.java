package org.rockstat.band.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Copy-on-add for the {@code [name, value]} header lists of {@link Response}. */
final class ResponseHeaders {
    private ResponseHeaders() {}

    static List<List<String>> with(List<List<String>> headers, String name, String value) {
        List<List<String>> copy = new ArrayList<>(headers);
        copy.add(List.of(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
        return copy;
    }
}
