package dev.copyscale.aws.scaling;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import dev.copyscale.scaling.capacity.InstancePlan;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.convergence.Convergence;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Moves a target towards the capacity its last decision asked for ({@link CapacityIntent}), one
 * SageMaker write at a time in {@link Convergence}'s order, as far as SageMaker lets it now; the
 * per-minute ticks call it again until the target is there. Each write is claimed first by a
 * conditional write of the target state, so two invocations never make the same write. A write
 * SageMaker refuses for good is undone: instances raised for copies that could not be added are
 * released again, the decision's ledger entry becomes FAILED, and the cooldown it started is
 * withdrawn if no later decision replaced it.
 */
public final class CapacityConvergence {
  /**
   * A change not reached in this long is abandoned and undone (ASSUMED: SageMaker's own start-up
   * P99 is well inside it).
   */
  public static final Duration GIVE_UP_AFTER = Duration.ofMinutes(30);

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

  /**
   * Applies a decision: its ledger entry, the event id and the next target state in one conditional
   * write, then, if it scales, the writes towards it. Only the invocation that wins the write
   * touches SageMaker. Empty when the event was handled already (a duplicate delivery); throws
   * {@link ConcurrentUpdateException} when the target changed since it was read (decide again).
   */
  public Optional<ScalingResult> apply(
      DeploymentSpec spec,
      String eventKey,
      LedgerEntry entry,
      TargetState next,
      Optional<InstancePlan> instances) {
    boolean scaling = entry.outcome() == Outcome.SCALED;
    LedgerEntry recorded = scaling ? entry.withOutcome(Outcome.PENDING, entry.reason()) : entry;
    if (!store.commit(eventKey, next, recorded, clock.instant().plus(retention))) {
      return Optional.empty();
    }
    if (!scaling) {
      return Optional.of(ScalingResult.of(entry, instances));
    }
    ScalingResult applied = converge(spec).orElse(ScalingResult.of(entry, instances));
    return Optional.of(
        new ScalingResult(
            applied.deployment(),
            applied.trigger(),
            applied.outcome(),
            applied.from(),
            applied.to(),
            instances.map(InstancePlan::from),
            instances.map(InstancePlan::to),
            applied.reason()));
  }

  /** Continues the target's pending change; empty when it has none. */
  public Optional<ScalingResult> converge(DeploymentSpec spec) {
    ScalingResult last = null;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      TargetState target = store.target(spec.name());
      if (target.intent().isEmpty()) {
        return Optional.ofNullable(last);
      }
      CapacityIntent intent = target.intent().get();
      LedgerEntry decision = intent.decision();
      LiveCapacity live = writer.read(spec);
      Instant now = clock.instant();
      try {
        // An undo (its entry already FAILED) only releases instances: it runs until done.
        if (decision.outcome() != Outcome.FAILED
            && now.isAfter(decision.at().plus(GIVE_UP_AFTER))) {
          last =
              fail(
                  spec,
                  target,
                  live,
                  "SageMaker did not reach it within " + GIVE_UP_AFTER.toMinutes() + " minutes");
          continue;
        }
        Convergence.Step step = Convergence.next(intent, spec.scaling().dimension(), live);
        if (step instanceof Convergence.Done) {
          store.saveTarget(target.withIntent(Optional.empty()).next());
          if (decision.outcome() == Outcome.FAILED) {
            return Optional.of(last != null ? last : result(decision, live));
          }
          LedgerEntry done = decision.doneAt(now);
          store.append(done, now.plus(retention));
          writer.publish(done);
          return Optional.of(result(done, live));
        }
        if (step instanceof Convergence.Wait wait) {
          return Optional.of(pending(decision, live, wait.why()));
        }
        // Claim the write: of two invocations moving this target, only one makes it.
        store.saveTarget(target.next());
        try {
          writer.write(spec, step);
        } catch (SdkException | IllegalStateException e) {
          if (e instanceof SdkException sdk && AwsErrors.retryable(sdk)) {
            return Optional.of(
                pending(
                    decision,
                    live,
                    "SageMaker refused for now ("
                        + AwsErrors.describe(sdk)
                        + "); the next tick retries"));
          }
          last =
              fail(
                  spec,
                  store.target(spec.name()),
                  live,
                  "writing it failed: "
                      + (e instanceof SdkException sdk ? AwsErrors.describe(sdk) : e.getMessage()));
        }
      } catch (ConcurrentUpdateException e) {
        // Another invocation moved this target meanwhile: look again.
      }
    }
    return Optional.ofNullable(last);
  }

  /** The decision's entry says where it stands; the intent stays for the next tick. */
  private ScalingResult pending(LedgerEntry decision, LiveCapacity live, String why) {
    if (decision.outcome() == Outcome.FAILED) {
      // Undoing a failed change: its entry already says so.
      return result(decision, live);
    }
    LedgerEntry waiting =
        decision.withOutcome(Outcome.PENDING, decision.reason() + "; in progress: " + why);
    store.append(waiting, clock.instant().plus(retention));
    return result(waiting, live);
  }

  /**
   * Gives up a change: the entry becomes FAILED; instances the copies that are there do not need
   * are released (a new intent, converged by this and later ticks); the decision's cooldown is
   * withdrawn if it is still the newest.
   */
  private ScalingResult fail(
      DeploymentSpec spec, TargetState target, LiveCapacity live, String why) {
    CapacityIntent intent = target.intent().orElseThrow();
    LedgerEntry decision = intent.decision();
    if (decision.outcome() == Outcome.FAILED) {
      LedgerEntry note =
          decision.withOutcome(
              Outcome.FAILED, decision.reason() + "; releasing the instances failed too: " + why);
      store.saveTarget(target.withIntent(Optional.empty()).next());
      store.append(note, clock.instant().plus(retention));
      return result(note, live);
    }
    Optional<InstancePlan> back = InstancePlan.of(spec, live.capacity(), live.instances());
    String undone =
        back.filter(InstancePlan::changes)
            .map(
                p ->
                    "; instances "
                        + p.from()
                        + " -> "
                        + p.to()
                        + " to match the "
                        + live.capacity()
                        + " copies there")
            .orElse("");
    LedgerEntry failed =
        decision
            .withCapacity(decision.from(), live.capacity())
            .withOutcome(Outcome.FAILED, decision.reason() + "; not done: " + why + undone);
    Optional<CapacityIntent> undo =
        back.filter(InstancePlan::changes)
            .map(p -> CapacityIntent.of(live.capacity(), Optional.of(p), failed, Optional.empty()));
    Cooldowns cooldowns = target.cooldowns();
    Cooldowns started =
        cooldownsBefore(intent, target).afterChange(decision.at(), decision.from(), decision.to());
    if (cooldowns.equals(started)) {
      cooldowns = cooldownsBefore(intent, target);
    }
    store.saveTarget(target.withIntent(undo).withCooldowns(cooldowns).next());
    store.append(failed, clock.instant().plus(retention));
    return result(failed, live);
  }

  /** The cooldowns before the decision: what they would be had it not scaled. */
  private static Cooldowns cooldownsBefore(CapacityIntent intent, TargetState target) {
    return intent.cooldownsBefore().orElse(target.cooldowns());
  }

  private static ScalingResult result(LedgerEntry e, LiveCapacity live) {
    return new ScalingResult(
        Optional.of(e.deployment()),
        e.trigger(),
        e.outcome(),
        e.from(),
        e.to(),
        Optional.of(live.instances()),
        Optional.empty(),
        e.reason());
  }
}
