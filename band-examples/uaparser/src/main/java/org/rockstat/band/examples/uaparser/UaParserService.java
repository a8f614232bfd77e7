package org.rockstat.band.examples.uaparser;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.call.Response;
import org.rockstat.band.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enriches every tracking event with what its User-Agent says: OS, browser, device and whether it
 * is a bot, a tablet, a phone or a PC, answering exactly what the Python uaparser service answers
 * (see {@link UaParser}). Front stores the result in {@code event.data.uaparser}.
 *
 * <pre>{@code
 * // config.yaml: cache_size: 512   (the Python service's alru_cache(maxsize=512))
 * // front:  enrich {"ua": "Mozilla/5.0 ..."}  ->  {"os_family": "iOS", ..., "is_pc": 0}
 * // GET /cache_info                            ->  [hits, misses, maxsize, currsize]
 * }</pre>
 */
public final class UaParserService {
    private static final Logger log = LoggerFactory.getLogger(UaParserService.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final UaParser parser;
    private final LoadingCache<String, Object> cache;
    private final long maxSize;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    public UaParserService(Settings settings) {
        this(settings, new UaParser());
    }

    UaParserService(Settings settings, UaParser parser) {
        this.parser = parser;
        maxSize = settings.get("cache_size", Integer.class, 512);
        cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                // evict on the calling thread, so currsize in cache_info is exact when it is read
                .executor(Runnable::run)
                .recordStats()
                .build(this::answer);
    }

    /** Front sends {@code ua} from the event's {@code td.ua}. */
    @Enricher(keys = "in.gen.track", props = "ua=td.ua")
    public Object enrich(String ua) {
        return cache.get(ua);
    }

    /**
     * The cache's counters as the Python service's {@code enrich.cache_info()} gives them on the
     * wire: a {@code functools} {@code CacheInfo} named tuple, which ujson writes as the array
     * {@code [hits, misses, maxsize, currsize]}.
     */
    @Expose
    public List<Long> cache_info() {
        cache.cleanUp();
        CacheStats stats = cache.stats();
        return List.of(stats.hitCount(), stats.missCount(), maxSize, cache.estimatedSize());
    }

    // What Python's enrich() returns for one User-Agent; like alru_cache, the cache keeps errors too
    private Object answer(String ua) {
        try {
            return parser.parse(ua);
        } catch (RuntimeException e) {
            long count = failures.incrementAndGet();
            long now = System.nanoTime();
            long last = lastFailureLog.get();
            if (now - last >= LOG_EVERY_NANOS && lastFailureLog.compareAndSet(last, now)) {
                log.warn(
                        "User-Agent not parsed, answering an error as the Python service does ({} so far): {}: {}",
                        count,
                        e.getMessage(),
                        ua.length() > 200 ? ua.substring(0, 200) + "..." : ua);
            }
            // Python's response.error(): errorMessage "Unknown error", statusCode 500
            return Response.error("Unknown error", 500);
        }
    }

    public static void main(String[] args) {
        Band.run(args, UaParserService::new);
    }
}
