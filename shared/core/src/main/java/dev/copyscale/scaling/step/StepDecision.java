package dev.copyscale.scaling.step;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of applying a step policy to one alarm evaluation, with everything needed to explain
 * it: the breach, the step that matched, the adjustment, what the bounds, guardrails and cooldowns
 * did to it, and the capacity before and after. A decision not to scale says why.
 *
 * @param breach metric value minus the alarm threshold
 * @param step index of the matching step in the policy, if any
 * @param adjustment the capacity change the step asked for, after percent rounding and
 *     minAdjustmentMagnitude (for ExactCapacity: the requested capacity minus the current one)
 * @param proposed capacity before bounds and guardrails
 * @param limitedBy what changed the proposed capacity: "minCapacity", "maxCapacity",
 *     "guardrails.maxCopies"
 * @param scaled whether {@code to != from}
 * @param reason one sentence: what happened, or why nothing did
 */
public record StepDecision(
    double metricValue,
    double breach,
    Optional<Integer> step,
    int adjustment,
    int from,
    int proposed,
    int to,
    List<String> limitedBy,
    Direction direction,
    boolean scaled,
    String reason) {

  public StepDecision {
    limitedBy = List.copyOf(limitedBy);
  }

  public enum Direction {
    OUT,
    IN,
    NONE
  }
}
