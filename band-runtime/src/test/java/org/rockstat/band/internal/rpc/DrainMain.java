package org.rockstat.band.internal.rpc;

import java.util.concurrent.atomic.AtomicInteger;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;

/**
 * A service run the way a deployed one is, {@code Band.run} from its folder's {@code config.yaml}
 * (the working directory), for {@link DrainTest}: SIGTERM is what stops it.
 */
public final class DrainMain {
    private DrainMain() {}

    /** Long calls and a count of them. */
    public static final class Slow {
        private final AtomicInteger running = new AtomicInteger();

        /** Sleeps {@code ms}, then answers how long it slept. */
        @Handler
        public String long_method(int ms) throws InterruptedException {
            running.incrementAndGet();
            try {
                Thread.sleep(ms);
                return "slept " + ms;
            } finally {
                running.decrementAndGet();
            }
        }

        /** Calls of {@link #long_method} running now. */
        @Expose
        public int running() {
            return running.get();
        }
    }

    public static void main(String[] args) {
        Band.run(args, new Slow());
    }
}
