package dev.copyscale.aws.scaling;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.scaling.AlarmEvent;
import dev.copyscale.scaling.Cooldowns;
import dev.copyscale.scaling.LiveCapacity;
import dev.copyscale.scaling.ScalingResult;
import dev.copyscale.scaling.StepDecision;
import dev.copyscale.scaling.StepScaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.deploy.Phase;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.aws.scaling.CapacityWriter.InstancePlan;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.state.DeploymentRecord;
import dev.copyscale.state.LedgerEntry;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import dev.copyscale.state.TargetState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * The step-scaling function's service (engine: orchestrated). Acts on the state and datapoints an
 * alarm event carries, as Application Auto Scaling acts on an alarm's notification; applies each
 * event at most once; recognises late deliveries; records every decision in the ledger; and, on the
 * periodic tick, keeps scaling while an alarm stays in ALARM.
 */
public final class AlarmService {
  private final Clients aws;
  private final StateStore store;
  private final Clock clock;
  private final CapacityWriter writer;
  private final Duration retention;

  public AlarmService(Clients aws, StateStore store, Clock clock, CapacityWriter writer, Duration retention) {
    this.aws = aws;
    this.store = store;
    this.clock = clock;
    this.writer = writer;
    this.retention = retention;
  }

  /** A deployment's step policy, found from its alarm's name. */
  record Owner(DeploymentRecord record, DeploymentSpec spec, StepPolicy policy) {}

  public ScalingResult handle(JsonNode json) {
    AlarmEvent event = AlarmEvent.parse(json);
    Optional<Owner> owner = owner(event.alarmName());
    if (owner.isEmpty()) {
      return ScalingResult.ignored(Optional.empty(), event.alarmName(),
          "alarm " + event.alarmName() + " is not one of copyscale's: no deployment has a step policy with that alarm name", 0);
    }
    return decide(owner.get(), event, true);
  }

  /**
   * The periodic tick: alarms of orchestrated deployments that are still in ALARM are evaluated
   * again, once a minute at most, so scaling continues after the cooldown until they clear.
   */
  public List<ScalingResult> tick() {
    List<ScalingResult> results = new ArrayList<>();
    Instant minute = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    for (DeploymentRecord record : store.deployments()) {
      if (record.phase() != Phase.InService && record.phase() != Phase.Updating) {
        continue;
      }
      DeploymentSpec spec = SpecParser.parse(record.specJson()).orThrow();
      if (spec.scaling().engine() != Engine.ORCHESTRATED || spec.scaling().stepPolicies().isEmpty()) {
        continue;
      }
      ResourceNames names = ResourceNames.of(spec);
      // Like Application Auto Scaling, start nothing while a change is still rolling out.
      if (!writer.read(spec).componentStatus().orElse("").equals("InService")) {
        continue;
      }
      List<MetricAlarm> inAlarm = aws.cloudWatch().describeAlarmsPaginator(b -> b.alarmNamePrefix("copyscale-" + spec.name() + "-").stateValue(StateValue.ALARM))
          .metricAlarms().stream()
          // Filtered here too: the state filter is the server's, and a wrong answer must not scale.
          .filter(a -> a.stateValue() == StateValue.ALARM).toList();
      for (MetricAlarm alarm : inAlarm) {
        spec.scaling().stepPolicies().stream().filter(p -> names.alarm(p.name()).equals(alarm.alarmName())).findFirst().ifPresent(policy -> {
          // The state reason data dates from the change into ALARM: measure the metric as it is now, if CloudWatch has it.
          AlarmEvent asChanged = fromAlarm(alarm, "tick#" + alarm.alarmName() + "#" + minute);
          AlarmEvent now = fetched(spec, policy, asChanged, clock.instant());
          AlarmEvent event = now.datapoints().isEmpty() ? asChanged : now;
          if (!store.handled(event.eventKey())) {
            ScalingResult result = decide(new Owner(record, spec, policy), event, false);
            results.add(result);
          }
        });
      }
    }
    return results;
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
    JsonNode data = dev.copyscale.json.Json.mapper().valueToTree(Map.of("alarmName", alarm.alarmName(), "state", state));
    JsonNode event = dev.copyscale.json.Json.mapper().valueToTree(Map.of("source", "copyscale.tick", "alarmArn", alarm.alarmArn() == null ? alarm.alarmName() : alarm.alarmArn(), "alarmData", data));
    AlarmEvent parsed = AlarmEvent.parse(event);
    return new AlarmEvent(parsed.alarmName(), parsed.state(), parsed.stateTimestamp(), parsed.reason(), parsed.datapoints(), parsed.threshold(), eventKey, "tick");
  }

  private Optional<Owner> owner(String alarmName) {
    for (DeploymentRecord record : store.deployments()) {
      if (record.phase() == Phase.Deleted) {
        continue;
      }
      DeploymentSpec spec = SpecParser.parse(record.specJson()).orThrow();
      ResourceNames names = ResourceNames.of(spec);
      for (StepPolicy policy : spec.scaling().stepPolicies()) {
        if (names.alarm(policy.name()).equals(alarmName)) {
          return Optional.of(new Owner(record, spec, policy));
        }
      }
    }
    return Optional.empty();
  }

  private ScalingResult decide(Owner owner, AlarmEvent event, boolean recordIgnored) {
    DeploymentSpec spec = owner.spec();
    String deployment = spec.name();
    Instant now = clock.instant();
    Instant expires = now.plus(retention);
    if (spec.scaling().engine() != Engine.ORCHESTRATED) {
      return ScalingResult.ignored(Optional.of(deployment), event.alarmName(), "deployment " + deployment
          + " runs its policies in Application Auto Scaling (engine: native); the alarm acts on the policy directly", 0);
    }
    if (store.handled(event.eventKey())) {
      return ignore(owner, event, now, expires, "duplicate delivery of " + event.eventKey() + ": already handled", 0, recordIgnored);
    }
    for (int attempt = 0; ; attempt++) {
      TargetState target = store.target(deployment);
      Instant newest = target.newestAlarmState().get(event.alarmName());
      Map<String, Instant> newestStates = new HashMap<>(target.newestAlarmState());
      if (newest == null || event.stateTimestamp().isAfter(newest)) {
        newestStates.put(event.alarmName(), event.stateTimestamp());
      }
      try {
        // A tick reads the alarm's current state from CloudWatch: only deliveries can arrive out of order.
        boolean delivery = !event.delivery().equals("tick");
        if (delivery && newest != null && event.stateTimestamp().isBefore(newest)) {
          LedgerEntry entry = entry(owner, event, now, Optional.empty(), 0, 0, List.of(), "IGNORED",
              "late delivery: state of " + event.stateTimestamp() + " is older than " + newest + ", already handled");
          store.commit(event.eventKey(), new TargetState(deployment, target.cooldowns(), newestStates, target.version() + 1), entry, expires);
          return result(entry, Optional.empty());
        }
        if (!event.state().equals("ALARM")) {
          LedgerEntry entry = entry(owner, event, now, Optional.empty(), 0, 0, List.of(), "NO_CHANGE",
              "alarm is " + event.state() + ": step scaling acts only while an alarm is in ALARM");
          store.commit(event.eventKey(), new TargetState(deployment, target.cooldowns(), newestStates, target.version() + 1), entry, expires);
          return result(entry, Optional.empty());
        }
        return scale(owner, event, target, newestStates, now, expires);
      } catch (ConcurrentUpdateException e) {
        if (attempt >= 2) {
          throw e;
        }
      }
    }
  }

  private ScalingResult scale(Owner owner, AlarmEvent event, TargetState target, Map<String, Instant> newestStates, Instant now, Instant expires) {
    DeploymentSpec spec = owner.spec();
    StepPolicy policy = owner.policy();
    LiveCapacity live = writer.read(spec);
    Optional<Double> metric = measure(policy, event).or(() -> measure(policy, fetched(spec, policy, event, event.stateTimestamp())));
    if (metric.isEmpty()) {
      LedgerEntry entry = entry(owner, event, now, Optional.empty(), live.capacity(), live.capacity(), List.of(), "NO_CHANGE",
          "neither the alarm event nor CloudWatch (GetMetricData) has datapoints to size the step from");
      store.commit(event.eventKey(), new TargetState(spec.name(), target.cooldowns(), newestStates, target.version() + 1), entry, expires);
      return result(entry, Optional.empty());
    }
    boolean below = policy.alarm().comparison().startsWith("LessThan");
    int guardrail = spec.scaling().dimension() == DeploymentSpec.Dimension.COPIES ? spec.guardrails().maxCopies() : spec.guardrails().maxInstances();
    StepDecision decision = StepScaling.decide(policy, new StepScaling.Inputs(metric.get(), policy.alarm().threshold(), below,
        live.capacity(), live.minCapacity(), live.maxCapacity(), guardrail, target.cooldowns(), now));
    int to = decision.to();
    List<String> limitedBy = new ArrayList<>(decision.limitedBy());
    String reason = decision.reason();
    Optional<InstancePlan> instances = writer.instances(spec, to, live.instances());
    if (instances.isPresent() && instances.get().limitedByGuardrail()) {
      to = Math.max(live.capacity(), instances.get().copiesThatFit());
      limitedBy.add("guardrails.maxInstances " + spec.guardrails().maxInstances());
      reason += "; " + spec.guardrails().maxInstances() + " instances hold " + instances.get().copiesThatFit() + " copies";
    }
    boolean scaled = to != live.capacity() || instances.map(p -> p.to() != p.from()).orElse(false);
    String outcome = !scaled ? "NO_CHANGE" : spec.guardrails().dryRun() ? "DRY_RUN" : "SCALED";
    Cooldowns cooldowns = target.cooldowns();
    if (outcome.equals("SCALED")) {
      cooldowns = cooldowns.afterChange(now, live.capacity(), to);
    }
    if (outcome.equals("DRY_RUN")) {
      reason = "dry run, nothing written: " + reason;
    }
    LedgerEntry entry = entry(owner, event, now, metric, live.capacity(), to, limitedBy, outcome, reason + instanceNote(instances));
    entry = withStep(entry, decision);
    if (event.delivery().equals("tick") && outcome.equals("NO_CHANGE")) {
      // The per-minute re-evaluation of an alarm still in ALARM records only what it changes.
      return result(entry, instances);
    }
    store.commit(event.eventKey(), new TargetState(spec.name(), cooldowns, newestStates, target.version() + 1), entry, expires);
    if (!outcome.equals("SCALED")) {
      return result(entry, instances);
    }
    try {
      writer.write(spec, live.capacity(), to, instances);
    } catch (AwsServiceException | IllegalStateException e) {
      String why = e instanceof AwsServiceException aws ? AwsErrors.describe(aws) : e.getMessage();
      LedgerEntry failed = new LedgerEntry(entry.deployment(), clock.instant(), entry.eventId() + "#failed", entry.source(), entry.trigger(), entry.state(),
          entry.metricValue(), entry.threshold(), entry.policy(), entry.step(), live.capacity(), live.capacity(), entry.limitedBy(), "FAILED",
          "writing " + live.capacity() + " -> " + to + " failed: " + why + "; the alarm tick retries while the alarm stays in ALARM");
      // Undo the cooldown this decision started, so the retry is not blocked by a change that never happened.
      TargetState now2 = store.target(spec.name());
      store.commit(event.eventKey() + "#failed", new TargetState(spec.name(), target.cooldowns(), now2.newestAlarmState(), now2.version() + 1), failed, expires);
      return result(failed, instances);
    }
    writer.publish(entry);
    return result(entry, instances);
  }

  /** The step's metric value: the policy's aggregation of the event's breaching datapoints (see {@link AlarmEvent#aggregateBreaching}). */
  private static Optional<Double> measure(StepPolicy policy, AlarmEvent event) {
    return event.aggregateBreaching(policy.metricAggregation(), policy.alarm().threshold(), policy.alarm().comparison());
  }

  /**
   * The event with the alarm's datapoints from CloudWatch (GetMetricData): the alarm's metric and
   * statistic over its evaluation periods up to {@code end}. Used when the event carries none, and
   * by the tick, whose alarm may have been in ALARM long since its state reason data was written.
   */
  private AlarmEvent fetched(DeploymentSpec spec, StepPolicy policy, AlarmEvent event, Instant end) {
    PutMetricAlarmRequest alarm = dev.copyscale.aws.deploy.Requests.alarm(spec, ResourceNames.of(spec), policy, List.of());
    Instant start = end.minusSeconds((long) alarm.period() * alarm.evaluationPeriods());
    GetMetricDataResponse data = aws.cloudWatch().getMetricData(b -> b.startTime(start).endTime(end).metricDataQueries(q -> q.id("m")
        .metricStat(m -> m.metric(x -> x.namespace(alarm.namespace()).metricName(alarm.metricName()).dimensions(alarm.dimensions()))
            .period(alarm.period()).stat(alarm.statisticAsString()))));
    List<Double> values = data.metricDataResults().stream().flatMap(r -> r.values().stream()).toList();
    return new AlarmEvent(event.alarmName(), event.state(), event.stateTimestamp(), event.reason(), values, event.threshold(), event.eventKey(), event.delivery());
  }

  private static String instanceNote(Optional<InstancePlan> instances) {
    return instances.filter(p -> p.to() != p.from())
        .map(p -> "; instances " + p.from() + " -> " + p.to() + " (" + p.copiesPerInstance() + " copies each, managed instance scaling off)")
        .orElse("");
  }

  private ScalingResult ignore(Owner owner, AlarmEvent event, Instant now, Instant expires, String reason, int capacity, boolean record) {
    LedgerEntry entry = entry(owner, event, now, Optional.empty(), capacity, capacity, List.of(), "IGNORED", reason);
    if (record) {
      store.append(new LedgerEntry(entry.deployment(), entry.at(), entry.eventId() + "#repeat-" + now.toEpochMilli(), entry.source(), entry.trigger(),
          entry.state(), entry.metricValue(), entry.threshold(), entry.policy(), entry.step(), entry.from(), entry.to(), entry.limitedBy(), entry.outcome(), entry.reason()), expires);
    }
    return result(entry, Optional.empty());
  }

  private static LedgerEntry entry(Owner owner, AlarmEvent event, Instant now, Optional<Double> metric, int from, int to, List<String> limitedBy, String outcome, String reason) {
    String source = event.delivery().equals("tick") ? "tick" : "alarm";
    return new LedgerEntry(owner.spec().name(), now, event.eventKey(), source, event.alarmName(), event.state(), metric,
        Optional.of(owner.policy().alarm().threshold()), Optional.of(owner.policy().name()), Optional.empty(), from, to, limitedBy, outcome, reason);
  }

  private static LedgerEntry withStep(LedgerEntry e, StepDecision d) {
    return new LedgerEntry(e.deployment(), e.at(), e.eventId(), e.source(), e.trigger(), e.state(), e.metricValue(), e.threshold(), e.policy(), d.step(),
        e.from(), e.to(), e.limitedBy(), e.outcome(), e.reason());
  }

  private static ScalingResult result(LedgerEntry e, Optional<InstancePlan> instances) {
    return new ScalingResult(Optional.of(e.deployment()), e.trigger(), e.outcome(), e.from(), e.to(),
        instances.map(InstancePlan::from), instances.map(InstancePlan::to), e.reason());
  }
}
