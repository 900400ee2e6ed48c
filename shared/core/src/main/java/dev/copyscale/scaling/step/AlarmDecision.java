package dev.copyscale.scaling.step;

import dev.copyscale.scaling.capacity.InstancePlan;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the step-scaling function decides for one alarm evaluation, as a pure function of what it
 * observed: the deployment's spec and step policy, the alarm event, the metric value sized from its
 * breaching datapoints, the target's stored state, the live capacity and the time.
 *
 * @param entry the ledger entry: outcome, capacities, step, limits and reason
 * @param next the target state to commit (cooldowns, newest alarm state, the intent to write)
 * @param instances the instances the new copy count needs, when copyscale manages them
 */
public record AlarmDecision(LedgerEntry entry, TargetState next, Optional<InstancePlan> instances) {

  /**
   * Everything the decision looks at. {@code metric} is empty when neither the event nor CloudWatch
   * had datapoints.
   */
  public record Inputs(
      DeploymentSpec spec,
      StepPolicy policy,
      AlarmEvent event,
      Optional<Double> metric,
      TargetState target,
      LiveCapacity live,
      Instant now) {}

  public Outcome outcome() {
    return entry.outcome();
  }

  public static AlarmDecision decide(Inputs in) {
    AlarmEvent event = in.event();
    TargetState target = in.target();
    Map<String, Instant> newest = new HashMap<>(target.newestAlarmState());
    Instant seen = newest.get(event.alarmName());
    if (seen == null || event.stateTimestamp().isAfter(seen)) {
      newest.put(event.alarmName(), event.stateTimestamp());
    }
    TargetState next = target.withNewestAlarmState(newest).next();
    // What we have asked SageMaker for counts as the current capacity, even before it has it all.
    int capacity = target.intent().map(CapacityIntent::capacity).orElse(in.live().capacity());
    LedgerEntry.Builder entry =
        LedgerEntry.builder(
                in.spec().name(),
                in.now(),
                event.eventKey(),
                event.delivery().equals("tick") ? "tick" : "alarm",
                event.alarmName())
            .state(event.state())
            .threshold(in.policy().alarm().threshold())
            .policy(in.policy().name())
            .capacity(capacity, capacity);

    // A tick reads the alarm's current state from CloudWatch: only deliveries can arrive out of
    // order.
    if (!event.delivery().equals("tick") && seen != null && event.stateTimestamp().isBefore(seen)) {
      return new AlarmDecision(
          entry
              .outcome(
                  Outcome.IGNORED,
                  "late delivery: state of "
                      + event.stateTimestamp()
                      + " is older than "
                      + seen
                      + ", already handled")
              .build(),
          next,
          Optional.empty());
    }
    if (!event.state().equals("ALARM")) {
      return new AlarmDecision(
          entry
              .outcome(
                  Outcome.NO_CHANGE,
                  "alarm is "
                      + event.state()
                      + ": step scaling acts only while an alarm is in ALARM")
              .build(),
          next,
          Optional.empty());
    }
    if (in.metric().isEmpty()) {
      return new AlarmDecision(
          entry
              .outcome(
                  Outcome.NO_CHANGE,
                  "neither the alarm event nor CloudWatch (GetMetricData) has datapoints to size"
                      + " the step from")
              .build(),
          next,
          Optional.empty());
    }
    DeploymentSpec spec = in.spec();
    StepPolicy policy = in.policy();
    boolean below = policy.alarm().comparison().startsWith("LessThan");
    int guardrail =
        spec.scaling().dimension() == Dimension.COPIES
            ? spec.guardrails().maxCopies()
            : spec.guardrails().maxInstances();
    StepDecision step =
        StepScaling.decide(
            policy,
            new StepScaling.Inputs(
                in.metric().get(),
                policy.alarm().threshold(),
                below,
                capacity,
                in.live().minCapacity(),
                in.live().maxCapacity(),
                guardrail,
                target.cooldowns(),
                in.now()));
    int to = step.to();
    List<String> limitedBy = new ArrayList<>(step.limitedBy());
    String reason = step.reason();
    Optional<InstancePlan> instances = InstancePlan.of(spec, to, in.live().instances());
    if (instances.isPresent() && instances.get().limitedByGuardrail()) {
      to = Math.max(capacity, instances.get().copiesThatFit());
      instances = InstancePlan.of(spec, to, in.live().instances());
      limitedBy.add("guardrails.maxInstances " + spec.guardrails().maxInstances());
      reason +=
          "; "
              + InstancePlan.of(spec, step.to(), in.live().instances())
                  .orElseThrow()
                  .limitNote(spec);
    }
    // Instances count as a change against what is already asked for, not against what SageMaker has
    // yet.
    int instancesAsked =
        target.intent().flatMap(CapacityIntent::instances).orElse(in.live().instances());
    boolean scaled = to != capacity || instances.map(p -> p.to() != instancesAsked).orElse(false);
    Outcome outcome =
        !scaled ? Outcome.NO_CHANGE : spec.guardrails().dryRun() ? Outcome.DRY_RUN : Outcome.SCALED;
    if (outcome == Outcome.DRY_RUN) {
      reason = "dry run, nothing written: " + reason;
    }
    LedgerEntry decided =
        entry
            .metric(in.metric())
            .step(step.step())
            .capacity(capacity, to)
            .limitedBy(limitedBy)
            .outcome(outcome, reason + instanceNote(instances))
            .build();
    if (outcome == Outcome.SCALED) {
      next =
          next.withCooldowns(target.cooldowns().afterChange(in.now(), capacity, to))
              .withIntent(
                  Optional.of(
                      CapacityIntent.of(to, instances, decided, Optional.of(target.cooldowns()))));
    }
    return new AlarmDecision(decided, next, instances);
  }

  static String instanceNote(Optional<InstancePlan> instances) {
    return instances
        .filter(InstancePlan::changes)
        .map(
            p ->
                "; instances "
                    + p.from()
                    + " -> "
                    + p.to()
                    + " ("
                    + p.copiesPerInstance()
                    + " copies each, managed instance scaling off)")
        .orElse("");
  }
}
