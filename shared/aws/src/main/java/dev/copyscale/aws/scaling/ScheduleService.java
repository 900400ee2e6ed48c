package dev.copyscale.aws.scaling;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.scaling.Cooldowns;
import dev.copyscale.scaling.LiveCapacity;
import dev.copyscale.scaling.ScalingResult;
import dev.copyscale.scaling.ScheduleRequest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.deploy.Phase;
import dev.copyscale.aws.deploy.Requests;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.aws.scaling.CapacityWriter.InstancePlan;
import dev.copyscale.scaling.ScheduledBounds;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Schedule;
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
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The scheduled-scaling function's service: sets the scalable target's bounds to the schedule
 * window's (as Application Auto Scaling's scheduled actions do) and moves the current count into
 * them at once, within guardrails, recording the decision. Works under either engine: it moves the
 * bounds, and the dynamic engine keeps scaling inside them.
 */
public final class ScheduleService {
  private final Clients aws;
  private final StateStore store;
  private final Clock clock;
  private final CapacityWriter writer;
  private final Duration retention;

  public ScheduleService(Clients aws, StateStore store, Clock clock, CapacityWriter writer, Duration retention) {
    this.aws = aws;
    this.store = store;
    this.clock = clock;
    this.writer = writer;
    this.retention = retention;
  }

  public List<ScalingResult> handle(JsonNode event) {
    ScheduleRequest request = ScheduleRequest.parse(event);
    if (request.tick()) {
      return heal();
    }
    DeploymentRecord record = store.deployment(request.deployment().orElseThrow())
        .filter(r -> r.phase() != Phase.Deleted && !r.deleting())
        .orElseThrow(() -> new IllegalArgumentException("unknown deployment \"" + request.deployment().get() + "\""));
    DeploymentSpec spec = SpecParser.parse(record.specJson()).orThrow();
    Instant now = clock.instant();
    if (request.schedule().isPresent()) {
      String name = request.schedule().get();
      Schedule named = spec.scaling().schedules().stream().filter(s -> s.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("deployment " + spec.name() + " has no schedule \"" + name + "\"; it has "
              + spec.scaling().schedules().stream().map(Schedule::name).toList()));
      // Apply the window in force now: normally the named one; after a late delivery, the newer window.
      ScheduledBounds.Window window = ScheduledBounds.inForce(spec.scaling().schedules(), now)
          .orElseThrow(() -> new IllegalStateException("schedule " + name + " has not fired yet at " + now));
      String note = window.schedule().name().equals(named.name()) ? "" : "late delivery of " + named.name() + "; ";
      String key = "schedule#" + spec.name() + "#" + window.schedule().name() + "#" + window.firedAt();
      return List.of(apply(spec, window.minCapacity(), window.maxCapacity(), "schedule " + window.schedule().name(),
          note + "window " + window.schedule().name() + " fired " + window.firedAt() + " (" + window.schedule().cron() + " " + window.schedule().timezone() + ")", Optional.of(key)));
    }
    String noun = spec.scaling().dimension().boundNoun();
    if (!request.boundNoun().orElseThrow().equals(noun)) {
      throw new IllegalArgumentException("deployment " + spec.name() + " scales " + spec.scaling().dimension().specValue() + ": give min" + noun + "/max" + noun);
    }
    int min = request.min().orElseThrow();
    int max = request.max().orElseThrow();
    int guard = spec.scaling().dimension() == Dimension.COPIES ? spec.guardrails().maxCopies() : spec.guardrails().maxInstances();
    if (min > max) {
      throw new IllegalArgumentException("min" + noun + " " + min + " is greater than max" + noun + " " + max);
    }
    if (max > guard) {
      throw new IllegalArgumentException("max" + noun + " " + max + " exceeds guardrails.max" + noun + " " + guard + " of deployment " + spec.name());
    }
    return List.of(apply(spec, min, max, "explicit bounds", "explicit bounds [" + min + ", " + max + "]", request.eventId().map(id -> "eventbridge#" + id)));
  }

  /** The reconcile tick: every deployment's target gets the window in force now, if it lacks it. */
  public List<ScalingResult> heal() {
    List<ScalingResult> results = new ArrayList<>();
    Instant now = clock.instant();
    for (DeploymentRecord record : store.deployments()) {
      if (record.phase() != Phase.InService || record.deleting()) {
        continue;
      }
      DeploymentSpec spec = SpecParser.parse(record.specJson()).orThrow();
      Optional<ScheduledBounds.Window> window = ScheduledBounds.inForce(spec.scaling().schedules(), now);
      if (window.isEmpty()) {
        continue;
      }
      LiveCapacity live = writer.read(spec);
      ScheduledBounds.Window w = window.get();
      boolean boundsRight = live.minCapacity() == w.minCapacity() && live.maxCapacity() == w.maxCapacity();
      boolean countInside = live.capacity() >= w.minCapacity() && live.capacity() <= w.maxCapacity();
      if (boundsRight && countInside) {
        continue;
      }
      String key = "schedule#" + spec.name() + "#" + w.schedule().name() + "#" + w.firedAt();
      results.add(apply(spec, w.minCapacity(), w.maxCapacity(), "schedule " + w.schedule().name(),
          "reconcile: window " + w.schedule().name() + " (fired " + w.firedAt() + ") was not applied; healing a missed or late delivery", Optional.of(key + "#heal#" + now)));
    }
    return results;
  }

  private ScalingResult apply(DeploymentSpec spec, int min, int max, String trigger, String why, Optional<String> eventKey) {
    Instant now = clock.instant();
    Instant expires = now.plus(retention);
    if (eventKey.isPresent() && store.handled(eventKey.get())) {
      return ScalingResult.ignored(Optional.of(spec.name()), trigger, "duplicate delivery of " + eventKey.get() + ": already applied", 0);
    }
    for (int attempt = 0; ; attempt++) {
      TargetState target = store.target(spec.name());
      LiveCapacity live = writer.read(spec);
      int to = Math.max(min, Math.min(max, live.capacity()));
      List<String> limitedBy = new ArrayList<>();
      if (to != live.capacity()) {
        limitedBy.add(to == min ? "minCapacity " + min : "maxCapacity " + max);
      }
      Optional<InstancePlan> instances = writer.instances(spec, to, live.instances());
      if (instances.isPresent() && instances.get().limitedByGuardrail()) {
        to = instances.get().copiesThatFit();
        limitedBy.add("guardrails.maxInstances " + spec.guardrails().maxInstances());
      }
      boolean boundsChange = live.minCapacity() != min || live.maxCapacity() != max;
      boolean countChange = to != live.capacity() || instances.map(p -> p.to() != p.from()).orElse(false);
      String outcome = !boundsChange && !countChange ? "NO_CHANGE" : spec.guardrails().dryRun() ? "DRY_RUN" : "SCALED";
      String reason = why + ": bounds [" + live.minCapacity() + ", " + live.maxCapacity() + "] -> [" + min + ", " + max + "], "
          + spec.scaling().dimension().specValue() + " " + live.capacity() + " -> " + to
          + instances.filter(p -> p.to() != p.from()).map(p -> ", instances " + p.from() + " -> " + p.to()).orElse("")
          + (outcome.equals("DRY_RUN") ? " (dry run, nothing written)" : "");
      Cooldowns cooldowns = target.cooldowns();
      if (outcome.equals("SCALED")) {
        cooldowns = cooldowns.afterChange(now, live.capacity(), to);
      }
      // Explicit bounds without an event id are applied each time (they are absolute, so repeating is harmless).
      String id = eventKey.orElse("explicit#" + spec.name() + "#" + now + "#v" + (target.version() + 1));
      LedgerEntry entry = new LedgerEntry(spec.name(), now, id, "schedule", trigger, "[" + min + ", " + max + "]", Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), live.capacity(), to, limitedBy, outcome, reason);
      try {
        if (!store.commit(id, new TargetState(spec.name(), cooldowns, target.newestAlarmState(), target.version() + 1), entry, expires)) {
          return ScalingResult.ignored(Optional.of(spec.name()), trigger, "duplicate delivery of " + id + ": already applied", live.capacity());
        }
      } catch (ConcurrentUpdateException e) {
        if (attempt >= 2) {
          throw e;
        }
        continue;
      }
      if (outcome.equals("SCALED")) {
        try {
          ResourceNames names = ResourceNames.of(spec);
          // Bounds first, so Application Auto Scaling (native engine) does not undo the new count.
          aws.autoScaling().registerScalableTarget(Requests.registerTarget(names, min, max));
          writer.write(spec, live.capacity(), to, instances);
        } catch (AwsServiceException | IllegalStateException e) {
          String failure = e instanceof AwsServiceException a ? AwsErrors.describe(a) : e.getMessage();
          LedgerEntry failed = new LedgerEntry(spec.name(), clock.instant(), id + "#failed", "schedule", trigger, entry.state(), Optional.empty(), Optional.empty(),
              Optional.empty(), Optional.empty(), live.capacity(), live.capacity(), limitedBy, "FAILED", "applying " + reason + " failed: " + failure + "; the reconcile tick retries");
          store.append(failed, expires);
          return new ScalingResult(Optional.of(spec.name()), trigger, "FAILED", live.capacity(), live.capacity(), Optional.empty(), Optional.empty(), failed.reason());
        }
        writer.publish(entry);
      }
      return new ScalingResult(Optional.of(spec.name()), trigger, outcome, live.capacity(), to, instances.map(InstancePlan::from), instances.map(InstancePlan::to), reason);
    }
  }
}
