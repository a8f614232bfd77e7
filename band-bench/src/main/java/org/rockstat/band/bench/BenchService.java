package org.rockstat.band.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.call.Params;

/**
 * The benchmarked service: {@code echo} answers its params (RPC pair, dispatch pair),
 * {@code echoNonBlocking} the same on the event loop that read the request (the RPC fast path),
 * {@code ping} answers a small fixed body (HTTP pair), {@code pingNonBlocking} the same without
 * leaving the event loop ({@code GET /ping-nb}), and 46 more handlers make it a 50-method service for
 * the start-up figure. Generated once by a shell loop; kept as plain source so the annotation
 * scan at start-up is the real one.
 */
public final class BenchService {
    /** The body {@code GET /ping} answers; the raw Netty server answers the same bytes. */
    public static final String PING_BODY = "{\"ok\":true,\"service\":\"bench-svc\",\"version\":1}";

    @Handler
    public ObjectNode echo(Params params) {
        return params.node();
    }

    /** {@link #echo} declared non-blocking: over Redis it runs on the event loop that read the request. */
    @Handler(blocking = false)
    public ObjectNode echoNonBlocking(Params params) {
        return params.node();
    }

    @Handler
    public java.util.Map<String, Object> ping() {
        return PING_PAYLOAD;
    }

    private static final java.util.Map<String, Object> PING_PAYLOAD;

    static {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("ok", true);
        m.put("service", "bench-svc");
        m.put("version", 1);
        PING_PAYLOAD = java.util.Collections.unmodifiableMap(m);
    }

    @Handler
    public String m03(String name, int count) {
        return name + ":03:" + count;
    }

    @Handler
    public String m04(String name, int count) {
        return name + ":04:" + count;
    }

    @Handler
    public String m05(String name, int count) {
        return name + ":05:" + count;
    }

    @Handler
    public String m06(String name, int count) {
        return name + ":06:" + count;
    }

    @Handler
    public String m07(String name, int count) {
        return name + ":07:" + count;
    }

    @Handler
    public String m08(String name, int count) {
        return name + ":08:" + count;
    }

    @Handler
    public String m09(String name, int count) {
        return name + ":09:" + count;
    }

    @Handler
    public String m10(String name, int count) {
        return name + ":10:" + count;
    }

    @Handler
    public String m11(String name, int count) {
        return name + ":11:" + count;
    }

    @Handler
    public String m12(String name, int count) {
        return name + ":12:" + count;
    }

    @Handler
    public String m13(String name, int count) {
        return name + ":13:" + count;
    }

    @Handler
    public String m14(String name, int count) {
        return name + ":14:" + count;
    }

    @Handler
    public String m15(String name, int count) {
        return name + ":15:" + count;
    }

    @Handler
    public String m16(String name, int count) {
        return name + ":16:" + count;
    }

    @Handler
    public String m17(String name, int count) {
        return name + ":17:" + count;
    }

    @Handler
    public String m18(String name, int count) {
        return name + ":18:" + count;
    }

    @Handler
    public String m19(String name, int count) {
        return name + ":19:" + count;
    }

    @Handler
    public String m20(String name, int count) {
        return name + ":20:" + count;
    }

    @Handler
    public String m21(String name, int count) {
        return name + ":21:" + count;
    }

    @Handler
    public String m22(String name, int count) {
        return name + ":22:" + count;
    }

    @Handler
    public String m23(String name, int count) {
        return name + ":23:" + count;
    }

    @Handler
    public String m24(String name, int count) {
        return name + ":24:" + count;
    }

    @Handler
    public String m25(String name, int count) {
        return name + ":25:" + count;
    }

    @Handler
    public String m26(String name, int count) {
        return name + ":26:" + count;
    }

    @Handler
    public String m27(String name, int count) {
        return name + ":27:" + count;
    }

    @Handler
    public String m28(String name, int count) {
        return name + ":28:" + count;
    }

    @Handler
    public String m29(String name, int count) {
        return name + ":29:" + count;
    }

    @Handler
    public String m30(String name, int count) {
        return name + ":30:" + count;
    }

    @Handler
    public String m31(String name, int count) {
        return name + ":31:" + count;
    }

    @Handler
    public String m32(String name, int count) {
        return name + ":32:" + count;
    }

    @Handler
    public String m33(String name, int count) {
        return name + ":33:" + count;
    }

    @Handler
    public String m34(String name, int count) {
        return name + ":34:" + count;
    }

    @Handler
    public String m35(String name, int count) {
        return name + ":35:" + count;
    }

    @Handler
    public String m36(String name, int count) {
        return name + ":36:" + count;
    }

    @Handler
    public String m37(String name, int count) {
        return name + ":37:" + count;
    }

    @Handler
    public String m38(String name, int count) {
        return name + ":38:" + count;
    }

    @Handler
    public String m39(String name, int count) {
        return name + ":39:" + count;
    }

    @Handler
    public String m40(String name, int count) {
        return name + ":40:" + count;
    }

    @Handler
    public String m41(String name, int count) {
        return name + ":41:" + count;
    }

    @Handler
    public String m42(String name, int count) {
        return name + ":42:" + count;
    }

    @Handler
    public String m43(String name, int count) {
        return name + ":43:" + count;
    }

    @Handler
    public String m44(String name, int count) {
        return name + ":44:" + count;
    }

    @Handler
    public String m45(String name, int count) {
        return name + ":45:" + count;
    }

    @Handler
    public String m46(String name, int count) {
        return name + ":46:" + count;
    }

    @Handler
    public String m47(String name, int count) {
        return name + ":47:" + count;
    }

    @Handler
    public String m48(String name, int count) {
        return name + ":48:" + count;
    }

    /**
     * {@code GET /ping-nb}: {@link #ping} declared non-blocking, so it is answered on the event loop
     * that read the request (the {@code http.rps.*.nonblocking} figures); the 50th method.
     */
    @Handler(path = "/ping-nb", blocking = false)
    public java.util.Map<String, Object> pingNonBlocking() {
        return PING_PAYLOAD;
    }
}
