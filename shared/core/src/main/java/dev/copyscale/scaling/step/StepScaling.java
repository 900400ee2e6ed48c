package dev.copyscale.scaling.step;

import dev.copyscale.scaling.capacity.Guardrail;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.step.StepDecision.Direction;
import dev.copyscale.spec.AdjustmentType;
import dev.copyscale.spec.DeploymentSpec.Step;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Step and simple scaling exactly as Application Auto Scaling documents it, as a pure function of
 * (policy, metric value, capacity, bounds, cooldowns, now):
 *
 * <ul>
 *   <li>breach = metric − threshold; above the threshold a step matches when lower ≤ breach &lt;
 *       upper, below it when lower &lt; breach ≤ upper; a missing bound is infinite;
 *   <li>ChangeInCapacity adds, ExactCapacity sets, PercentChangeInCapacity adds a percentage of the
 *       capacity, rounded as AAS does (above 1 down, between 0 and 1 to 1, between −1 and 0 to −1,
 *       below −1 up) and raised to minAdjustmentMagnitude;
 *   <li>during a scale-out cooldown the capacity the in-flight scale-out added counts as already
 *       there: a further scale-out happens only if it goes beyond it; after the cooldown, normally;
 *   <li>a scale-in waits for the scale-in cooldown; a scale-out may happen at once (and cancels
 *       it);
 *   <li>the result is clamped to the target's [min, max] and to the guardrail.
 * </ul>
 */
public final class StepScaling {
  private StepScaling() {}

  /** The inputs besides the policy. */
  public record Inputs(
      double metricValue,
      double threshold,
      boolean thresholdBelow,
      int capacity,
      int minCapacity,
      int maxCapacity,
      Guardrail guardrail,
      Cooldowns cooldowns,
      Instant now) {}

  public static StepDecision decide(StepPolicy policy, Inputs in) {
    double breach = in.metricValue() - in.threshold();
    Optional<Integer> stepIndex = match(policy.steps(), breach, in.thresholdBelow());
    if (stepIndex.isEmpty()) {
      return none(
          in,
          breach,
          Optional.empty(),
          0,
          "no step of policy " + policy.name() + " covers a breach of " + fmt(breach));
    }
    Step step = policy.steps().get(stepIndex.get());
    Duration cooldown = Duration.ofSeconds(policy.cooldownSeconds());
    int capacity = in.capacity();
    int fromNow = proposed(policy, step, capacity);

    if (fromNow < capacity) {
      Optional<Instant> lastIn = in.cooldowns().lastScaleIn();
      if (lastIn.isPresent() && in.now().isBefore(lastIn.get().plus(cooldown))) {
        return none(
            in,
            breach,
            stepIndex,
            fromNow - capacity,
            "scale-in cooldown until "
                + lastIn.get().plus(cooldown)
                + " blocks "
                + capacity
                + " -> "
                + fromNow);
      }
      return result(in, breach, stepIndex, fromNow, Direction.IN);
    }
    if (fromNow == capacity) {
      return none(
          in,
          breach,
          stepIndex,
          0,
          "step " + stepIndex.get() + " asks no change at capacity " + capacity);
    }
    // A scale-out. During the cooldown of the previous one, the capacity it added counts as already
    // there: the step is measured from the capacity before it, and only what goes beyond is added.
    Optional<Cooldowns.ScaleOut> inFlight =
        in.cooldowns()
            .lastScaleOut()
            .filter(o -> in.now().isBefore(o.at().plus(cooldown)) && o.from() < capacity);
    int proposed = inFlight.map(o -> proposed(policy, step, o.from())).orElse(fromNow);
    if (proposed <= capacity) {
      Cooldowns.ScaleOut o = inFlight.get();
      return none(
          in,
          breach,
          stepIndex,
          proposed - capacity,
          "the scale-out in progress ("
              + o.from()
              + " -> "
              + o.to()
              + ", cooldown until "
              + o.at().plus(cooldown)
              + ") already covers step "
              + stepIndex.get()
              + " ("
              + o.from()
              + " -> "
              + proposed
              + ")");
    }
    return result(in, breach, stepIndex, proposed, Direction.OUT);
  }

  /** A decision towards {@code proposed}, clamped to the bounds and guardrail. */
  private static StepDecision result(
      Inputs in, double breach, Optional<Integer> step, int proposed, Direction direction) {
    List<String> limitedBy = new ArrayList<>();
    int to = clamp(proposed, in, limitedBy);
    int from = in.capacity();
    boolean moves = direction == Direction.OUT ? to > from : to < from;
    if (!moves) {
      return new StepDecision(
          in.metricValue(),
          breach,
          step,
          proposed - from,
          from,
          proposed,
          from,
          limitedBy,
          Direction.NONE,
          false,
          "capacity "
              + from
              + " is already at "
              + String.join(" and ", limitedBy)
              + " (step "
              + step.get()
              + " asked "
              + proposed
              + ")");
    }
    return new StepDecision(
        in.metricValue(),
        breach,
        step,
        proposed - from,
        from,
        proposed,
        to,
        limitedBy,
        direction,
        true,
        "step "
            + step.get()
            + " (breach "
            + fmt(breach)
            + "): capacity "
            + from
            + " -> "
            + to
            + limits(limitedBy));
  }

  /** The capacity a step asks for, measured from {@code capacity}. */
  private static int proposed(StepPolicy policy, Step step, int capacity) {
    return policy.adjustmentType() == AdjustmentType.EXACT_CAPACITY
        ? step.adjustment()
        : capacity + adjustment(policy, step, capacity);
  }

  private static StepDecision none(
      Inputs in, double breach, Optional<Integer> step, int adjustment, String reason) {
    return new StepDecision(
        in.metricValue(),
        breach,
        step,
        adjustment,
        in.capacity(),
        in.capacity(),
        in.capacity(),
        List.of(),
        Direction.NONE,
        false,
        reason);
  }

  /** The step whose interval holds the breach, with AAS's inclusive/exclusive ends. */
  static Optional<Integer> match(List<Step> steps, double breach, boolean below) {
    for (int i = 0; i < steps.size(); i++) {
      double lower = steps.get(i).lower().orElse(Double.NEGATIVE_INFINITY);
      double upper = steps.get(i).upper().orElse(Double.POSITIVE_INFINITY);
      boolean inside =
          below ? lower < breach && breach <= upper : lower <= breach && breach < upper;
      if (inside) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** The change in capacity a step asks, from {@code capacity}. */
  static int adjustment(StepPolicy policy, Step step, int capacity) {
    return switch (policy.adjustmentType()) {
      case EXACT_CAPACITY -> step.adjustment() - capacity;
      case PERCENT_CHANGE_IN_CAPACITY ->
          percentChange(capacity, step.adjustment(), policy.minAdjustmentMagnitude().orElse(0));
      case CHANGE_IN_CAPACITY -> step.adjustment();
    };
  }

  /**
   * The change a PercentChangeInCapacity step of {@code percent} asks from {@code capacity}:
   * rounded as AAS rounds it, and at least {@code minAdjustmentMagnitude} either way (0: none).
   */
  public static int percentChange(int capacity, int percent, int minAdjustmentMagnitude) {
    int rounded = roundPercent(capacity * percent / 100.0);
    return Math.abs(rounded) < minAdjustmentMagnitude
        ? (int) Math.signum(percent) * minAdjustmentMagnitude
        : rounded;
  }

  /** AAS's rounding of a percent change: above 1 down, (0, 1) to 1, (−1, 0) to −1, below −1 up. */
  static int roundPercent(double change) {
    if (change > 1) {
      return (int) Math.floor(change);
    }
    if (change > 0) {
      return 1;
    }
    if (change == 0) {
      return 0;
    }
    if (change > -1) {
      return -1;
    }
    return (int) Math.ceil(change);
  }

  private static int clamp(int proposed, Inputs in, List<String> limitedBy) {
    int to = proposed;
    if (to > in.maxCapacity()) {
      to = in.maxCapacity();
      limitedBy.add("maxCapacity " + in.maxCapacity());
    }
    if (to > in.guardrail().max()) {
      to = in.guardrail().max();
      limitedBy.add(in.guardrail().label());
    }
    if (to < in.minCapacity()) {
      to = in.minCapacity();
      limitedBy.add("minCapacity " + in.minCapacity());
    }
    return to;
  }

  private static String limits(List<String> limitedBy) {
    return limitedBy.isEmpty() ? "" : " (limited by " + String.join(", ", limitedBy) + ")";
  }

  private static String fmt(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
