package dev.copyscale.scaling;

import java.util.Optional;

/**
 * What a scaling function did with one event: the deployment and trigger, the outcome (SCALED,
 * NO_CHANGE, IGNORED, DRY_RUN, FAILED), capacity before and after, and why.
 */
public record ScalingResult(
    Optional<String> deployment,
    String trigger,
    String outcome,
    int from,
    int to,
    Optional<Integer> instancesFrom,
    Optional<Integer> instancesTo,
    String reason) {

  /** One log line: trigger, outcome, capacity change and why. */
  public String summary() {
    return trigger + " " + outcome + ": " + from + " -> " + to + " (" + reason + ")";
  }

  public static ScalingResult ignored(Optional<String> deployment, String trigger, String reason, int capacity) {
    return new ScalingResult(deployment, trigger, "IGNORED", capacity, capacity, Optional.empty(), Optional.empty(), reason);
  }
}
