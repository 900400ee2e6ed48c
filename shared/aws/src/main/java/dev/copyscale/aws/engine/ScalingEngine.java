package dev.copyscale.aws.engine;

import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.event.ScheduleRequest;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.util.List;
import java.util.Optional;

/**
 * One way of deciding a target's capacity, woken by what it needs: its alarms, the per-minute tick,
 * schedule events. The dynamic engines (native, orchestrated, slo: {@code scaling.engine} chooses
 * one per deployment) and the schedules (under every engine) each implement it, decide with a pure
 * function of shared/core, and commit through {@link dev.copyscale.aws.apply.DecisionLoop}. The
 * routers only route; a new engine is one class and one line in {@link
 * dev.copyscale.aws.wiring.Services}.
 */
public interface ScalingEngine {
  /**
   * The policies whose CloudWatch alarms a deployment keeps under this engine: deploy creates them,
   * and the state table's alarm index finds the deployment an alarm event belongs to.
   */
  default List<StepPolicy> alarmedPolicies(DeploymentSpec spec) {
    return List.of();
  }

  /** A state change of one of the deployment's alarmed policies' alarms. */
  default ScalingResult onAlarm(Deployment deployment, StepPolicy policy, AlarmEvent event) {
    return ScalingResult.ignored(
        Optional.of(deployment.name()),
        event.alarmName(),
        "deployment " + deployment.name() + "'s engine does not act on alarms",
        0);
  }

  /** The function's per-minute tick, for one deployment. */
  default List<ScalingResult> onTick(Deployment deployment) {
    return List.of();
  }

  /** A schedule firing or an operator's bounds for the deployment. */
  default ScalingResult onSchedule(Deployment deployment, ScheduleRequest request) {
    return ScalingResult.ignored(
        Optional.of(deployment.name()),
        "schedule event",
        "deployment " + deployment.name() + "'s engine does not act on schedule events",
        0);
  }
}
