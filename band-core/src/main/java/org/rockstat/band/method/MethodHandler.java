package org.rockstat.band.method;

import org.rockstat.band.call.Call;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;

/**
 * A service method written as a lambda, for registering methods in plain code instead of with
 * annotations. Runs on its own virtual thread, so blocking is fine.
 *
 * <pre>{@code
 * Band.create(args)
 *     .method(MethodSpec.handler("ping"), call -> "pong")
 *     .method(MethodSpec.exposed("sum"), call ->
 *         call.params().get("a", Integer.class).orElse(0) + call.params().get("b", Integer.class).orElse(0))
 *     .start();
 * }</pre>
 */
@FunctionalInterface
public interface MethodHandler {
    /**
     * Handles one call. Return any JSON-serialisable value, a {@link Response}, a
     * {@code CompletionStage} of either, or {@code null}; throw {@link RpcException} for a
     * specific error code.
     */
    Object handle(Call call) throws Exception;
}
