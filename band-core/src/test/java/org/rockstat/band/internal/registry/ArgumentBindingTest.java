package org.rockstat.band.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.call.Call;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.Event;
import org.rockstat.band.call.Params;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;

/** Parameters bind by name from params, with Jackson conversion; special types are injected. */
class ArgumentBindingTest {
    private static final Settings SETTINGS = Settings.of(Map.of("name", "binding", "greeting", "hi"));
    private static final CallContext CONTEXT = new CallContext("front", "17", "m", "memory");

    public record Point(int x, int y) {}

    public enum Color {
        RED,
        GREEN
    }

    public static final class Service {
        @Expose
        public String text(String s) {
            return s;
        }

        @Expose
        public int primitive(int n) {
            return n * 2;
        }

        @Expose
        public long longs(long n) {
            return n;
        }

        @Expose
        public double doubles(double d) {
            return d;
        }

        @Expose
        public boolean flag(boolean b) {
            return !b;
        }

        @Expose
        public String boxed(Integer n) {
            return String.valueOf(n);
        }

        @Expose
        public String optional(Optional<String> s) {
            return s.orElse("none");
        }

        @Expose
        public int sum(List<Integer> values) {
            return values.stream().mapToInt(Integer::intValue).sum();
        }

        @Expose
        public Object map(Map<String, Object> params) {
            return params;
        }

        @Expose
        public int record(Point p) {
            return p.x() + p.y();
        }

        @Expose
        public String node(JsonNode n) {
            return n.getNodeType().name();
        }

        @Expose
        public Color color(Color c) {
            return c;
        }

        @Expose
        public int all(Params params) {
            return params.size();
        }

        @Expose
        public String event(Event e) {
            return e.key() + "|" + e.td("ua") + "|" + e.data("q");
        }

        @Expose
        public String context(CallContext ctx) {
            return ctx.caller() + ":" + ctx.id();
        }

        @Expose
        public String settings(Settings s) {
            return s.get("greeting", String.class);
        }

        @Handler
        public String data(String name, Map<String, Object> params) {
            return name + params.size();
        }

        @Expose
        public void nothing() {}
    }

    private final ServiceModel model =
            ServiceModel.builder(SETTINGS).service(new Service()).build();

    private Object call(String method, String json) throws Exception {
        ObjectNode params = (ObjectNode) Json.mapper().readTree(json);
        return model.method(method).orElseThrow().handler().handle(new Call(Params.of(params), CONTEXT));
    }

    private RpcException fails(String method, String json) {
        try {
            call(method, json);
        } catch (RpcException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected RpcException, got " + e, e);
        }
        throw new AssertionError("expected RpcException from " + method + " " + json);
    }

    @Test
    void scalarsBindByNameWithCoercionFromText() throws Exception {
        assertThat(call("text", "{\"s\":\"abc\"}")).isEqualTo("abc");
        assertThat(call("text", "{\"s\":12}")).isEqualTo("12");
        assertThat(call("primitive", "{\"n\":21}")).isEqualTo(42);
        assertThat(call("primitive", "{\"n\":\"21\"}")).isEqualTo(42);
        assertThat(call("longs", "{\"n\":9007199254740993}")).isEqualTo(9007199254740993L);
        assertThat(call("doubles", "{\"d\":1.5}")).isEqualTo(1.5);
        assertThat(call("flag", "{\"b\":true}")).isEqualTo(false);
        assertThat(call("color", "{\"c\":\"GREEN\"}")).isEqualTo(Color.GREEN);
    }

    @Test
    void collectionsRecordsAndTrees() throws Exception {
        assertThat(call("sum", "{\"values\":[1,2,3]}")).isEqualTo(6);
        assertThat(call("record", "{\"p\":{\"x\":2,\"y\":3,\"z\":9}}")).isEqualTo(5);
        assertThat(call("node", "{\"n\":{\"a\":[1]}}")).isEqualTo("OBJECT");
        assertThat(call("node", "{\"n\":[1]}")).isEqualTo("ARRAY");
    }

    @Test
    void mapsAndParamsGetEveryParam() throws Exception {
        assertThat(call("map", "{\"a\":1,\"b\":\"x\"}")).isEqualTo(Map.of("a", 1, "b", "x"));
        assertThat(call("all", "{\"a\":1,\"b\":2,\"c\":3}")).isEqualTo(3);
        assertThat(call("data", "{\"name\":\"test2\",\"key\":\"k\"}")).isEqualTo("test22");
    }

    @Test
    void eventContextAndSettingsAreInjected() throws Exception {
        String event = "{\"key\":\"in.gen.debug.test2\",\"service\":\"debug\",\"name\":\"test2\",\"channel\":\"http\","
                + "\"projectId\":0,\"uid\":\"u1\",\"td\":{\"ua\":\"Mozilla\"},\"data\":{\"q\":\"1\"},\"id\":\"e1\","
                + "\"time\":1732860000000,\"extra\":true}";
        assertThat(call("event", event)).isEqualTo("in.gen.debug.test2|Mozilla|1");
        assertThat(call("context", "{}")).isEqualTo("front:17");
        assertThat(call("settings", "{}")).isEqualTo("hi");
    }

    @Test
    void optionalAndBoxedParamsMayBeMissingOrNull() throws Exception {
        assertThat(call("boxed", "{}")).isEqualTo("null");
        assertThat(call("boxed", "{\"n\":null}")).isEqualTo("null");
        assertThat(call("boxed", "{\"n\":4}")).isEqualTo("4");
        assertThat(call("optional", "{}")).isEqualTo("none");
        assertThat(call("optional", "{\"s\":\"x\"}")).isEqualTo("x");
    }

    @Test
    void extraParamsAreIgnored() throws Exception {
        assertThat(call("primitive", "{\"n\":1,\"other\":[1,2]}")).isEqualTo(2);
    }

    @Test
    void voidMethodsReturnNull() throws Exception {
        assertThat(call("nothing", "{}")).isNull();
    }

    @Test
    void missingRequiredParamsAreInvalidParamsNamingThem() {
        RpcException e = fails("primitive", "{}");
        assertThat(e.code()).isEqualTo(RpcException.INVALID_PARAMS);
        assertThat(e.getMessage()).isEqualTo("Missing required param 'n'");
        assertThat(fails("text", "{\"s\":null}").getMessage()).isEqualTo("Missing required param 's'");
        assertThat(fails("record", "{}").getMessage()).isEqualTo("Missing required param 'p'");
    }

    @Test
    void wrongTypesAreInvalidParamsSayingWhatWasExpected() {
        assertThat(fails("primitive", "{\"n\":\"abc\"}").getMessage())
                .isEqualTo("Invalid param 'n': expected int, got \"abc\"");
        assertThat(fails("sum", "{\"values\":{\"a\":1}}").getMessage())
                .isEqualTo("Invalid param 'values': expected List<Integer>, got {\"a\":1}");
        assertThat(fails("record", "{\"p\":[1,2]}").getMessage())
                .isEqualTo("Invalid param 'p': expected Point, got [1,2]");
        assertThat(fails("color", "{\"c\":\"BLUE\"}").code()).isEqualTo(RpcException.INVALID_PARAMS);
    }
}
