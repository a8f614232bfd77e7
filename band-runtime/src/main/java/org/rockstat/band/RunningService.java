package org.rockstat.band;

import java.util.concurrent.CompletionStage;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.runtime.ServiceAssembly;

/**
 * A started Band service, from {@link Band#start()}: its HTTP port, its RPC client, whether it is
 * subscribed yet, and a graceful stop.
 *
 * <pre>{@code
 * try (RunningService service = Band.create(Path.of(".")).service(new UaService()).start()) {
 *     service.ready().toCompletableFuture().join();     // subscribed to its channels
 *     Object geo = service.rpc().call("mmgeo", "enrich", Map.of("ip", ip), Duration.ofMillis(500));
 * }
 * }</pre>
 */
public final class RunningService implements AutoCloseable {
    private final ServiceAssembly assembly;

    RunningService(ServiceAssembly assembly) {
        this.assembly = assembly;
    }

    /** The service's name. */
    public String name() {
        return assembly.config().name();
    }

    /** The loaded settings. */
    public Settings settings() {
        return assembly.settings();
    }

    /** The port HTTP listens on (the real one when {@code listen} asked for port 0). */
    public int httpPort() {
        return assembly.httpPort();
    }

    /**
     * The client for calling other services over the platform's transport (Redis, or the
     * in-process bus without a {@code redis_dsn}). Service methods can also declare an
     * {@code RpcClient} parameter.
     */
    public RpcClient rpc() {
        return assembly.client();
    }

    /**
     * Completes once every channel is subscribed for the first time: at once on the in-process
     * bus, when Redis first answers otherwise. It never fails because Redis is down: it waits.
     */
    public CompletionStage<Void> ready() {
        return assembly.ready().minimalCompletionStage();
    }

    /**
     * Runs the task named {@code name} now, outside its schedule (which goes on unchanged), after
     * a run in progress ends, so runs never overlap. For tests and tools; a failure is logged as
     * a scheduled run's is.
     *
     * <pre>{@code
     * service.runTask("refresh").toCompletableFuture().get(5, TimeUnit.SECONDS);  // throws what the task threw
     * }</pre>
     *
     * @param name the Java method's name for {@code @Task}, the given name for
     *     {@link Band#task(String, org.rockstat.band.job.Schedule, org.rockstat.band.job.Job)}
     * @return completes when the run ended; fails with what the task threw
     * @throws IllegalArgumentException naming the service's tasks when none has that name
     */
    public CompletionStage<Void> runTask(String name) {
        return assembly.lifecycle().runTask(name).minimalCompletionStage();
    }

    /**
     * Completes once the worker named {@code name} has begun running (at once if it already has).
     *
     * @throws IllegalArgumentException naming the service's workers when none has that name
     */
    public CompletionStage<Void> workerStarted(String name) {
        return assembly.lifecycle().workerStarted(name).minimalCompletionStage();
    }

    /**
     * Completes when the worker named {@code name} has returned, or stopped at shutdown; fails
     * with what it threw.
     *
     * @throws IllegalArgumentException naming the service's workers when none has that name
     */
    public CompletionStage<Void> workerFinished(String name) {
        return assembly.lifecycle().workerFinished(name).minimalCompletionStage();
    }

    /** Stops gracefully: no new calls, workers and tasks end, cleanups run. Idempotent. */
    public void stop() {
        assembly.stop();
    }

    /** Blocks until {@link #stop()} has finished (another thread, or the shutdown hook, calls it). */
    public void await() {
        try {
            assembly.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Same as {@link #stop()}, for try-with-resources. */
    @Override
    public void close() {
        stop();
    }
}
