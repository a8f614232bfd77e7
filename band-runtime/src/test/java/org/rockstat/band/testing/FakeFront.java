package org.rockstat.band.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;

/**
 * Front as a test peer: calls handlers with events the way Node front does (triple plus
 * {@code to}/{@code from}), sends one {@code enrich} request for all enrichers and collects the
 * answers by {@code from}, and broadcasts events.
 */
public final class FakeFront extends RawRpcPeer {
    /** Connects and subscribes {@code front}. */
    public FakeFront(String dsn) {
        super(dsn, "front", "front");
    }

    /** A PROTOCOL §4.3 event for {@code service}/{@code name}. */
    public static Map<String, Object> event(String service, String name) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("key", "in.gen." + service + "." + name);
        event.put("service", service);
        event.put("name", name);
        event.put("channel", "http");
        event.put("projectId", 0);
        event.put("uid", "6465617");
        event.put("td", Map.of("ip", "1.2.3.4", "ua", "Mozilla/5.0 (X11; Linux x86_64)", "ref", "https://a.b/", "host", "a.b"));
        event.put("data", Map.of("q", "1"));
        event.put("id", "6465617-1");
        event.put("time", 1732860000000L);
        return event;
    }

    /** Calls a handler and returns the whole response message. */
    public ObjectNode call(String service, String method, Object params, Dialect dialect, Duration timeout) {
        return awaitResponse(request(service, method, params, dialect), timeout);
    }

    /** One {@code enrich} request on channel {@code enrich}; the responses of {@code services} by {@code from}. */
    public Map<String, ObjectNode> enrich(Object params, Set<String> services, Duration timeout) {
        String id = request("enrich", "enrich", params, Dialect.NODE);
        Awaitility.await().atMost(timeout).until(() -> byFrom(responses(id)).keySet().containsAll(services));
        return byFrom(responses(id));
    }

    /** The {@code broadcast} notification of an event. */
    public void broadcast(Object event) {
        notify("broadcast", "broadcast", event, Dialect.NODE);
    }

    private static Map<String, ObjectNode> byFrom(List<ObjectNode> responses) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        responses.forEach(r -> out.put(r.path("from").asText(), r));
        return out;
    }
}
