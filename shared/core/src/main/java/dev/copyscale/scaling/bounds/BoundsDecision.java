package dev.copyscale.scaling.bounds;

import dev.copyscale.scaling.capacity.InstancePlan;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Decision;
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
 * is not a trigger (StepScalingPolicyConfiguration.Cooldown). The decision's {@link
 * Decision#bounds} are set when the bounds must be written.
 */
public final class BoundsDecision {
  private BoundsDecision() {}

  public record Inputs(
      ScalingTarget target,
      BoundsRequest request,
      TargetState state,
      LiveCapacity live,
      Instant now) {}

  public static Decision decide(Inputs in) {
    ScalingTarget target = in.target();
    DeploymentSpec spec = target.spec();
    BoundsRequest request = in.request();
    int min = request.bounds().min();
    int max = request.bounds().max();
    LiveCapacity live = in.live();
    int capacity = in.state().intent().map(CapacityIntent::capacity).orElse(live.capacity());
    int to = Math.max(min, Math.min(max, capacity));
    List<String> limitedBy = new ArrayList<>();
    if (to != capacity) {
      // A window of min = max pins the count: it is neither "limited by" one bound nor the other.
      limitedBy.add(
          min == max
              ? "window [" + min + ", " + max + "]"
              : to == min ? "minCapacity " + min : "maxCapacity " + max);
    }
    Optional<InstancePlan> instances = target.plan(to, live.instances());
    if (instances.isPresent() && instances.get().limitedByGuardrail()) {
      InstancePlan limited = instances.get();
      to = Math.max(Math.min(capacity, to), limited.copiesThatFit());
      instances = target.plan(to, live.instances());
      limitedBy.add(
          "guardrails.maxInstances "
              + spec.guardrails().maxInstances()
              + " ("
              + target.packing().orElseThrow().limitNote(limited)
              + ")");
    }
    boolean boundsChange = live.minCapacity() != min || live.maxCapacity() != max;
    int instancesAsked =
        in.state().intent().flatMap(CapacityIntent::instances).orElse(live.instances());
    boolean countChange =
        to != capacity || instances.map(p -> p.to() != instancesAsked).orElse(false);
    Outcome outcome =
        !boundsChange && !countChange
            ? Outcome.NO_CHANGE
            : spec.guardrails().dryRun() ? Outcome.DRY_RUN : Outcome.SCALED;
    String reason =
        request.why()
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
        request
            .wakeUp()
            .entry(spec.targetName(), in.now())
            .capacity(capacity, to)
            .limitedBy(limitedBy)
            .outcome(outcome, reason)
            .build();
    TargetState next = in.state().next();
    if (request.override().isPresent()) {
      next = next.withOverride(request.override());
    }
    boolean writesCount = outcome == Outcome.SCALED && countChange;
    if (writesCount) {
      next =
          next.withIntent(Optional.of(CapacityIntent.of(to, instances, entry, Optional.empty())));
    }
    return new Decision(
        entry,
        next,
        instances,
        boundsChange && outcome == Outcome.SCALED
            ? Optional.of(request.bounds())
            : Optional.empty());
  }
}
