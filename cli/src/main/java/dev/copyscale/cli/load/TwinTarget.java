package dev.copyscale.cli.load;

import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.runtime.RuntimeTwin;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.sim.ServingEngine;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;

/**
 * The twin as a load target: its SageMaker Runtime serves the requests in virtual time, and time
 * moves only while the driver waits, so a load of minutes runs in moments while alarms fire,
 * policies run and copies start as they would.
 */
public final class TwinTarget implements LoadTarget {
  private final RuntimeTwin runtime;
  private final RuntimeSender sender;

  public TwinTarget(
      TwinWorld world, Stack stack, String endpoint, String component, Serving serving, long seed) {
    this.runtime = new RuntimeTwin(world, stack, component, serving, seed);
    this.sender = new RuntimeSender(runtime, runtime.clock(), endpoint, component);
  }

  public ServingEngine engine() {
    return runtime.engine();
  }

  @Override
  public boolean aws() {
    return false;
  }

  @Override
  public Clock clock() {
    return runtime.clock();
  }

  @Override
  public void send(String body, boolean stream, BlockingQueue<Outcome> done) {
    sender.send(body, stream, done);
  }

  @Override
  public void waitUntil(Instant at) {
    runtime.runUntil(at);
  }

  /**
   * Moves virtual time event by event until a request finishes (its callback runs on this thread,
   * in the engine).
   */
  @Override
  public void awaitOutcome(BlockingQueue<Outcome> done) {
    while (done.isEmpty() && !runtime.idle()) {
      ServingEngine engine = runtime.engine();
      engine.runUntil(engine.nextEventAt());
    }
  }

  /**
   * Lets the world finish the 10-second period the load ended in, so the alarms see its last
   * datapoint.
   */
  public void finishPeriod() {
    runtime.engine().finishPeriod();
  }

  @Override
  public void close() {}
}
