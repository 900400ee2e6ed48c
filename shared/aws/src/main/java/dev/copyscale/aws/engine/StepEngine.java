package dev.copyscale.aws.engine;

import dev.copyscale.aws.apply.DecisionLoop;
import dev.copyscale.aws.observe.AlarmReader;
import dev.copyscale.aws.observe.LiveCapacityReader;
import dev.copyscale.aws.observe.LiveView;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.convergence.Readiness;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.step.AlarmDecision;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code engine: orchestrated}: CloudWatch alarms invoke the step-scaling function, which applies
 * the spec's step (or simple) policies by Application Auto Scaling's rules ({@link AlarmDecision})
 * and writes the copies itself. CloudWatch invokes an alarm action only on a state change, while
 * Application Auto Scaling keeps acting every minute an alarm stays in ALARM: the tick evaluates
 * such alarms again, so scaling continues after the cooldown until they clear.
 */
public final class StepEngine implements ScalingEngine {
  private final DecisionLoop loop;
  private final LiveCapacityReader capacity;
  private final AlarmReader alarms;
  private final StateStore store;
  private final Clock clock;

  public StepEngine(
      DecisionLoop loop,
      LiveCapacityReader capacity,
      AlarmReader alarms,
      StateStore store,
      Clock clock) {
    this.loop = loop;
    this.capacity = capacity;
    this.alarms = alarms;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public List<StepPolicy> alarmedPolicies(DeploymentSpec spec) {
    return spec.scaling().stepPolicies();
  }

  @Override
  public ScalingResult onAlarm(Deployment deployment, StepPolicy policy, AlarmEvent event) {
    return evaluate(deployment, policy, event, capacity.view(deployment.spec()));
  }

  /**
   * Continues a change SageMaker could not take at once, then evaluates again the alarms still in
   * ALARM (once a minute at most), unless a change is still rolling out.
   */
  @Override
  public List<ScalingResult> onTick(Deployment deployment) {
    DeploymentSpec spec = deployment.spec();
    LiveView live = capacity.view(spec);
    List<ScalingResult> results = new ArrayList<>();
    loop.converge(deployment.target(), live).ifPresent(results::add);
    if (spec.scaling().stepPolicies().isEmpty()
        || Readiness.rollingOut(store.target(deployment.name()), live.get()).isPresent()) {
      return results;
    }
    ResourceNames names = ResourceNames.of(spec);
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    for (AlarmEvent asChanged : alarms.inAlarm(spec, name -> "tick#" + name + "#" + minute)) {
      Optional<StepPolicy> policy =
          spec.scaling().stepPolicies().stream()
              .filter(p -> names.alarm(p.name()).equals(asChanged.alarmName()))
              .findFirst();
      if (policy.isEmpty()) {
        continue;
      }
      // The state reason data dates from the change into ALARM: measure the metric as it is now,
      // if CloudWatch has it.
      List<Double> now = alarms.datapoints(spec, policy.get(), clock.instant());
      AlarmEvent event = now.isEmpty() ? asChanged : asChanged.withDatapoints(now);
      if (!store.handled(event.eventKey())) {
        results.add(evaluate(deployment, policy.get(), event, live));
      }
    }
    return results;
  }

  private ScalingResult evaluate(
      Deployment deployment, StepPolicy policy, AlarmEvent event, LiveView live) {
    DeploymentSpec spec = deployment.spec();
    String aggregation = policy.metricAggregation();
    return loop.run(
        deployment.target(),
        AlarmDecision.wakeUp(event, policy),
        live,
        (state, liveCapacity, now) -> {
          double threshold = policy.alarm().threshold();
          // An event without datapoints is sized from the metric as it was when the state changed.
          Optional<Double> metric =
              event
                  .aggregateBreaching(aggregation, threshold, policy.alarm().comparison())
                  .or(
                      () ->
                          event
                              .withDatapoints(
                                  alarms.datapoints(spec, policy, event.stateTimestamp()))
                              .aggregateBreaching(
                                  aggregation, threshold, policy.alarm().comparison()));
          return AlarmDecision.decide(
              new AlarmDecision.Inputs(
                  deployment.target(), policy, event, metric, state, liveCapacity, now));
        });
  }
}
