package dev.copyscale.aws.engine;

import dev.copyscale.aws.apply.DecisionLoop;
import dev.copyscale.aws.observe.LiveCapacityReader;
import dev.copyscale.aws.observe.LiveView;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.scaling.bounds.BoundsDecision;
import dev.copyscale.scaling.bounds.BoundsRequest;
import dev.copyscale.scaling.bounds.ScheduleRules;
import dev.copyscale.scaling.event.ScheduleRequest;
import dev.copyscale.scaling.state.BoundsOverride;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The schedules, under every engine: a schedule window or an operator's override sets the scalable
 * target's bounds (as Application Auto Scaling's scheduled actions do) and moves the current count
 * into them, within guardrails ({@link BoundsDecision}); the dynamic engine keeps scaling inside
 * them. An override holds until it expires; the schedules take over again after it. The reconcile
 * tick heals a missed or late delivery.
 */
public final class ScheduleEngine implements ScalingEngine {
  private final DecisionLoop loop;
  private final LiveCapacityReader capacity;
  private final StateStore store;
  private final Clock clock;
  private final Duration retention;

  public ScheduleEngine(
      DecisionLoop loop,
      LiveCapacityReader capacity,
      StateStore store,
      Clock clock,
      Duration retention) {
    this.loop = loop;
    this.capacity = capacity;
    this.store = store;
    this.clock = clock;
    this.retention = retention;
  }

  /**
   * @throws IllegalArgumentException naming what is wrong: an unknown schedule, bounds the
   *     deployment cannot take
   */
  @Override
  public ScalingResult onSchedule(Deployment deployment, ScheduleRequest request) {
    DeploymentSpec spec = deployment.spec();
    Instant now = clock.instant();
    if (request.schedule().isPresent()) {
      Schedule named = ScheduleRules.named(spec, request.schedule().get());
      Optional<BoundsOverride> override = store.target(deployment.name()).overrideAt(now);
      if (override.isPresent()) {
        // A schedule fired while an override holds: recorded, not applied.
        LedgerEntry entry =
            ScheduleRules.overridden(spec, "schedule " + named.name(), override.get(), now);
        store.append(entry, now.plus(retention));
        return ScalingResult.of(entry, Optional.empty());
      }
      return apply(deployment, ScheduleRules.firing(spec, named, now), capacity.view(spec));
    }
    return apply(
        deployment, ScheduleRules.override(deployment.target(), request, now), capacity.view(spec));
  }

  /**
   * Continues a change SageMaker could not take at once; ends an expired override; gives the target
   * the window in force now if it lacks it (a missed or late delivery), unless an override holds.
   */
  @Override
  public List<ScalingResult> onTick(Deployment deployment) {
    DeploymentSpec spec = deployment.spec();
    LiveView live = capacity.view(spec);
    List<ScalingResult> results = new ArrayList<>();
    loop.converge(deployment.target(), live).ifPresent(results::add);
    Instant now = clock.instant();
    TargetState state = store.target(deployment.name());
    Optional<LedgerEntry> ended = ScheduleRules.overrideEnded(spec, state, now);
    if (ended.isPresent()) {
      store.saveTarget(state.withOverride(Optional.empty()).next());
      store.append(ended.get(), now.plus(retention));
      state = store.target(deployment.name());
    }
    ScheduleRules.healing(spec, state, live::get, now)
        .ifPresent(request -> results.add(apply(deployment, request, live)));
    return results;
  }

  private ScalingResult apply(Deployment deployment, BoundsRequest request, LiveView live) {
    return loop.run(
        deployment.target(),
        request.wakeUp(),
        live,
        (state, liveCapacity, now) ->
            BoundsDecision.decide(
                new BoundsDecision.Inputs(deployment.target(), request, state, liveCapacity, now)));
  }
}
