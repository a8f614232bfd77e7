package org.rockstat.band.examples.uaparser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.testkit.BandServiceExtension;

/**
 * {@code cache_info} answers what the Python service's {@code enrich.cache_info()} puts on the
 * wire: async_lru's {@code functools} {@code CacheInfo(hits, misses, maxsize, currsize)}, a named
 * tuple that ujson writes as a JSON array.
 */
class CacheInfoTest {
    private static final String A = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String B = "curl/8.4.0";
    private static final String C = "python-requests/2.31.0";

    @RegisterExtension
    static final BandServiceExtension band =
            BandServiceExtension.of(UaParserService::new).config(Path.of("")).setting("cache_size", 2);

    @Test
    void countsHitsMissesAndSizeAsAnArray() {
        assertThat(cacheInfo()).isEqualTo("[0,0,2,0]");

        band.front().enrich(Map.of("ua", A));
        band.front().enrich(Map.of("ua", A));
        band.front().enrich(Map.of("ua", B));
        assertThat(cacheInfo()).isEqualTo("[1,2,2,2]");

        // a third User-Agent is a miss and the cache stays at its bound
        band.front().enrich(Map.of("ua", C));
        assertThat(cacheInfo()).isEqualTo("[1,3,2,2]");
    }

    private static String cacheInfo() {
        var response = band.http().get("/cache_info");
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }
}
