package dev.copyscale.twin.sim;

import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.world.TwinWorld;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The serving engines of several components of one endpoint, on one world: each serves its own
 * component's requests on its own copies, and at every 10-second period's end all of them publish
 * their metrics before the world moves on once, evaluates its alarms once, and each takes the
 * copies SageMaker serves now. One engine alone in a group runs exactly as it runs by itself.
 */
final class SharedEndpoint {
  private final TwinWorld world;
  private final Stack stack;
  private final List<ServingEngine> engines;
  private final LongConsumer beforeWorldMoves;

  /**
   * @param beforeWorldMoves told each period's end (engine time), after the engines published it
   *     and before the world moves to it: the world still shows the period's instances and copies
   */
  SharedEndpoint(
      TwinWorld world, Stack stack, List<ServingEngine> engines, LongConsumer beforeWorldMoves) {
    this.world = world;
    this.stack = stack;
    this.engines = List.copyOf(engines);
    this.beforeWorldMoves = beforeWorldMoves;
    long boundary = engines.get(0).nextBoundary();
    for (ServingEngine e : engines) {
      if (!e.origin().equals(engines.get(0).origin()) || e.nextBoundary() != boundary) {
        throw new IllegalArgumentException(
            "the engines of one endpoint must start together: "
                + e.componentName()
                + " starts at "
                + e.origin());
      }
      e.joinGroup(this);
    }
  }

  /** Moves every engine, and the world with them, to {@code until}. */
  void runUntil(long until) {
    while (true) {
      long boundary = engines.get(0).nextBoundary();
      if (boundary > until) {
        break;
      }
      // Everything before the period's end, then its end, as one engine alone orders them (and
      // integrates its gauges over the same spans).
      for (ServingEngine e : engines) {
        e.runEvents(boundary - 1, false);
      }
      for (ServingEngine e : engines) {
        e.publishPeriod(boundary);
      }
      beforeWorldMoves.accept(boundary);
      engines.get(0).advanceWorldTo(boundary);
      world.evaluateAlarms(stack);
      for (ServingEngine e : engines) {
        e.endPeriod(boundary);
      }
    }
    for (ServingEngine e : engines) {
      e.runEvents(until, true);
    }
  }

  /** Runs until every engine's requests have finished. */
  void drain() {
    while (engines.stream().anyMatch(e -> !e.idle())) {
      runUntil(engines.stream().mapToLong(ServingEngine::nextDrainStep).min().orElseThrow());
    }
  }
}
