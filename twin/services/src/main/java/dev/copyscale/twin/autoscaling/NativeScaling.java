package dev.copyscale.twin.autoscaling;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.model.StepAdjustment;
import software.amazon.awssdk.services.applicationautoscaling.model.StepScalingPolicyConfiguration;

/**
 * The decisions Application Auto Scaling takes when an alarm invokes one of its policies, as pure
 * functions (no clock, no client): step scaling ({@link #step}) and target tracking ({@link
 * #targetTracking}). Both are written from AWS's documentation and deliberately share no code with
 * copyscale's own step rules (shared/core's StepScaling), so that "native vs orchestrated" in
 * {@code copyscale simulate} compares two implementations rather than one with itself; the
 * differential test (NativeStepDifferentialTest) checks that they agree.
 *
 * <p>Target tracking, as the Application Auto Scaling User Guide ("How target tracking scaling for
 * Application Auto Scaling works", "Define cooldown periods") documents it:
 *
 * <ul>
 *   <li>AlarmHigh scales out in proportion to the metric: {@code ceil(capacity × metric / target)};
 *   <li>during the scale-out cooldown the capacity the in-flight scale-out added counts as already
 *       there: the proportional capacity is measured from the capacity before that scale-out, and
 *       the policy scales out again only if that asks for more than the in-flight scale-out
 *       reached;
 *   <li>AlarmLow (the metric at least 10 % below the target for 15 minutes) scales in to {@code
 *       ceil(capacity × metric / target)}: the fewest units at which the metric is expected to stay
 *       at or below the target, so the policy never removes capacity that would push the metric
 *       above the target (the guide's conservative rule). No per-step limit on top of that: the
 *       twin assumes the gradual pace comes from the 15-minute low alarm and the scale-in cooldown;
 *   <li>a scale-in waits for the scale-in cooldown, which a scale-out ends (the guide's rule); the
 *       guide puts no other block on scale-in, so none is added;
 *   <li>never from 0: with no capacity there is no per-unit metric to track (SageMaker: "you must
 *       use step scaling if you want to enable an endpoint to scale out from zero");
 *   <li>never below the minimum nor above the maximum; no scale-in when DisableScaleIn.
 * </ul>
 */
public final class NativeScaling {
  /**
   * The cooldown when a policy names none: 300 s (API Reference, StepScalingPolicyConfiguration
   * "Cooldown ... If not specified, the default value is 300"; for target tracking documented for
   * SageMaker endpoint variants, assumed for inference components).
   */
  public static final int DEFAULT_COOLDOWN_SECONDS = 300;

  /**
   * Keeps ceil(4 × 25 / 20) at 5 although the floating-point quotient may come out a hair above.
   */
  private static final double EPSILON = 1e-9;

  private NativeScaling() {}

  /**
   * What cooldowns need from a target's earlier changes by native policies: the latest scale-out
   * (when, from which capacity to which) and the latest scale-in after it. A scale-out ends the
   * scale-in cooldown ("the scale-in cooldown period stops and doesn't complete"), so it clears the
   * scale-in.
   */
  public record History(Optional<ScaleOut> lastScaleOut, Optional<Instant> lastScaleIn) {
    public static final History NONE = new History(Optional.empty(), Optional.empty());

    /** One scale-out: when, and from which capacity to which. */
    public record ScaleOut(Instant at, int from, int to) {}

    /** The history after capacity moved from {@code from} to {@code to} at {@code at}. */
    public History after(Instant at, int from, int to) {
      if (to > from) {
        return new History(Optional.of(new ScaleOut(at, from, to)), Optional.empty());
      }
      return to < from ? new History(lastScaleOut, Optional.of(at)) : this;
    }
  }

  /**
   * A step policy's decision: the step adjustment that matched (its index, or -1), the capacity
   * before, the capacity the adjustment asks for (before min/max), the capacity after, and why.
   */
  public record StepOutcome(
      int stepIndex, int from, int desired, int to, boolean scaled, String reason) {}

  /**
   * What a step (or simple) scaling policy does when its alarm invokes it with a breaching value,
   * from the policy's StepScalingPolicyConfiguration as PutScalingPolicy stored it. The rules, from
   * the Application Auto Scaling API Reference (StepAdjustment, StepScalingPolicyConfiguration) and
   * User Guide ("How step scaling for Application Auto Scaling works"):
   *
   * <ul>
   *   <li>the bounds are offsets from the alarm threshold; on the breaching side of a scale-out
   *       alarm (metric above the threshold) the lower bound is inclusive and the upper exclusive,
   *       below the threshold the lower is exclusive and the upper inclusive; a null bound is
   *       infinite. At exactly the threshold the alarm's direction says which side: an
   *       ...OrEqualToThreshold alarm fires there, and the API's own examples ("greater than or
   *       equal to 50 and less than 60: lower bound 0" / "greater than 40 and less than or equal to
   *       50: upper bound 0") put 50 in the step of that direction;
   *   <li>ChangeInCapacity adds the adjustment, ExactCapacity sets it, PercentChangeInCapacity adds
   *       that percentage of the capacity, rounded: above 1 down, between 0 and 1 to 1, between −1
   *       and 0 to −1, below −1 up; a change smaller than MinAdjustmentMagnitude is raised to it;
   *   <li>Cooldown (default 300 s) after a scale-out: "capacity added by the initiating scale-out
   *       activity is calculated as part of the desired capacity for the next scale-out activity"
   *       (their example: +2, then +3 during the cooldown adds 1). So the step is applied to the
   *       capacity as it was before that scale-out (the added copies still there are taken off
   *       first), and it scales out only if that asks for more than there is now;
   *   <li>after a scale-in, "scale-in activities are blocked until the cooldown period has
   *       expired"; a scale-out goes ahead at once, and ends that cooldown;
   *   <li>the result stays within the scalable target's MinCapacity and MaxCapacity, and a
   *       scale-out never lowers capacity nor a scale-in raises it (a capacity already outside the
   *       bounds is left to the bounds, not to the policy).
   * </ul>
   *
   * MetricAggregationType only says how the alarm's metric is aggregated: the value passed here.
   */
  public static StepOutcome step(
      StepScalingPolicyConfiguration policy,
      double metric,
      double threshold,
      boolean alarmBelow,
      int capacity,
      int min,
      int max,
      History history,
      Instant now) {
    if (Double.isNaN(metric) || Double.isNaN(threshold)) {
      return new StepOutcome(
          -1,
          capacity,
          capacity,
          capacity,
          false,
          "no usable metric value (" + metric + ") or threshold (" + threshold + ")");
    }
    double difference = metric - threshold;
    boolean above = difference > 0 || difference == 0 && !alarmBelow;
    int index = matchingStep(policy.stepAdjustments(), difference, above);
    if (index < 0) {
      return new StepOutcome(
          -1,
          capacity,
          capacity,
          capacity,
          false,
          "no step adjustment covers " + fmt(metric) + " against threshold " + fmt(threshold));
    }
    StepAdjustment step = policy.stepAdjustments().get(index);
    String type =
        policy.adjustmentTypeAsString() == null
            ? "ChangeInCapacity"
            : policy.adjustmentTypeAsString();
    int adjustment = step.scalingAdjustment() == null ? 0 : step.scalingAdjustment();
    Duration cooldown =
        Duration.ofSeconds(
            policy.cooldown() == null ? DEFAULT_COOLDOWN_SECONDS : policy.cooldown());
    int desired = desired(type, adjustment, policy.minAdjustmentMagnitude(), capacity);
    if (desired < capacity) {
      Optional<Instant> lastIn =
          history.lastScaleIn().filter(at -> now.isBefore(at.plus(cooldown)));
      if (lastIn.isPresent()) {
        return new StepOutcome(
            index,
            capacity,
            desired,
            capacity,
            false,
            "scale-in cooldown until "
                + lastIn.get().plus(cooldown)
                + " blocks "
                + capacity
                + " -> "
                + desired);
      }
      int to = Math.max(min, Math.min(max, desired));
      if (to >= capacity) {
        return new StepOutcome(
            index,
            capacity,
            desired,
            capacity,
            false,
            "capacity "
                + capacity
                + " is already at minCapacity "
                + min
                + " (asked "
                + desired
                + ")");
      }
      return new StepOutcome(
          index,
          capacity,
          desired,
          to,
          true,
          "step "
              + index
              + ": "
              + capacity
              + " -> "
              + to
              + (to > desired ? " (minCapacity " + min + ")" : ""));
    }
    if (desired == capacity) {
      return new StepOutcome(
          index,
          capacity,
          desired,
          capacity,
          false,
          "step " + index + " asks no change at " + capacity);
    }
    Optional<History.ScaleOut> inFlight =
        history.lastScaleOut().filter(o -> now.isBefore(o.at().plus(cooldown)));
    int stillAdded =
        inFlight.map(o -> Math.max(0, Math.min(o.to(), capacity) - o.from())).orElse(0);
    if (stillAdded > 0) {
      desired = desired(type, adjustment, policy.minAdjustmentMagnitude(), capacity - stillAdded);
      if (desired <= capacity) {
        History.ScaleOut o = inFlight.get();
        return new StepOutcome(
            index,
            capacity,
            desired,
            capacity,
            false,
            "the scale-out in progress ("
                + o.from()
                + " -> "
                + o.to()
                + ", cooldown until "
                + o.at().plus(cooldown)
                + ") already covers step "
                + index
                + " ("
                + (capacity - stillAdded)
                + " -> "
                + desired
                + ")");
      }
    }
    int to = Math.max(min, Math.min(max, desired));
    if (to <= capacity) {
      return new StepOutcome(
          index,
          capacity,
          desired,
          capacity,
          false,
          "capacity "
              + capacity
              + " is already at maxCapacity "
              + max
              + " (asked "
              + desired
              + ")");
    }
    return new StepOutcome(
        index,
        capacity,
        desired,
        to,
        true,
        "step "
            + index
            + ": "
            + capacity
            + " -> "
            + to
            + (stillAdded > 0
                ? " (measured from "
                    + (capacity - stillAdded)
                    + ", before the scale-out in progress)"
                : "")
            + (to < desired ? " (maxCapacity " + max + ")" : ""));
  }

  /** The index of the step adjustment whose interval holds {@code difference}, or -1. */
  static int matchingStep(List<StepAdjustment> steps, double difference, boolean above) {
    for (int i = 0; i < steps.size(); i++) {
      Double lowerBound = steps.get(i).metricIntervalLowerBound();
      Double upperBound = steps.get(i).metricIntervalUpperBound();
      double lower = lowerBound == null ? Double.NEGATIVE_INFINITY : lowerBound;
      double upper = upperBound == null ? Double.POSITIVE_INFINITY : upperBound;
      boolean inside =
          above
              ? lower <= difference && difference < upper
              : lower < difference && difference <= upper;
      if (inside) {
        return i;
      }
    }
    return -1;
  }

  /** The capacity an adjustment asks for, applied to {@code capacity}. */
  static int desired(
      String adjustmentType, int adjustment, Integer minAdjustmentMagnitude, int capacity) {
    return switch (adjustmentType) {
      case "ExactCapacity" -> adjustment;
      case "PercentChangeInCapacity" ->
          capacity + percentChange(capacity, adjustment, minAdjustmentMagnitude);
      default -> capacity + adjustment;
    };
  }

  /**
   * A percentage of {@code capacity} in whole units, rounded as AAS documents (above 1 down, (0, 1)
   * to 1, (−1, 0) to −1, below −1 up: that is, towards zero but never to zero), then raised to
   * MinAdjustmentMagnitude. Computed in hundredths, exactly.
   */
  static int percentChange(int capacity, int percent, Integer minAdjustmentMagnitude) {
    long hundredths = (long) capacity * percent;
    long change =
        hundredths == 0
            ? 0
            : Math.abs(hundredths) < 100 ? Long.signum(hundredths) : hundredths / 100;
    if (minAdjustmentMagnitude != null
        && percent != 0
        && Math.abs(change) < minAdjustmentMagnitude) {
      change = (long) Integer.signum(percent) * minAdjustmentMagnitude;
    }
    return (int) Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, change));
  }

  /** A target-tracking decision: the capacity before and after, and one sentence on why. */
  public record Decision(int from, int proposed, int to, boolean scaled, String reason) {}

  /**
   * What a target-tracking policy does when its AlarmHigh ({@code high}) or AlarmLow invokes it.
   */
  public static Decision targetTracking(
      boolean high,
      double metric,
      double target,
      int capacity,
      int min,
      int max,
      boolean disableScaleIn,
      Integer scaleOutCooldownSeconds,
      Integer scaleInCooldownSeconds,
      History history,
      Instant now) {
    if (capacity <= 0) {
      return none(
          capacity,
          "target tracking does not scale from "
              + capacity
              + " (a step policy brings capacity back from zero)");
    }
    if (Double.isNaN(metric) || target <= 0) {
      return none(capacity, "no usable metric value (" + metric + ") or target (" + target + ")");
    }
    if (high) {
      Duration cooldown =
          Duration.ofSeconds(
              scaleOutCooldownSeconds == null ? DEFAULT_COOLDOWN_SECONDS : scaleOutCooldownSeconds);
      Optional<History.ScaleOut> inFlight =
          history
              .lastScaleOut()
              .filter(o -> now.isBefore(o.at().plus(cooldown)) && o.from() < capacity);
      int base = inFlight.map(History.ScaleOut::from).orElse(capacity);
      int proposed = proportional(base, metric, target);
      int to = Math.max(Math.min(proposed, max), min);
      if (to <= capacity) {
        String why =
            inFlight.isPresent() && proposed <= capacity
                ? "the scale-out in progress ("
                    + inFlight.get().from()
                    + " -> "
                    + inFlight.get().to()
                    + ", cooldown until "
                    + inFlight.get().at().plus(cooldown)
                    + ") already covers "
                    + base
                    + " -> "
                    + proposed
                : proposed <= capacity
                    ? "metric "
                        + fmt(metric)
                        + " against target "
                        + fmt(target)
                        + " asks "
                        + proposed
                        + ", not more than "
                        + capacity
                    : "capacity "
                        + capacity
                        + " is already at maxCapacity "
                        + max
                        + " (asked "
                        + proposed
                        + ")";
        return new Decision(capacity, proposed, capacity, false, why);
      }
      return new Decision(
          capacity,
          proposed,
          to,
          true,
          "metric "
              + fmt(metric)
              + " above target "
              + fmt(target)
              + ": "
              + capacity
              + " -> "
              + to
              + (inFlight.isPresent()
                  ? " (measured from " + base + ", before the scale-out in progress)"
                  : "")
              + (to < proposed ? " (maxCapacity " + max + ")" : ""));
    }
    if (disableScaleIn) {
      return none(capacity, "scale-in is disabled");
    }
    Duration cooldown =
        Duration.ofSeconds(
            scaleInCooldownSeconds == null ? DEFAULT_COOLDOWN_SECONDS : scaleInCooldownSeconds);
    Optional<Instant> lastIn = history.lastScaleIn();
    int proposed = proportional(capacity, metric, target);
    if (proposed >= capacity) {
      return new Decision(
          capacity,
          proposed,
          capacity,
          false,
          "removing capacity would push metric "
              + fmt(metric)
              + " above target "
              + fmt(target)
              + " (asks "
              + proposed
              + " of "
              + capacity
              + ")");
    }
    int to = Math.min(Math.max(proposed, min), max);
    if (to >= capacity) {
      return new Decision(
          capacity,
          proposed,
          capacity,
          false,
          "capacity "
              + capacity
              + " is already at minCapacity "
              + min
              + " (asked "
              + proposed
              + ")");
    }
    if (lastIn.isPresent() && now.isBefore(lastIn.get().plus(cooldown))) {
      return new Decision(
          capacity,
          proposed,
          capacity,
          false,
          "scale-in cooldown until "
              + lastIn.get().plus(cooldown)
              + " blocks "
              + capacity
              + " -> "
              + to);
    }
    return new Decision(
        capacity,
        proposed,
        to,
        true,
        "metric "
            + fmt(metric)
            + " below target "
            + fmt(target)
            + ": "
            + capacity
            + " -> "
            + to
            + (to > proposed ? " (minCapacity " + min + ")" : ""));
  }

  /**
   * AAS's proportional rule: the capacity at which the per-unit metric comes back to the target,
   * rounded up.
   */
  static int proportional(int capacity, double metric, double target) {
    double units = capacity * metric / target;
    if (units >= Integer.MAX_VALUE) {
      return Integer.MAX_VALUE;
    }
    return (int) Math.max(0, Math.ceil(units - EPSILON));
  }

  private static Decision none(int capacity, String reason) {
    return new Decision(capacity, capacity, capacity, false, reason);
  }

  private static String fmt(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? String.valueOf((long) value)
        : String.valueOf(value);
  }
}
