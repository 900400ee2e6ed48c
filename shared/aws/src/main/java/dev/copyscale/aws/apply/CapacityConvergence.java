package dev.copyscale.aws.apply;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.observe.LiveView;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.convergence.Convergence;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.TargetState;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Moves a target towards the capacity its last decision asked for, as far as SageMaker lets it now;
 * the per-minute ticks call it again until the target is there. What each round does is {@link
 * Convergence#round}'s, a pure function; this class reads, claims each write by a conditional write
 * of the target state (so two invocations never make the same write), writes, and records.
 */
public final class CapacityConvergence {
  /** Writes in one invocation: a change takes at most instances, then copies, then instances. */
  static final int MAX_ROUNDS = 6;

  private final StateStore store;
  private final CapacityWriter writer;
  private final Clock clock;
  private final Duration retention;

  public CapacityConvergence(
      StateStore store, CapacityWriter writer, Clock clock, Duration retention) {
    this.store = store;
    this.writer = writer;
    this.clock = clock;
    this.retention = retention;
  }

  /** Continues the target's pending change; empty when it has none. */
  public Optional<ScalingResult> converge(ScalingTarget target, LiveView live) {
    ScalingResult last = null;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      TargetState state = store.target(target.name());
      if (state.intent().isEmpty()) {
        return Optional.ofNullable(last);
      }
      LiveCapacity now = live.get();
      try {
        Convergence.Round next = Convergence.round(state, now, clock.instant(), target);
        if (next instanceof Convergence.Finished f) {
          store.saveTarget(f.next());
          if (f.record().isEmpty()) {
            return Optional.of(last != null ? last : result(f.entry(), now));
          }
          record(f.entry());
          writer.publish(f.entry());
          return Optional.of(result(f.entry(), now));
        }
        if (next instanceof Convergence.Waiting w) {
          w.record().ifPresent(this::record);
          return Optional.of(result(w.entry(), now));
        }
        if (next instanceof Convergence.GiveUp g) {
          last = giveUp(g, now);
          continue;
        }
        Convergence.Write w = (Convergence.Write) next;
        store.saveTarget(w.claim());
        try {
          writer.write(target.spec(), w.step());
          live.changed();
        } catch (SdkException | IllegalStateException e) {
          live.changed();
          boolean retryable = e instanceof SdkException sdk && AwsErrors.retryable(sdk);
          String error = e instanceof SdkException sdk ? AwsErrors.describe(sdk) : e.getMessage();
          Convergence.Round refused =
              Convergence.refused(store.target(target.name()), now, target, error, retryable);
          if (refused instanceof Convergence.Waiting waiting) {
            waiting.record().ifPresent(this::record);
            return Optional.of(result(waiting.entry(), now));
          }
          last = giveUp((Convergence.GiveUp) refused, now);
        }
      } catch (ConcurrentUpdateException e) {
        // Another invocation moved this target meanwhile: look again.
        live.changed();
      }
    }
    return Optional.ofNullable(last);
  }

  private ScalingResult giveUp(Convergence.GiveUp g, LiveCapacity live) {
    store.saveTarget(g.next());
    record(g.entry());
    return result(g.entry(), live);
  }

  private void record(LedgerEntry entry) {
    store.append(entry, clock.instant().plus(retention));
  }

  private static ScalingResult result(LedgerEntry e, LiveCapacity live) {
    return ScalingResult.of(e, live.instances());
  }
}
