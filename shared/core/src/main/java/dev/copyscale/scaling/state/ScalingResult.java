package dev.copyscale.scaling.state;

import dev.copyscale.scaling.capacity.InstancePlan;
import java.util.Optional;

/**
 * What a scaling function did with one event: the deployment and trigger, the outcome, capacity
 * before and after, and why.
 */
public record ScalingResult(
    Optional<String> deployment,
    String trigger,
    Outcome outcome,
    int from,
    int to,
    Optional<Integer> instancesFrom,
    Optional<Integer> instancesTo,
    String reason) {

  /** The same result, with the instances a decision's plan moves from and to. */
  public ScalingResult withInstances(Optional<InstancePlan> plan) {
    return new ScalingResult(
        deployment,
        trigger,
        outcome,
        from,
        to,
        plan.map(InstancePlan::from),
        plan.map(InstancePlan::to),
        reason);
  }

  /** One log line: trigger, outcome, capacity change and why. */
  public String summary() {
    return trigger + " " + outcome + ": " + from + " -> " + to + " (" + reason + ")";
  }

  public static ScalingResult ignored(
      Optional<String> deployment, String trigger, String reason, int capacity) {
    return new ScalingResult(
        deployment,
        trigger,
        Outcome.IGNORED,
        capacity,
        capacity,
        Optional.empty(),
        Optional.empty(),
        reason);
  }

  /**
   * The result a ledger entry records, with the instances the copies need when copyscale manages
   * them.
   */
  public static ScalingResult of(LedgerEntry e, Optional<InstancePlan> instances) {
    return of(e, instances.map(InstancePlan::from), instances.map(InstancePlan::to));
  }

  /** The result a ledger entry records while a change is under way: the instances there now. */
  public static ScalingResult of(LedgerEntry e, int instancesNow) {
    return of(e, Optional.of(instancesNow), Optional.empty());
  }

  private static ScalingResult of(
      LedgerEntry e, Optional<Integer> instancesFrom, Optional<Integer> instancesTo) {
    return new ScalingResult(
        Optional.of(e.deployment()),
        e.trigger(),
        e.outcome(),
        e.from(),
        e.to(),
        instancesFrom,
        instancesTo,
        e.reason());
  }
}
