package org.rockstat.band.call;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.math.BigInteger;
import java.util.Map;
import org.rockstat.band.internal.json.EventDeserializer;

/**
 * The tracking event front sends to handlers (as params) and listeners (as the broadcast): declare
 * a parameter of this type to receive it whole.
 *
 * <p>Binding never fails: a field front sends in an unexpected shape reads as {@code null} (the
 * raw value is still in the call's params), so no event is lost to a visitor's odd URL.
 *
 * <pre>{@code
 * @Listener
 * public void store(Event event) {
 *     log.info("{} from {} ({})", event.key(), event.td("ip"), event.td("ua"));
 * }
 * }</pre>
 *
 * @param key       routing key, e.g. {@code in.gen.track.click}
 * @param service   service part of the URL, e.g. {@code track}
 * @param name      event name, e.g. {@code click}
 * @param channel   how it arrived: {@code http}, {@code ws}...
 * @param projectId the project's id, whole however many digits a visitor sent
 * @param uid       the visitor's id
 * @param td        transport data: {@code ip}, {@code ua}, {@code ref}, {@code host}...
 * @param data      the event's payload, with enrichments under each enricher's service name
 * @param id        the event's unique id
 * @param time      when front received it, epoch milliseconds
 */
@JsonDeserialize(using = EventDeserializer.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
        String key,
        String service,
        String name,
        String channel,
        BigInteger projectId,
        String uid,
        Map<String, Object> td,
        Map<String, Object> data,
        String id,
        Long time) {

    /** A field of {@link #td()} as text, or {@code null}. */
    public String td(String field) {
        return text(td, field);
    }

    /** A field of {@link #data()} as text, or {@code null}. */
    public String data(String field) {
        return text(data, field);
    }

    private static String text(Map<String, Object> map, String field) {
        Object value = map == null ? null : map.get(field);
        return value == null ? null : value.toString();
    }
}
