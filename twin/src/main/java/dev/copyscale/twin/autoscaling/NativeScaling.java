package dev.copyscale.twin.autoscaling;

import dev.copyscale.scaling.Cooldowns;
import dev.copyscale.spec.DeploymentSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The decisions Application Auto Scaling takes when an alarm invokes one of its policies, as pure
 * functions (no clock, no client): the adapter that feeds a stored step policy to the shared {@link
 * dev.copyscale.scaling.StepScaling} rules, and the target-tracking rule.
 *
 * <p>Target tracking, as the Application Auto Scaling User Guide ("How target tracking scaling for
 * Application Auto Scaling works", "Define cooldown periods") documents it:
 *
 * <ul>
 *   <li>AlarmHigh scales out in proportion to the metric: {@code ceil(capacity × metric / target)};
 *   <li>during the scale-out cooldown the capacity the in-flight scale-out added counts as already
 *       there: the proportional capacity is measured from the capacity before that scale-out, and
 *       the policy scales out again only if that asks for more than the in-flight scale-out reached;
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
  /** AAS's default cooldown for SageMaker targets when a policy names none (documented for endpoint variants; assumed for inference components). */
  public static final int DEFAULT_COOLDOWN_SECONDS = 300;
  /** Keeps ceil(4 × 25 / 20) at 5 although the floating-point quotient may come out a hair above. */
  private static final double EPSILON = 1e-9;

  private NativeScaling() {}

  /** One stored step adjustment; null bounds are infinite, as in the API. */
  public record StepAdjustment(Double lower, Double upper, int adjustment) {}

  /** A stored step policy as the shared step rules take it (native engine; MetricAggregationType is informational). */
  public static DeploymentSpec.StepPolicy stepPolicy(String name, String adjustmentType, Integer cooldownSeconds, Integer minAdjustmentMagnitude,
      String metricAggregationType, List<StepAdjustment> steps) {
    List<DeploymentSpec.Step> converted = steps.stream()
        .map(s -> new DeploymentSpec.Step(Optional.ofNullable(s.lower()), Optional.ofNullable(s.upper()), s.adjustment())).toList();
    return new DeploymentSpec.StepPolicy(name, false, DeploymentSpec.Engine.NATIVE, null,
        adjustmentType == null ? "ChangeInCapacity" : adjustmentType, converted,
        cooldownSeconds == null ? DEFAULT_COOLDOWN_SECONDS : cooldownSeconds, Optional.ofNullable(minAdjustmentMagnitude),
        metricAggregationType == null ? "Average" : metricAggregationType);
  }

  /** A target-tracking decision: the capacity before and after, and one sentence on why. */
  public record Decision(int from, int proposed, int to, boolean scaled, String reason) {}

  /** What a target-tracking policy does when its AlarmHigh ({@code high}) or AlarmLow invokes it. */
  public static Decision targetTracking(boolean high, double metric, double target, int capacity, int min, int max, boolean disableScaleIn,
      Integer scaleOutCooldownSeconds, Integer scaleInCooldownSeconds, Cooldowns cooldowns, Instant now) {
    if (capacity <= 0) {
      return none(capacity, "target tracking does not scale from " + capacity + " (a step policy brings capacity back from zero)");
    }
    if (Double.isNaN(metric) || target <= 0) {
      return none(capacity, "no usable metric value (" + metric + ") or target (" + target + ")");
    }
    if (high) {
      Duration cooldown = Duration.ofSeconds(scaleOutCooldownSeconds == null ? DEFAULT_COOLDOWN_SECONDS : scaleOutCooldownSeconds);
      Optional<Cooldowns.ScaleOut> inFlight =
          cooldowns.lastScaleOut().filter(o -> now.isBefore(o.at().plus(cooldown)) && o.from() < capacity);
      int base = inFlight.map(Cooldowns.ScaleOut::from).orElse(capacity);
      int proposed = proportional(base, metric, target);
      int to = Math.max(Math.min(proposed, max), min);
      if (to <= capacity) {
        String why = inFlight.isPresent() && proposed <= capacity
            ? "the scale-out in progress (" + inFlight.get().from() + " -> " + inFlight.get().to() + ", cooldown until "
                + inFlight.get().at().plus(cooldown) + ") already covers " + base + " -> " + proposed
            : proposed <= capacity ? "metric " + fmt(metric) + " against target " + fmt(target) + " asks " + proposed + ", not more than " + capacity
            : "capacity " + capacity + " is already at maxCapacity " + max + " (asked " + proposed + ")";
        return new Decision(capacity, proposed, capacity, false, why);
      }
      return new Decision(capacity, proposed, to, true, "metric " + fmt(metric) + " above target " + fmt(target) + ": " + capacity + " -> " + to
          + (inFlight.isPresent() ? " (measured from " + base + ", before the scale-out in progress)" : "") + (to < proposed ? " (maxCapacity " + max + ")" : ""));
    }
    if (disableScaleIn) {
      return none(capacity, "scale-in is disabled");
    }
    Duration cooldown = Duration.ofSeconds(scaleInCooldownSeconds == null ? DEFAULT_COOLDOWN_SECONDS : scaleInCooldownSeconds);
    Optional<Instant> lastIn = cooldowns.lastScaleIn();
    int proposed = proportional(capacity, metric, target);
    if (proposed >= capacity) {
      return new Decision(capacity, proposed, capacity, false,
          "removing capacity would push metric " + fmt(metric) + " above target " + fmt(target) + " (asks " + proposed + " of " + capacity + ")");
    }
    int to = Math.min(Math.max(proposed, min), max);
    if (to >= capacity) {
      return new Decision(capacity, proposed, capacity, false, "capacity " + capacity + " is already at minCapacity " + min + " (asked " + proposed + ")");
    }
    if (lastIn.isPresent() && now.isBefore(lastIn.get().plus(cooldown))) {
      return new Decision(capacity, proposed, capacity, false, "scale-in cooldown until " + lastIn.get().plus(cooldown) + " blocks " + capacity + " -> " + to);
    }
    return new Decision(capacity, proposed, to, true, "metric " + fmt(metric) + " below target " + fmt(target) + ": " + capacity + " -> " + to
        + (to > proposed ? " (minCapacity " + min + ")" : ""));
  }

  /** AAS's proportional rule: the capacity at which the per-unit metric comes back to the target, rounded up. */
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
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
  }
}
