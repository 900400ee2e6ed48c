package dev.copyscale.aws.engine;

import dev.copyscale.aws.apply.DecisionLoop;
import dev.copyscale.aws.observe.LiveCapacityReader;
import dev.copyscale.aws.observe.LiveView;
import dev.copyscale.aws.observe.MetricHistoryReader;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.convergence.Readiness;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.event.AlarmState;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.WakeUp;
import dev.copyscale.slo.LoadHistory;
import dev.copyscale.slo.RequestSize;
import dev.copyscale.slo.Seasonality;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.slo.SloDecision;
import dev.copyscale.slo.WakeUpAlarms;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code engine: slo} (docs/slo.md): told only a latency objective, it plans instances and copies
 * from SageMaker's metrics ({@link SloDecision}) every minute, and sooner when its wake-up alarms
 * fire. Per deployment it keeps, while the container is warm, what costs most to work out again:
 * the capacity its objective gives a copy, and the recurring pattern in its load (looked for again
 * every hour).
 */
public final class SloEngine implements ScalingEngine {
  /** How often the load's recurring pattern is looked for again. */
  static final Duration PATTERN_REFRESH = Duration.ofHours(1);

  private final DecisionLoop loop;
  private final LiveCapacityReader capacity;
  private final MetricHistoryReader histories;
  private final Catalog catalog;
  private final Clock clock;
  private final Map<String, Planning> planning = new ConcurrentHashMap<>();
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

  /** What a deployment's objective gives a copy, worked out once per spec. */
  private record Planning(DeploymentSpec spec, SloCapacity capacity, RequestSize requestSize) {}

  /** A deployment's recurring pattern, as last found, and when. */
  private record Pattern(String component, OptionalInt period, Instant foundAt) {}

  public SloEngine(
      DecisionLoop loop,
      LiveCapacityReader capacity,
      MetricHistoryReader histories,
      Catalog catalog,
      Clock clock) {
    this.loop = loop;
    this.capacity = capacity;
    this.histories = histories;
    this.catalog = catalog;
    this.clock = clock;
  }

  @Override
  public List<StepPolicy> alarmedPolicies(DeploymentSpec spec) {
    return WakeUpAlarms.of(spec, planning(ScalingTarget.of(spec, catalog).name(), spec).capacity());
  }

  /** A wake-up alarm: the engine decides now, from the metrics, instead of at the next tick. */
  @Override
  public ScalingResult onAlarm(Deployment deployment, StepPolicy policy, AlarmEvent event) {
    if (event.state() != AlarmState.ALARM) {
      return ScalingResult.ignored(
          Optional.of(deployment.name()),
          event.alarmName(),
          "alarm is "
              + event.state()
              + ": engine slo's alarms only wake it early; its per-minute decision covers the rest",
          0);
    }
    return decide(
        deployment,
        WakeUp.delivered(event.eventKey(), Source.SLO, event.alarmName(), AlarmState.ALARM.name()),
        capacity.view(deployment.spec()));
  }

  /** Continues a change in progress, then decides; a decision that changes nothing is not kept. */
  @Override
  public List<ScalingResult> onTick(Deployment deployment) {
    LiveView live = capacity.view(deployment.spec());
    List<ScalingResult> results = new ArrayList<>();
    loop.converge(deployment.target(), live).ifPresent(results::add);
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    ScalingResult decided =
        decide(
            deployment,
            WakeUp.tick("slo-tick#" + deployment.name() + "#" + minute, Source.SLO, "tick", ""),
            live);
    if (decided.outcome() != Outcome.NO_CHANGE) {
      results.add(decided);
    }
    return results;
  }

  private ScalingResult decide(Deployment deployment, WakeUp wakeUp, LiveView live) {
    DeploymentSpec spec = deployment.spec();
    Planning plan = planning(deployment.name(), spec);
    String component = ResourceNames.of(spec).component();
    return loop.run(
        deployment.target(),
        wakeUp,
        live,
        (state, liveCapacity, now) -> {
          if (wakeUp.tick()) {
            // Like the orchestrated tick, the minute tick starts nothing while the component is
            // being created or updated.
            Optional<String> waits = Readiness.sloWaits(state, liveCapacity);
            if (waits.isPresent()) {
              return new Decision(
                  wakeUp
                      .entry(deployment.name(), now)
                      .capacity(liveCapacity.capacity(), liveCapacity.capacity())
                      .outcome(Outcome.NO_CHANGE, waits.get())
                      .build(),
                  state,
                  Optional.empty());
            }
          }
          SloCapacity cap = plan.capacity();
          LoadHistory history =
              histories.history(deployment.name(), component, cap.historyNeeded(), now);
          OptionalInt period = pattern(deployment.name(), component, cap, history, now);
          return SloDecision.decide(
                  new SloDecision.Inputs(
                      deployment.target(),
                      cap,
                      plan.requestSize(),
                      history,
                      histories.recentConcurrencyPerCopy(component, now),
                      period,
                      state,
                      liveCapacity,
                      now,
                      wakeUp,
                      Optional.of(deployment.record()).map(DeploymentRecord::updatedAt)))
              .decision();
        });
  }

  /** The recurring pattern's period, looked for again once {@link #PATTERN_REFRESH} has passed. */
  private OptionalInt pattern(
      String deployment, String component, SloCapacity cap, LoadHistory history, Instant now) {
    if (!cap.slo().forecast()) {
      return OptionalInt.empty();
    }
    Pattern old = patterns.get(deployment);
    if (old != null
        && old.component().equals(component)
        && now.isBefore(old.foundAt().plus(PATTERN_REFRESH))) {
      return old.period();
    }
    OptionalInt period = Seasonality.period(history.demand(cap.serviceMs(cap.perCopy(1), 1)));
    patterns.put(deployment, new Pattern(component, period, now));
    return period;
  }

  /** Keyed by the target's name: each component of a shared endpoint plans by its own objective. */
  private Planning planning(String target, DeploymentSpec spec) {
    return planning.compute(
        target,
        (name, old) -> {
          if (old != null && old.spec().equals(spec)) {
            return old;
          }
          SloCapacity cap = SloCapacity.of(spec, catalog);
          return new Planning(spec, cap, new RequestSize(cap));
        });
  }
}
