package org.rockstat.band.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;

/**
 * Director as a test peer: receives {@code __iamalive} heartbeats on channel {@code director}
 * and asks services for {@code __status} the way the Python director does (routing in the triple
 * only, ids {@code "1"}, {@code "2"}...).
 */
public final class FakeDirector extends RawRpcPeer {
    /** Connects and subscribes {@code director}. */
    public FakeDirector(String dsn) {
        super(dsn, "director", "director");
    }

    /** Arrival times ({@link System#nanoTime()}) of heartbeats from {@code service}, oldest first. */
    public List<Long> heartbeatsFrom(String service) {
        return received().stream()
                .filter(r -> r.json() != null && ("director:__iamalive:" + service).equals(r.json().path("method").asText())
                        && service.equals(r.json().path("params").path("name").asText()))
                .map(Received::nanoTime)
                .toList();
    }

    /** The heartbeat messages from {@code service}. */
    public List<ObjectNode> heartbeatMessages(String service) {
        return received().stream().map(Received::json)
                .filter(m -> m != null && ("director:__iamalive:" + service).equals(m.path("method").asText()))
                .toList();
    }

    /** Sends {@code __status} and returns the whole response message. */
    public ObjectNode status(String service, Duration timeout) {
        return awaitResponse(request(service, "__status", null, Dialect.PYTHON), timeout);
    }
}
