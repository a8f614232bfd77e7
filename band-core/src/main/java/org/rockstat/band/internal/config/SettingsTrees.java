package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.function.Function;
import org.rockstat.band.config.Settings;

/**
 * The loader's way in and out of {@link Settings}, whose tree constructor is not public: users
 * build settings from a map ({@link Settings#of}), Band's own loader from the rendered tree.
 * {@code Settings} hands its two functions over when its class initialises.
 */
public final class SettingsTrees {
    private static volatile Function<ObjectNode, Settings> wrap;
    private static volatile Function<Settings, ObjectNode> unwrap;

    private SettingsTrees() {}

    /** Called once by {@code Settings}' static initialiser. */
    public static void install(Function<ObjectNode, Settings> wrapper, Function<Settings, ObjectNode> unwrapper) {
        wrap = Objects.requireNonNull(wrapper);
        unwrap = Objects.requireNonNull(unwrapper);
    }

    /** Settings over an already merged and templated tree (not copied: the caller hands it over). */
    public static Settings wrap(ObjectNode tree) {
        ensureInstalled();
        return wrap.apply(tree);
    }

    /** The tree behind {@code settings}; callers must not change it. */
    public static ObjectNode tree(Settings settings) {
        ensureInstalled();
        return unwrap.apply(settings);
    }

    private static void ensureInstalled() {
        if (wrap == null) {
            try {
                Class.forName(Settings.class.getName(), true, Settings.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
