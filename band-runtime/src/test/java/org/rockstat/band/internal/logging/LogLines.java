package org.rockstat.band.internal.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What a logging configuration wrote, line by line: give {@link #stream()} to {@code Logging.configure}. */
final class LogLines {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    OutputStream stream() {
        return out;
    }

    void reset() {
        out.reset();
    }

    List<String> lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    List<JsonNode> json() throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
