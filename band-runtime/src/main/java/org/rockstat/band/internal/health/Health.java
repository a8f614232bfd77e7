package org.rockstat.band.internal.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.rockstat.band.internal.http.BandRoutes;
import org.rockstat.band.internal.http.ResponseRenderer;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.TransportListener;
import org.rockstat.band.internal.transport.TransportState;

/**
 * Liveness and readiness, served at {@value #LIVE} and {@value #READY}. Live: the process answers
 * HTTP. Ready: HTTP accepts connections, the transport is {@link TransportState#CONNECTED} (for
 * Redis: the watchdog's canary came back in the current session, so the subscription is proven
 * to hear), the replica has joined the other replicas of its service (it handles its share: an
 * orchestrator that waits for readiness before stopping the next replica of a rolling deploy
 * stops it only once this one takes over) and the service is not draining. The transport check
 * is the very fact the
 * {@link org.rockstat.band.internal.heartbeat.Heartbeat} beats on, so a service is ready exactly
 * while director hears it.
 *
 * <pre>{@code
 * Health health = new Health(transport, http::accepting, dispatcher::isDraining, replicas::membership);
 * BandRoutes routes = health.addTo(BandRoutes.builder()).build();
 * // GET /__health/ready → 503 {"status":"not ready","checks":{"http":"up","transport":"down: connecting to Redis","replicas":"down: joining","draining":false}}
 * }</pre>
 */
public final class Health {
    /** Liveness. */
    public static final String LIVE = "/__health/live";
    /** Readiness. */
    public static final String READY = "/__health/ready";

    private final Transport transport;
    private final BooleanSupplier httpAccepting;
    private final BooleanSupplier draining;
    private final java.util.function.Supplier<String> replicas;
    private volatile String lastFailure;

    /**
     * The health of a service over {@code transport}.
     *
     * @param httpAccepting true while the HTTP server accepts connections
     * @param draining      true once the service stops taking calls
     * @param replicas      {@code up} while the replica is one of its service's members, else {@code down: <why>}
     */
    public Health(
            Transport transport,
            BooleanSupplier httpAccepting,
            BooleanSupplier draining,
            java.util.function.Supplier<String> replicas) {
        this.transport = transport;
        this.httpAccepting = httpAccepting;
        this.draining = draining;
        this.replicas = replicas;
        transport.addListener(new TransportListener() {
            @Override
            public void stateChanged(TransportState from, TransportState to) {
                if (to == TransportState.CONNECTED) {
                    lastFailure = null;
                }
            }

            @Override
            public void attemptFailed(int attempt, java.time.Duration delay, String reason) {
                lastFailure = reason;
            }
        });
    }

    /**
     * One look at readiness.
     *
     * @param http      {@code up}, or {@code down: not accepting connections}
     * @param transport {@code up}, or {@code down: <state> [(<last failure, masked>)]}
     * @param replicas  {@code up}, or {@code down: joining} / {@code down: leaving}
     * @param draining  true while the service is stopping
     */
    public record Report(boolean ready, String http, String transport, String replicas, boolean draining) {
        /** The body of {@value Health#READY}: {@code {"status":"ready"|"not ready","checks":{...}}}. */
        public Map<String, Object> body() {
            Map<String, Object> checks = new LinkedHashMap<>();
            checks.put("http", http);
            checks.put("transport", transport);
            checks.put("replicas", replicas);
            checks.put("draining", draining);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ready ? "ready" : "not ready");
            body.put("checks", checks);
            return body;
        }
    }

    /** Readiness now. */
    public Report ready() {
        boolean http = httpAccepting.getAsBoolean();
        TransportState state = transport.state();
        boolean connected = state == TransportState.CONNECTED;
        boolean drain = draining.getAsBoolean();
        String members = replicas.get();
        return new Report(
                http && connected && "up".equals(members) && !drain,
                http ? "up" : "down: not accepting connections",
                connected ? "up" : "down: " + describe(state),
                members,
                drain);
    }

    private String describe(TransportState state) {
        String peer = transport.peerName();
        String what = switch (state) {
            case NEW -> "not started";
            case CONNECTING -> "connecting to " + peer;
            case RECONNECTING -> "reconnecting to " + peer;
            case CLOSED -> "closed";
            case CONNECTED -> "up";
        };
        String failure = lastFailure;
        return failure == null || state == TransportState.CLOSED ? what : what + " (" + failure + ")";
    }

    /** Adds {@value #LIVE} and {@value #READY} to Band's routes. */
    public BandRoutes.Builder addTo(BandRoutes.Builder routes) {
        return routes.get(LIVE, request -> ResponseRenderer.json(200, Map.of("status", "live")))
                .get(READY, request -> {
                    Report report = ready();
                    return ResponseRenderer.json(report.ready() ? 200 : 503, report.body());
                });
    }
}
