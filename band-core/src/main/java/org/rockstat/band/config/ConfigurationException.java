package org.rockstat.band.config;

import java.util.List;

/**
 * Start-up failed because the configuration or the service classes are wrong. Carries every
 * problem found, each naming where it is and how to fix it, e.g.
 * {@code Missing keys in @Enricher for method UaService.parse: add them, e.g. @Enricher(keys = "in.gen.track")}.
 */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // List.copyOf lists are serializable; the declared type cannot say so
    private final List<String> problems;

    /** An exception listing {@code problems} (at least one). */
    public ConfigurationException(List<String> problems) {
        super(render(problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** Each problem, in the order found. */
    public List<String> problems() {
        return problems;
    }

    private static String render(List<String> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder text = new StringBuilder(problems.size() + " problems:");
        for (int i = 0; i < problems.size(); i++) {
            text.append("\n  ").append(i + 1).append(". ").append(problems.get(i));
        }
        return text.toString();
    }
}
