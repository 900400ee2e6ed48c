package dev.copyscale.scaling.convergence;

import dev.copyscale.scaling.capacity.InstancePlan;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How a target moves towards the capacity its last decision asked for ({@link CapacityIntent}), one
 * SageMaker write at a time, decided round by round from the target state, the live capacity and
 * the time. The writes go in the order SageMaker accepts: the copies the running instances hold
 * first, then instances up before the rest of the copies (copies need somewhere to go), copies down
 * before instances (an instance is released only once its copies are gone), and nothing while the
 * endpoint or the component is still applying the previous change.
 *
 * <p>A change SageMaker refuses for good, or does not reach within {@link #GIVE_UP_AFTER}, is given
 * up and undone ({@link #giveUp}): the decision's ledger entry becomes FAILED, instances raised for
 * copies that never came are released, and the cooldown it started is withdrawn if no later
 * decision replaced it.
 */
public final class Convergence {
  /**
   * A change not reached in this long is abandoned and undone. ASSUMED: AWS publishes no upper
   * bound on an inference component's start; its published end-to-end start-up P50s are 3 to 9
   * minutes (docs/simulation.md), so half an hour is several times the slowest.
   */
  public static final Duration GIVE_UP_AFTER = Duration.ofMinutes(30);

  /**
   * How long a claimed write is left to the invocation that claimed it. The claim is saved before
   * the write, so another invocation can read the claim while SageMaker does not show the write
   * yet; within this time it leaves the write to the claimant instead of making it again. It spans
   * the claimant's own retries of a throttled write (CapacityWriter's back-off, 52 s in all), and
   * the per-minute tick after a claimant that died writes it again.
   */
  public static final Duration CLAIM_LEASE = Duration.ofMinutes(1);

  private Convergence() {}

  /** One write towards the intent, or why there is none. */
  public sealed interface Step permits SetInstances, SetCopies, Wait, Done {}

  public record SetInstances(int count) implements Step {}

  public record SetCopies(int count) implements Step {}

  public record Wait(String why) implements Step {}

  public record Done() implements Step {}

  /** What one round of converging does. */
  public sealed interface Round permits Finished, Waiting, Write, GiveUp {}

  /**
   * The target has what was asked: {@code next} drops the intent; {@code record} is the decision's
   * entry to keep and publish (empty when the intent was an undo, whose entry already says FAILED).
   */
  public record Finished(TargetState next, LedgerEntry entry, Optional<LedgerEntry> record)
      implements Round {}

  /**
   * Nothing to write now; the intent stays for the next tick. {@code record}: the decision's entry
   * saying where it stands (empty for an undo).
   */
  public record Waiting(LedgerEntry entry, Optional<LedgerEntry> record) implements Round {}

  /** Claim the write by saving {@code claim} (of two invocations only one does), then write. */
  public record Write(TargetState claim, Step step) implements Round {}

  /** The change is given up: save {@code next}, record {@code entry}. */
  public record GiveUp(TargetState next, LedgerEntry entry) implements Round {}

  /**
   * The next round for {@code state}, which has an intent, given the live capacity and the time.
   */
  public static Round round(
      TargetState state, LiveCapacity live, Instant now, ScalingTarget target) {
    CapacityIntent intent = state.intent().orElseThrow();
    LedgerEntry decision = intent.decision();
    boolean undo = decision.outcome() == Outcome.FAILED;
    // An undo only releases instances: it runs until done.
    if (!undo && now.isAfter(decision.at().plus(GIVE_UP_AFTER))) {
      return giveUp(
          state,
          live,
          target,
          "SageMaker did not reach it within " + GIVE_UP_AFTER.toMinutes() + " minutes");
    }
    Step step = next(intent, target.spec().scaling().dimension(), live);
    if (step instanceof Done) {
      // The decision's entry ends with when SageMaker had the change.
      LedgerEntry done = undo ? decision : decision.doneAt(now);
      return new Finished(
          state.withIntent(Optional.empty()).next(),
          done,
          undo ? Optional.empty() : Optional.of(done));
    }
    if (step instanceof Wait wait) {
      return pending(decision, wait.why());
    }
    String write = describe(step);
    Optional<CapacityIntent.Claim> claimed =
        intent
            .claim()
            .filter(c -> c.write().equals(write) && now.isBefore(c.at().plus(CLAIM_LEASE)));
    if (claimed.isPresent()) {
      // Another invocation claimed this very write and SageMaker does not show it yet: its write
      // is on the way. Nothing to record; the claimant records where the decision stands.
      String why = write + " claimed by another invocation at " + claimed.get().at();
      return new Waiting(pending(decision, why).entry(), Optional.empty());
    }
    return new Write(state.withIntent(Optional.of(intent.claimed(write, now))).next(), step);
  }

  /** A write as a claim names it. */
  static String describe(Step step) {
    if (step instanceof SetCopies c) {
      return "copies " + c.count();
    }
    return "instances " + ((SetInstances) step).count();
  }

  /**
   * A write SageMaker refused: one it may take later (throttling, another change in progress) waits
   * for the next tick; any other gives the change up.
   */
  public static Round refused(
      TargetState state, LiveCapacity live, ScalingTarget target, String error, boolean retryable) {
    if (retryable) {
      return pending(
          state.intent().orElseThrow().decision(),
          "SageMaker refused for now (" + error + "); the next tick retries");
    }
    return giveUp(state, live, target, "writing it failed: " + error);
  }

  /**
   * A decision whose bounds Application Auto Scaling refused: it is recorded FAILED with the count
   * unchanged, and no copies are written (the reconcile tick applies the window again).
   */
  public static GiveUp boundsNotSet(
      TargetState state, Decision decision, LiveCapacity live, String error) {
    LedgerEntry failed =
        decision
            .entry()
            .withCapacity(live.capacity(), live.capacity())
            .withOutcome(
                Outcome.FAILED,
                decision.entry().reason()
                    + "; not done: setting the bounds failed: "
                    + error
                    + "; the reconcile tick retries");
    return new GiveUp(state.withIntent(Optional.empty()).next(), failed);
  }

  /** The decision's entry says where it stands; an undo's entry already does. */
  static Waiting pending(LedgerEntry decision, String why) {
    if (decision.outcome() == Outcome.FAILED) {
      return new Waiting(decision, Optional.empty());
    }
    LedgerEntry waiting =
        decision.withOutcome(Outcome.PENDING, decision.reason() + "; in progress: " + why);
    return new Waiting(waiting, Optional.of(waiting));
  }

  /**
   * Gives up the change {@code state}'s intent asks for: its entry becomes FAILED with the copies
   * that are there; instances those copies do not need are released (a new intent, the undo,
   * converged by this and later ticks); the decision's cooldown is withdrawn if it is still the
   * newest. An undo that fails itself is dropped with a note.
   */
  public static GiveUp giveUp(
      TargetState state, LiveCapacity live, ScalingTarget target, String why) {
    CapacityIntent intent = state.intent().orElseThrow();
    LedgerEntry decision = intent.decision();
    if (decision.outcome() == Outcome.FAILED) {
      LedgerEntry note =
          decision.withOutcome(
              Outcome.FAILED, decision.reason() + "; releasing the instances failed too: " + why);
      return new GiveUp(state.withIntent(Optional.empty()).next(), note);
    }
    Optional<InstancePlan> back =
        target.plan(live.capacity(), live.instances()).filter(InstancePlan::changes);
    String undone =
        back.map(
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
        back.map(p -> CapacityIntent.of(live.capacity(), Optional.of(p), failed, Optional.empty()));
    Cooldowns before = intent.cooldownsBefore().orElse(state.cooldowns());
    Cooldowns started = before.afterChange(decision.at(), decision.from(), decision.to());
    Cooldowns cooldowns = state.cooldowns().equals(started) ? before : state.cooldowns();
    return new GiveUp(state.withIntent(undo).withCooldowns(cooldowns).next(), failed);
  }

  /**
   * The next write towards {@code intent}, in the order SageMaker accepts (see the class comment).
   */
  public static Step next(CapacityIntent intent, Dimension dimension, LiveCapacity live) {
    if (dimension == Dimension.INSTANCES) {
      if (live.capacity() == intent.capacity()) {
        return new Done();
      }
      return live.endpointInService() ? new SetInstances(intent.capacity()) : waitEndpoint(live);
    }
    int instances = intent.instances().orElse(live.instances());
    if (live.capacity() == intent.capacity() && live.instances() == instances) {
      return new Done();
    }
    if (instances > live.instances()) {
      // Copies that fit the instances already running go first: they serve minutes before a new
      // instance would.
      int fitNow = Math.min(intent.capacity(), live.instances() * intent.copiesPerInstance());
      if (live.capacity() < fitNow && live.endpointInService() && live.componentInService()) {
        return new SetCopies(fitNow);
      }
      return live.endpointInService() ? new SetInstances(instances) : waitEndpoint(live);
    }
    if (live.capacity() != intent.capacity()) {
      if (!live.endpointInService()) {
        return waitEndpoint(live);
      }
      if (!live.componentInService()) {
        return new Wait(
            "inference component is "
                + live.componentStatus().orElse("missing")
                + "; copies change once it is InService");
      }
      return new SetCopies(intent.capacity());
    }
    // Copies are where they should be; release instances once the component has settled.
    if (!live.endpointInService()) {
      return waitEndpoint(live);
    }
    if (!live.componentInService()) {
      return new Wait(
          "inference component is "
              + live.componentStatus().orElse("missing")
              + "; instances are released once its copies are gone");
    }
    return new SetInstances(instances);
  }

  private static Wait waitEndpoint(LiveCapacity live) {
    return new Wait(
        "endpoint is "
            + live.endpointStatus()
            + "; SageMaker takes the next change once it is InService");
  }
}
