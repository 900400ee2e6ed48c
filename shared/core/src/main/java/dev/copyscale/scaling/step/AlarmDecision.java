package dev.copyscale.scaling.step;

import dev.copyscale.scaling.capacity.InstancePlan;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.event.AlarmState;
import dev.copyscale.scaling.event.Delivery;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.scaling.state.WakeUp;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the step-scaling function decides for one alarm evaluation (engine: orchestrated), as a pure
 * function of what it observed: the deployment and its step policy, the alarm event, the metric
 * value sized from its breaching datapoints, the target's stored state, the live capacity and the
 * time. The decision's next state records the alarm's newest state (so a late delivery is
 * recognised), the cooldowns and the intent to write.
 */
public final class AlarmDecision {
  private AlarmDecision() {}

  /**
   * Everything the decision looks at. {@code metric} is empty when neither the event nor CloudWatch
   * had datapoints.
   */
  public record Inputs(
      ScalingTarget target,
      StepPolicy policy,
      AlarmEvent event,
      Optional<Double> metric,
      TargetState state,
      LiveCapacity live,
      Instant now) {}

  /** The wake-up an alarm evaluation is: delivered, or re-read by the tick. */
  public static WakeUp wakeUp(AlarmEvent event, StepPolicy policy) {
    boolean tick = event.delivery() == Delivery.TICK;
    return new WakeUp(
            event.eventKey(),
            tick ? Source.TICK : Source.ALARM,
            event.alarmName(),
            tick,
            event.state().name(),
            Optional.empty(),
            Optional.empty())
        .withPolicy(policy.name(), policy.alarm().threshold());
  }

  public static Decision decide(Inputs in) {
    AlarmEvent event = in.event();
    TargetState state = in.state();
    Map<String, Instant> newest = new HashMap<>(state.newestAlarmState());
    Instant seen = newest.get(event.alarmName());
    if (seen == null || event.stateTimestamp().isAfter(seen)) {
      newest.put(event.alarmName(), event.stateTimestamp());
    }
    TargetState next = state.withNewestAlarmState(newest).next();
    // What we have asked SageMaker for counts as the current capacity, even before it has it all.
    int capacity = state.intent().map(CapacityIntent::capacity).orElse(in.live().capacity());
    LedgerEntry.Builder entry =
        wakeUp(event, in.policy()).entry(in.target().name(), in.now()).capacity(capacity, capacity);

    // A tick reads the alarm's current state from CloudWatch: only deliveries arrive out of order.
    if (event.delivery() != Delivery.TICK
        && seen != null
        && event.stateTimestamp().isBefore(seen)) {
      return new Decision(
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
    if (event.state() != AlarmState.ALARM) {
      return new Decision(
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
      return new Decision(
          entry
              .outcome(
                  Outcome.NO_CHANGE,
                  "neither the alarm event nor CloudWatch (GetMetricData) has datapoints to size"
                      + " the step from")
              .build(),
          next,
          Optional.empty());
    }
    ScalingTarget target = in.target();
    StepPolicy policy = in.policy();
    StepDecision step =
        StepScaling.decide(
            policy,
            new StepScaling.Inputs(
                in.metric().get(),
                policy.alarm().threshold(),
                policy.alarm().comparison().below(),
                capacity,
                in.live().minCapacity(),
                in.live().maxCapacity(),
                target.guardrail(),
                state.cooldowns(),
                in.now()));
    int to = step.to();
    List<String> limitedBy = new ArrayList<>(step.limitedBy());
    String reason = step.reason();
    Optional<InstancePlan> instances = target.plan(to, in.live().instances());
    if (instances.isPresent() && instances.get().limitedByGuardrail()) {
      to = Math.max(capacity, instances.get().copiesThatFit());
      reason += "; " + target.packing().orElseThrow().limitNote(instances.get());
      instances = target.plan(to, in.live().instances());
      limitedBy.add("guardrails.maxInstances " + target.spec().guardrails().maxInstances());
    }
    // Instances count as a change against what is already asked for, not against what SageMaker
    // has yet.
    int instancesAsked =
        state.intent().flatMap(CapacityIntent::instances).orElse(in.live().instances());
    boolean scaled = to != capacity || instances.map(p -> p.to() != instancesAsked).orElse(false);
    Outcome outcome =
        !scaled
            ? Outcome.NO_CHANGE
            : target.spec().guardrails().dryRun() ? Outcome.DRY_RUN : Outcome.SCALED;
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
          next.withCooldowns(state.cooldowns().afterChange(in.now(), capacity, to))
              .withIntent(
                  Optional.of(
                      CapacityIntent.of(to, instances, decided, Optional.of(state.cooldowns()))));
    }
    return new Decision(decided, next, instances);
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
