package org.rockstat.band.examples.uaparser;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Map;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.config.Settings;

/**
 * Enriches every tracking event with what its User-Agent says: OS, browser, device and whether it
 * is a bot, a phone, a tablet or a PC. Front stores the result in {@code event.data.uaparser}.
 */
public final class UaParserService {
    private final UaParser parser = new UaParser();
    private final LoadingCache<String, Map<String, Object>> cache;

    public UaParserService(Settings settings) {
        cache = Caffeine.newBuilder()
                .maximumSize(settings.get("cache_size", Integer.class, 512))
                .recordStats()
                .build(parser::parse);
    }

    /** Front sends {@code ua} from the event's {@code td.ua}. */
    @Enricher(keys = "in.gen.track", props = "ua=td.ua")
    public Map<String, Object> enrich(String ua) {
        return cache.get(ua);
    }

    /** Cache size and hit counts. */
    @Expose
    public Map<String, Object> cache_info() {
        CacheStats stats = cache.stats();
        return Map.of("size", cache.estimatedSize(), "hits", stats.hitCount(), "misses", stats.missCount());
    }

    public static void main(String[] args) {
        Band.run(args, UaParserService::new);
    }
}
