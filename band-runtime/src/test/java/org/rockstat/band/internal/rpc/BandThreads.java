package org.rockstat.band.internal.rpc;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counts live threads (platform and virtual) started by Band or Lettuce, from a JSON thread dump. */
final class BandThreads {
    private static final Pattern NAME = Pattern.compile("\"name\": \"(band-|lettuce-)[^\"]*\"");

    private BandThreads() {}

    static int count() {
        try {
            Path file = Files.createTempFile("threads", ".json");
            Files.delete(file);
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String dump = Files.readString(file);
            Files.deleteIfExists(file);
            Matcher m = NAME.matcher(dump);
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
