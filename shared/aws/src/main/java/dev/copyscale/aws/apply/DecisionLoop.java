package dev.copyscale.aws.apply;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.observe.LiveView;
import dev.copyscale.aws.store.Retry;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.convergence.Convergence;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.scaling.state.WakeUp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one way every engine's decisions are made and applied, for one wake-up of one target:
 *
 * <ol>
 *   <li><b>handled?</b> EventBridge, Scheduler and Lambda deliver at least once: a wake-up whose
 *       event was handled gets the duplicate result, recorded when the event was delivered;
 *   <li><b>observe</b> the target's state and live capacity (the engine reads what else it needs);
 *   <li><b>decide</b>: the engine's pure decision;
 *   <li><b>commit</b> its ledger entry, the event id and the next state in one conditional write:
 *       of two invocations only one wins, and the other observes and decides again ({@link Retry});
 *   <li><b>apply</b>: the new bounds, if any, then the writes towards the capacity ({@link
 *       CapacityConvergence}); only the invocation that won the commit touches AWS.
 * </ol>
 *
 * A tick's decision that changes nothing is neither committed nor recorded.
 */
public final class DecisionLoop {
  private final StateStore store;
  private final CapacityWriter writer;
  private final BoundsWriter bounds;
  private final CapacityConvergence convergence;
  private final Clock clock;
  private final Duration retention;

  public DecisionLoop(
      StateStore store,
      CapacityWriter writer,
      BoundsWriter bounds,
      CapacityConvergence convergence,
      Clock clock,
      Duration retention) {
    this.store = store;
    this.writer = writer;
    this.bounds = bounds;
    this.convergence = convergence;
    this.clock = clock;
    this.retention = retention;
  }

  /** An engine's decision, from the target's state and live capacity at {@code now}. */
  @FunctionalInterface
  public interface Decide {
    Decision decide(TargetState state, LiveCapacity live, Instant now);
  }

  /** What an attempt came to: a result already, or a committed decision to apply. */
  private record Attempt(Optional<ScalingResult> done, Decision committed) {}

  public ScalingResult run(ScalingTarget target, WakeUp wakeUp, LiveView live, Decide decide) {
    Attempt attempt = Retry.onConflict(() -> attempt(target, wakeUp, live, decide));
    return attempt.done().orElseGet(() -> apply(target, attempt.committed(), live));
  }

  /** Continues the target's pending change, if it has one. */
  public Optional<ScalingResult> converge(ScalingTarget target, LiveView live) {
    return convergence.converge(target, live);
  }

  private Attempt attempt(ScalingTarget target, WakeUp wakeUp, LiveView live, Decide decide) {
    Instant now = clock.instant();
    if (store.handled(wakeUp.eventKey())) {
      return done(duplicate(target, wakeUp, now));
    }
    TargetState state = store.target(target.name());
    Decision decision = decide.decide(state, live.get(), now);
    if (wakeUp.tick() && decision.outcome() == Outcome.NO_CHANGE) {
      return done(ScalingResult.of(decision.entry(), decision.instances()));
    }
    try {
      if (!store.commit(
          wakeUp.eventKey(), decision.next(), decision.committed(), now.plus(retention))) {
        return done(duplicate(target, wakeUp, now));
      }
    } catch (StateStore.ConcurrentUpdateException e) {
      // Another invocation won the target and may have written to SageMaker since it was read.
      live.changed();
      throw e;
    }
    return new Attempt(Optional.empty(), decision);
  }

  private static Attempt done(ScalingResult result) {
    return new Attempt(Optional.of(result), null);
  }

  /**
   * Another delivery of this event was handled (or is being handled right now): nothing is written
   * to AWS, and a delivered event's repeat is recorded beside the first.
   */
  private ScalingResult duplicate(ScalingTarget target, WakeUp wakeUp, Instant now) {
    LedgerEntry entry = wakeUp.duplicate(target.name(), now);
    if (!wakeUp.tick()) {
      store.append(entry.asFollowUp(now, "repeat-" + now.toEpochMilli()), now.plus(retention));
    }
    return ScalingResult.of(entry, Optional.empty());
  }

  /** The bounds first, so Application Auto Scaling (native engine) does not undo the new count. */
  private ScalingResult apply(ScalingTarget target, Decision decision, LiveView live) {
    if (decision.bounds().isPresent()) {
      try {
        bounds.write(target.spec(), decision.bounds().get());
      } catch (SdkException e) {
        Convergence.GiveUp failed =
            Convergence.boundsNotSet(
                store.target(target.name()), decision, live.get(), AwsErrors.describe(e));
        store.saveTarget(failed.next());
        store.append(failed.entry(), clock.instant().plus(retention));
        return ScalingResult.of(failed.entry(), Optional.empty());
      }
    }
    if (!decision.startsChange()) {
      if (decision.outcome() == Outcome.SCALED) {
        writer.publish(decision.entry());
      }
      return ScalingResult.of(decision.entry(), decision.instances());
    }
    ScalingResult applied =
        convergence
            .converge(target, live)
            .orElse(ScalingResult.of(decision.entry(), decision.instances()));
    return applied.withInstances(decision.instances());
  }
}
