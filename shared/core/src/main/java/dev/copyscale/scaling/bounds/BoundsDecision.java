package dev.copyscale.scaling.bounds;

import dev.copyscale.scaling.capacity.InstancePlan;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the scheduled-scaling function decides when bounds arrive (a schedule window, or an
 * operator's override): the scalable target gets the new [min, max] and the count moves into them
 * at once, within guardrails, as Application Auto Scaling's scheduled actions do. A scheduled
 * change starts no cooldown: AWS documents the cooldown as the time after a scaling activity "where
 * previous trigger-related scaling activities can influence future scaling events", and a schedule
 * is not a trigger (StepScalingPolicyConfiguration.Cooldown).
 *
 * @param entry the ledger entry
 * @param next the target state to commit
 * @param boundsChange whether the scalable target's bounds must be written
 * @param countChange whether the count must move: {@code next} then holds the intent to converge
 */
public record BoundsDecision(
    LedgerEntry entry,
    TargetState next,
    boolean boundsChange,
    boolean countChange,
    Optional<InstancePlan> instances) {

  /**
   * @param source "schedule" or "override"
   * @param trigger what set the bounds ("schedule nights", "explicit bounds")
   * @param why the first part of the reason
   */
  public record Inputs(
      DeploymentSpec spec,
      int min,
      int max,
      String source,
      String trigger,
      String why,
      String eventKey,
      TargetState target,
      LiveCapacity live,
      Instant now) {}

  public Outcome outcome() {
    return entry.outcome();
  }

  public static BoundsDecision decide(Inputs in) {
    DeploymentSpec spec = in.spec();
    int min = in.min();
    int max = in.max();
    LiveCapacity live = in.live();
    int capacity = in.target().intent().map(CapacityIntent::capacity).orElse(live.capacity());
    int to = Math.max(min, Math.min(max, capacity));
    List<String> limitedBy = new ArrayList<>();
    if (to != capacity) {
      // A window of min = max pins the count: it is neither "limited by" one bound nor the other.
      limitedBy.add(
          min == max
              ? "window [" + min + ", " + max + "]"
              : to == min ? "minCapacity " + min : "maxCapacity " + max);
    }
    Optional<InstancePlan> instances = InstancePlan.of(spec, to, live.instances());
    if (instances.isPresent() && instances.get().limitedByGuardrail()) {
      InstancePlan limited = instances.get();
      to = Math.max(Math.min(capacity, to), limited.copiesThatFit());
      instances = InstancePlan.of(spec, to, live.instances());
      limitedBy.add(
          "guardrails.maxInstances "
              + spec.guardrails().maxInstances()
              + " ("
              + limited.limitNote(spec)
              + ")");
    }
    boolean boundsChange = live.minCapacity() != min || live.maxCapacity() != max;
    int instancesAsked =
        in.target().intent().flatMap(CapacityIntent::instances).orElse(live.instances());
    boolean countChange =
        to != capacity || instances.map(p -> p.to() != instancesAsked).orElse(false);
    Outcome outcome =
        !boundsChange && !countChange
            ? Outcome.NO_CHANGE
            : spec.guardrails().dryRun() ? Outcome.DRY_RUN : Outcome.SCALED;
    String reason =
        in.why()
            + ": bounds ["
            + live.minCapacity()
            + ", "
            + live.maxCapacity()
            + "] -> ["
            + min
            + ", "
            + max
            + "], "
            + spec.scaling().dimension().specValue()
            + " "
            + capacity
            + " -> "
            + to
            + instances
                .filter(p -> p.to() != instancesAsked)
                .map(p -> ", instances " + instancesAsked + " -> " + p.to())
                .orElse("")
            + (outcome == Outcome.DRY_RUN ? " (dry run, nothing written)" : "");
    LedgerEntry entry =
        LedgerEntry.builder(spec.name(), in.now(), in.eventKey(), in.source(), in.trigger())
            .state("[" + min + ", " + max + "]")
            .capacity(capacity, to)
            .limitedBy(limitedBy)
            .outcome(outcome, reason)
            .build();
    TargetState next = in.target().next();
    boolean writesCount = outcome == Outcome.SCALED && countChange;
    if (writesCount) {
      next =
          next.withIntent(Optional.of(CapacityIntent.of(to, instances, entry, Optional.empty())));
    }
    return new BoundsDecision(
        entry, next, boundsChange && outcome == Outcome.SCALED, writesCount, instances);
  }
}
