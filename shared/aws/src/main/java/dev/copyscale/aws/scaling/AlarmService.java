package dev.copyscale.aws.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.deploy.Requests;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.event.EventOrigin;
import dev.copyscale.scaling.event.EventSkew;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.scaling.step.AlarmDecision;
import dev.copyscale.slo.AlarmedPolicies;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * The step-scaling function's service (engine: orchestrated), in three parts for each alarm
 * evaluation: observe (the deployment through the state table's alarm index, its target state, the
 * live capacity, the breaching datapoints), decide ({@link AlarmDecision}, pure), apply (commit the
 * decision and the event id in one conditional write; only the invocation that wins it writes to
 * SageMaker, through {@link CapacityConvergence}). On the periodic tick it keeps scaling while an
 * alarm stays in ALARM, as Application Auto Scaling does, and continues changes SageMaker could not
 * take at once.
 */
public final class AlarmService {
  private final Clients aws;
  private final StateStore store;
  private final Clock clock;
  private final CapacityWriter writer;
  private final CapacityConvergence convergence;
  private final Duration retention;
  private final Specs specs = new Specs();
  private final SloService slo;

  public AlarmService(
      Clients aws, StateStore store, Clock clock, CapacityWriter writer, Duration retention) {
    this.aws = aws;
    this.store = store;
    this.clock = clock;
    this.writer = writer;
    this.retention = retention;
    this.convergence = new CapacityConvergence(store, writer, clock, retention);
    this.slo = new SloService(aws, store, clock, writer, convergence);
  }

  /** A deployment's step policy, found from its alarm's name. */
  record Owner(DeploymentRecord record, DeploymentSpec spec, StepPolicy policy) {}

  /**
   * One alarm state change. An event of another account or region, or stamped too far ahead of this
   * function's clock, is ignored with the reason before anything is read or written.
   */
  public ScalingResult handle(JsonNode json, EventOrigin origin) {
    Optional<String> foreign = origin.check(json);
    AlarmEvent event = AlarmEvent.parse(json);
    Optional<String> refused =
        foreign.or(() -> event.checkSkew(clock.instant(), EventSkew.MAX_SKEW));
    if (refused.isPresent()) {
      return ScalingResult.ignored(Optional.empty(), event.alarmName(), refused.get(), 0);
    }
    Optional<Owner> owner = owner(event.alarmName());
    if (owner.isEmpty()) {
      return ScalingResult.ignored(
          Optional.empty(),
          event.alarmName(),
          "alarm "
              + event.alarmName()
              + " is not one of copyscale's: no deployment in service has a step policy with that"
              + " alarm name",
          0);
    }
    return evaluate(owner.get(), event);
  }

  /**
   * The periodic tick, per deployment and isolated from the others: continue a change SageMaker
   * could not take at once, then evaluate again the alarms still in ALARM (once a minute at most),
   * so scaling continues after the cooldown until they clear.
   */
  public List<ScalingResult> tick() {
    return specs.eachDeployment(
        store.deployments(),
        "tick",
        name -> "tick of " + name,
        (record, spec, results) -> {
          if (spec.scaling().engine() == Engine.ORCHESTRATED) {
            tick(record, spec, results);
          } else if (spec.scaling().engine() == Engine.SLO) {
            sloTick(spec, results);
          }
        });
  }

  /** engine: slo decides every minute; a decision that changes nothing is not recorded. */
  private void sloTick(DeploymentSpec spec, List<ScalingResult> results) {
    convergence.converge(spec).ifPresent(results::add);
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    ScalingResult decided =
        slo.decide(spec, "slo-tick#" + spec.name() + "#" + minute, "tick", false);
    if (decided.outcome() != Outcome.NO_CHANGE) {
      results.add(decided);
    }
  }

  private void tick(DeploymentRecord record, DeploymentSpec spec, List<ScalingResult> results) {
    convergence.converge(spec).ifPresent(results::add);
    if (spec.scaling().stepPolicies().isEmpty()) {
      return;
    }
    // Like Application Auto Scaling, start nothing while a change is still rolling out.
    if (!writer.read(spec).componentInService() || store.target(spec.name()).intent().isPresent()) {
      return;
    }
    ResourceNames names = ResourceNames.of(spec);
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    List<MetricAlarm> inAlarm =
        aws
            .cloudWatch()
            .describeAlarmsPaginator(
                b ->
                    b.alarmNamePrefix("copyscale-" + spec.name() + "-")
                        .stateValue(StateValue.ALARM))
            .metricAlarms()
            .stream()
            // Filtered here too: the state filter is the server's, and a wrong answer must not
            // scale.
            .filter(a -> a.stateValue() == StateValue.ALARM)
            .toList();
    for (MetricAlarm alarm : inAlarm) {
      Optional<StepPolicy> policy =
          spec.scaling().stepPolicies().stream()
              .filter(p -> names.alarm(p.name()).equals(alarm.alarmName()))
              .findFirst();
      if (policy.isEmpty()) {
        continue;
      }
      // The state reason data dates from the change into ALARM: measure the metric as it is now, if
      // CloudWatch has it.
      AlarmEvent asChanged = fromAlarm(alarm, "tick#" + alarm.alarmName() + "#" + minute);
      AlarmEvent now = fetched(spec, policy.get(), asChanged, clock.instant());
      AlarmEvent event = now.datapoints().isEmpty() ? asChanged : now;
      if (!store.handled(event.eventKey())) {
        results.add(evaluate(new Owner(record, spec, policy.get()), event));
      }
    }
  }

  /** Observe, decide, apply; repeated when another invocation changed the target in between. */
  private ScalingResult evaluate(Owner owner, AlarmEvent event) {
    DeploymentSpec spec = owner.spec();
    if (spec.scaling().engine() == Engine.SLO) {
      // A wake-up alarm: engine slo decides now, from the metrics, instead of at the next tick.
      if (!event.state().equals("ALARM")) {
        return ScalingResult.ignored(
            Optional.of(spec.name()),
            event.alarmName(),
            "alarm is "
                + event.state()
                + ": engine slo's alarms only wake it early; its per-minute decision covers the"
                + " rest",
            0);
      }
      return slo.decide(spec, event.eventKey(), event.alarmName(), true);
    }
    if (spec.scaling().engine() != Engine.ORCHESTRATED) {
      return ScalingResult.ignored(
          Optional.of(spec.name()),
          event.alarmName(),
          "deployment "
              + spec.name()
              + " runs its policies in Application Auto Scaling (engine: native); the alarm acts on"
              + " the policy directly",
          0);
    }
    boolean tick = event.delivery().equals("tick");
    for (int attempt = 0; ; attempt++) {
      Instant now = clock.instant();
      if (store.handled(event.eventKey())) {
        return duplicate(owner, event, now, !tick);
      }
      // Observe.
      TargetState target = store.target(spec.name());
      LiveCapacity live = writer.read(spec);
      Optional<Double> metric =
          event
              .aggregateBreaching(
                  owner.policy().metricAggregation(),
                  owner.policy().alarm().threshold(),
                  owner.policy().alarm().comparison())
              .or(
                  () ->
                      fetched(spec, owner.policy(), event, event.stateTimestamp())
                          .aggregateBreaching(
                              owner.policy().metricAggregation(),
                              owner.policy().alarm().threshold(),
                              owner.policy().alarm().comparison()));
      // Decide.
      AlarmDecision decision =
          AlarmDecision.decide(
              new AlarmDecision.Inputs(spec, owner.policy(), event, metric, target, live, now));
      if (tick && decision.outcome() == Outcome.NO_CHANGE) {
        // The per-minute re-evaluation of an alarm still in ALARM records only what it changes.
        return ScalingResult.of(decision.entry(), decision.instances());
      }
      // Apply: the decision, the event id and the target state in one conditional write.
      try {
        Optional<ScalingResult> applied =
            convergence.apply(
                spec, event.eventKey(), decision.entry(), decision.next(), decision.instances());
        if (applied.isEmpty()) {
          return duplicate(owner, event, now, !tick);
        }
        return applied.get();
      } catch (ConcurrentUpdateException e) {
        if (attempt >= 4) {
          throw e;
        }
      }
    }
  }

  /**
   * Another delivery of this event was handled (or is being handled right now): nothing is written
   * to SageMaker.
   */
  private ScalingResult duplicate(Owner owner, AlarmEvent event, Instant now, boolean record) {
    String reason = "duplicate delivery of " + event.eventKey() + ": already handled";
    LedgerEntry entry =
        LedgerEntry.builder(owner.spec().name(), now, event.eventKey(), "alarm", event.alarmName())
            .state(event.state())
            .threshold(owner.policy().alarm().threshold())
            .policy(owner.policy().name())
            .outcome(Outcome.IGNORED, reason)
            .build();
    if (record) {
      store.append(entry.asFollowUp(now, "repeat-" + now.toEpochMilli()), now.plus(retention));
    }
    return ScalingResult.of(entry, Optional.empty());
  }

  /** The alarm's current state as an event, from DescribeAlarms (state reason data included). */
  private static AlarmEvent fromAlarm(MetricAlarm alarm, String eventKey) {
    Map<String, Object> state = new HashMap<>();
    state.put("value", alarm.stateValueAsString());
    state.put("reason", alarm.stateReason() == null ? "" : alarm.stateReason());
    state.put("timestamp", alarm.stateUpdatedTimestamp().toString());
    if (alarm.stateReasonData() != null) {
      state.put("reasonData", alarm.stateReasonData());
    }
    JsonNode data =
        Json.mapper().valueToTree(Map.of("alarmName", alarm.alarmName(), "state", state));
    JsonNode event =
        Json.mapper()
            .valueToTree(
                Map.of(
                    "source",
                    "copyscale.tick",
                    "alarmArn",
                    alarm.alarmArn() == null ? alarm.alarmName() : alarm.alarmArn(),
                    "alarmData",
                    data));
    AlarmEvent parsed = AlarmEvent.parse(event);
    return new AlarmEvent(
        parsed.alarmName(),
        parsed.state(),
        parsed.stateTimestamp(),
        parsed.reason(),
        parsed.datapoints(),
        parsed.threshold(),
        eventKey,
        "tick");
  }

  /**
   * The deployment that owns an alarm, from the state table's alarm index: one read, and one spec
   * parsed (cached while its record is unchanged), instead of every deployment's.
   */
  private Optional<Owner> owner(String alarmName) {
    return store
        .alarmOwner(alarmName)
        .flatMap(store::deployment)
        .flatMap(
            record ->
                record
                    .scalingSpecJson()
                    .flatMap(
                        json -> {
                          DeploymentSpec spec = specs.parse(record.name(), json);
                          ResourceNames names = ResourceNames.of(spec);
                          return AlarmedPolicies.of(spec).stream()
                              .filter(p -> names.alarm(p.name()).equals(alarmName))
                              .findFirst()
                              .map(policy -> new Owner(record, spec, policy));
                        }));
  }

  /**
   * The event with the alarm's datapoints from CloudWatch (GetMetricData): the alarm's metric and
   * statistic over its evaluation periods up to {@code end}. Used when the event carries none, and
   * by the tick, whose alarm may have been in ALARM long since its state reason data was written.
   */
  private AlarmEvent fetched(
      DeploymentSpec spec, StepPolicy policy, AlarmEvent event, Instant end) {
    PutMetricAlarmRequest alarm = Requests.alarm(spec, ResourceNames.of(spec), policy, List.of());
    Instant start = end.minusSeconds((long) alarm.period() * alarm.evaluationPeriods());
    GetMetricDataResponse data =
        aws.cloudWatch()
            .getMetricData(
                b ->
                    b.startTime(start)
                        .endTime(end)
                        .metricDataQueries(
                            q ->
                                q.id("m")
                                    .metricStat(
                                        m ->
                                            m.metric(
                                                    x ->
                                                        x.namespace(alarm.namespace())
                                                            .metricName(alarm.metricName())
                                                            .dimensions(alarm.dimensions()))
                                                .period(alarm.period())
                                                .stat(alarm.statisticAsString()))));
    List<Double> values =
        data.metricDataResults().stream().flatMap(r -> r.values().stream()).toList();
    return new AlarmEvent(
        event.alarmName(),
        event.state(),
        event.stateTimestamp(),
        event.reason(),
        values,
        event.threshold(),
        event.eventKey(),
        event.delivery());
  }
}
