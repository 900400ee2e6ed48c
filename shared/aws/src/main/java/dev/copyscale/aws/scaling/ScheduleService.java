package dev.copyscale.aws.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.deploy.Requests;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.bounds.BoundsDecision;
import dev.copyscale.scaling.bounds.ScheduledBounds;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.event.EventOrigin;
import dev.copyscale.scaling.event.EventSkew;
import dev.copyscale.scaling.event.ScheduleRequest;
import dev.copyscale.scaling.state.BoundsOverride;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The scheduled-scaling function's service: sets the scalable target's bounds to the schedule
 * window's (as Application Auto Scaling's scheduled actions do) and moves the current count into
 * them, within guardrails, recording the decision. Works under either engine: it moves the bounds,
 * and the dynamic engine keeps scaling inside them. An operator's override holds until it expires;
 * the schedules take over again after it. Observe, decide ({@link BoundsDecision}, pure), apply.
 */
public final class ScheduleService {
  private final Clients aws;
  private final StateStore store;
  private final Clock clock;
  private final CapacityWriter writer;
  private final CapacityConvergence convergence;
  private final Duration retention;
  private final Specs specs = new Specs();

  public ScheduleService(
      Clients aws, StateStore store, Clock clock, CapacityWriter writer, Duration retention) {
    this.aws = aws;
    this.store = store;
    this.clock = clock;
    this.writer = writer;
    this.retention = retention;
    this.convergence = new CapacityConvergence(store, writer, clock, retention);
  }

  /** Bounds from somewhere, to be decided on: a schedule window or an override. */
  private record Bounds(
      int min,
      int max,
      String source,
      String trigger,
      String why,
      String eventKey,
      Optional<BoundsOverride> override) {}

  /**
   * One schedule event. An event of another account or region, or stamped too far ahead of this
   * function's clock, is ignored with the reason before anything is read or written.
   */
  public List<ScalingResult> handle(JsonNode event, EventOrigin origin) {
    Optional<String> foreign = origin.check(event);
    ScheduleRequest request = ScheduleRequest.parse(event);
    Optional<String> refused =
        foreign.or(() -> request.checkSkew(clock.instant(), EventSkew.MAX_SKEW));
    if (refused.isPresent()) {
      return List.of(
          ScalingResult.ignored(request.deployment(), "schedule event", refused.get(), 0));
    }
    if (request.tick()) {
      return heal();
    }
    String name = request.deployment().orElseThrow();
    DeploymentRecord record =
        store
            .deployment(name)
            .filter(r -> !r.deleting())
            .orElseThrow(() -> new IllegalArgumentException("unknown deployment \"" + name + "\""));
    DeploymentSpec spec =
        record
            .scalingSpecJson()
            .map(json -> specs.parse(name, json))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "deployment \""
                            + name
                            + "\" has not reached InService yet; nothing to scale"));
    Instant now = clock.instant();
    if (request.schedule().isPresent()) {
      String scheduleName = request.schedule().get();
      Schedule named =
          spec.scaling().schedules().stream()
              .filter(s -> s.name().equals(scheduleName))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "deployment "
                              + spec.name()
                              + " has no schedule \""
                              + scheduleName
                              + "\"; it has "
                              + spec.scaling().schedules().stream().map(Schedule::name).toList()));
      Optional<BoundsOverride> override = store.target(spec.name()).overrideAt(now);
      if (override.isPresent()) {
        return List.of(overridden(spec, "schedule " + named.name(), override.get(), now));
      }
      return List.of(apply(spec, window(spec, named, now)));
    }
    String noun = spec.scaling().dimension().boundNoun();
    if (!request.boundNoun().orElseThrow().equals(noun)) {
      throw new IllegalArgumentException(
          "deployment "
              + spec.name()
              + " scales "
              + spec.scaling().dimension().specValue()
              + ": give min"
              + noun
              + "/max"
              + noun);
    }
    int min = request.min().orElseThrow();
    int max = request.max().orElseThrow();
    int guard =
        spec.scaling().dimension() == Dimension.COPIES
            ? spec.guardrails().maxCopies()
            : spec.guardrails().maxInstances();
    if (min > max) {
      throw new IllegalArgumentException(
          "min" + noun + " " + min + " is greater than max" + noun + " " + max);
    }
    if (max > guard) {
      throw new IllegalArgumentException(
          "max"
              + noun
              + " "
              + max
              + " exceeds guardrails.max"
              + noun
              + " "
              + guard
              + " of deployment "
              + spec.name());
    }
    Instant until = request.until().orElseThrow().from(now);
    if (!until.isAfter(now) || until.isAfter(now.plus(ScheduleRequest.MAX_OVERRIDE))) {
      throw new IllegalArgumentException(
          "until: "
              + until
              + " must be after now ("
              + now
              + ") and within "
              + ScheduleRequest.MAX_OVERRIDE.toDays()
              + " days");
    }
    String reason = request.reason().orElseThrow();
    BoundsOverride override = new BoundsOverride(min, max, now, until, reason);
    String key =
        request
            .eventId()
            .map(id -> "eventbridge#" + id)
            .orElse("override#" + spec.name() + "#" + now);
    return List.of(
        apply(
            spec,
            new Bounds(
                min,
                max,
                "override",
                "override",
                "override [" + min + ", " + max + "] until " + until + " (" + reason + ")",
                key,
                Optional.of(override))));
  }

  /** The window in force now: normally the named one's; after a late delivery, the newer one's. */
  private static Bounds window(DeploymentSpec spec, Schedule named, Instant now) {
    ScheduledBounds.Window window =
        ScheduledBounds.inForce(spec.scaling().schedules(), now)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "schedule " + named.name() + " has not fired yet at " + now));
    String note =
        window.schedule().name().equals(named.name())
            ? ""
            : "late delivery of " + named.name() + "; ";
    return new Bounds(
        window.minCapacity(),
        window.maxCapacity(),
        "schedule",
        "schedule " + window.schedule().name(),
        note
            + "window "
            + window.schedule().name()
            + " fired "
            + window.firedAt()
            + " ("
            + window.schedule().cron()
            + " "
            + window.schedule().timezone()
            + ")",
        "schedule#" + spec.name() + "#" + window.schedule().name() + "#" + window.firedAt(),
        Optional.empty());
  }

  /**
   * The reconcile tick, per deployment and isolated from the others: continue a change SageMaker
   * could not take at once; end an expired override; give the target the window in force now if it
   * lacks it (a missed or late delivery), unless an override holds.
   */
  public List<ScalingResult> heal() {
    List<DeploymentRecord> live = store.deployments().stream().filter(r -> !r.deleting()).toList();
    return specs.eachDeployment(
        live,
        "reconcile",
        name -> "healing " + name,
        (record, spec, results) -> heal(spec, results));
  }

  private void heal(DeploymentSpec spec, List<ScalingResult> results) {
    convergence.converge(spec).ifPresent(results::add);
    Instant now = clock.instant();
    TargetState target = store.target(spec.name());
    if (target.override().isPresent() && target.overrideAt(now).isEmpty()) {
      BoundsOverride ended = target.override().get();
      store.saveTarget(target.withOverride(Optional.empty()).next());
      store.append(
          LedgerEntry.builder(
                  spec.name(),
                  now,
                  "override-ended#" + spec.name() + "#" + ended.until(),
                  "override",
                  "override")
              .state("[" + ended.min() + ", " + ended.max() + "]")
              .outcome(
                  Outcome.NO_CHANGE,
                  "override ["
                      + ended.min()
                      + ", "
                      + ended.max()
                      + "] ("
                      + ended.reason()
                      + ") expired at "
                      + ended.until()
                      + "; the schedules apply again")
              .build(),
          now.plus(retention));
      target = store.target(spec.name());
    }
    if (target.overrideAt(now).isPresent() || target.intent().isPresent()) {
      return;
    }
    Optional<ScheduledBounds.Window> window =
        ScheduledBounds.inForce(spec.scaling().schedules(), now);
    if (window.isEmpty()) {
      return;
    }
    LiveCapacity live = writer.read(spec);
    ScheduledBounds.Window w = window.get();
    boolean boundsRight =
        live.minCapacity() == w.minCapacity() && live.maxCapacity() == w.maxCapacity();
    boolean countInside = live.capacity() >= w.minCapacity() && live.capacity() <= w.maxCapacity();
    if (boundsRight && countInside) {
      return;
    }
    String key = "schedule#" + spec.name() + "#" + w.schedule().name() + "#" + w.firedAt();
    results.add(
        apply(
            spec,
            new Bounds(
                w.minCapacity(),
                w.maxCapacity(),
                "schedule",
                "schedule " + w.schedule().name(),
                "reconcile: window "
                    + w.schedule().name()
                    + " (fired "
                    + w.firedAt()
                    + ") was not applied; healing a missed or late delivery",
                key + "#heal#" + now,
                Optional.empty())));
  }

  /** A schedule fired while an override holds: recorded, not applied. */
  private ScalingResult overridden(
      DeploymentSpec spec, String trigger, BoundsOverride override, Instant now) {
    LedgerEntry entry =
        LedgerEntry.builder(
                spec.name(), now, "overridden#" + trigger + "#" + now, "schedule", trigger)
            .state("[" + override.min() + ", " + override.max() + "]")
            .outcome(
                Outcome.IGNORED,
                trigger
                    + " not applied: override ["
                    + override.min()
                    + ", "
                    + override.max()
                    + "] holds until "
                    + override.until()
                    + " ("
                    + override.reason()
                    + "); the schedules apply again after it")
            .build();
    store.append(entry, now.plus(retention));
    return ScalingResult.of(entry, Optional.empty());
  }

  /** Observe, decide, apply; repeated when another invocation changed the target in between. */
  private ScalingResult apply(DeploymentSpec spec, Bounds bounds) {
    for (int attempt = 0; ; attempt++) {
      Instant now = clock.instant();
      if (store.handled(bounds.eventKey())) {
        return ScalingResult.ignored(
            Optional.of(spec.name()),
            bounds.trigger(),
            "duplicate delivery of " + bounds.eventKey() + ": already applied",
            0);
      }
      TargetState target = store.target(spec.name());
      LiveCapacity live = writer.read(spec);
      BoundsDecision decision =
          BoundsDecision.decide(
              new BoundsDecision.Inputs(
                  spec,
                  bounds.min(),
                  bounds.max(),
                  bounds.source(),
                  bounds.trigger(),
                  bounds.why(),
                  bounds.eventKey(),
                  target,
                  live,
                  now));
      TargetState next =
          bounds.override().isPresent()
              ? decision.next().withOverride(bounds.override())
              : decision.next();
      boolean countChange = decision.countChange();
      LedgerEntry recorded =
          countChange
              ? decision.entry().withOutcome(Outcome.PENDING, decision.entry().reason())
              : decision.entry();
      try {
        if (!store.commit(bounds.eventKey(), next, recorded, now.plus(retention))) {
          return ScalingResult.ignored(
              Optional.of(spec.name()),
              bounds.trigger(),
              "duplicate delivery of " + bounds.eventKey() + ": already applied",
              live.capacity());
        }
      } catch (ConcurrentUpdateException e) {
        if (attempt >= 4) {
          throw e;
        }
        continue;
      }
      if (decision.boundsChange()) {
        try {
          // Bounds first, so Application Auto Scaling (native engine) does not undo the new count.
          aws.autoScaling()
              .registerScalableTarget(
                  Requests.registerTarget(ResourceNames.of(spec), bounds.min(), bounds.max()));
        } catch (SdkException e) {
          LedgerEntry failed =
              decision
                  .entry()
                  .withCapacity(live.capacity(), live.capacity())
                  .withOutcome(
                      Outcome.FAILED,
                      decision.entry().reason()
                          + "; not done: setting the bounds failed: "
                          + AwsErrors.describe(e)
                          + "; the reconcile tick retries");
          store.saveTarget(store.target(spec.name()).withIntent(Optional.empty()).next());
          store.append(failed, now.plus(retention));
          return ScalingResult.of(failed, Optional.empty());
        }
      }
      if (!countChange) {
        if (decision.outcome() == Outcome.SCALED) {
          writer.publish(decision.entry());
        }
        return ScalingResult.of(decision.entry(), decision.instances());
      }
      return convergence
          .converge(spec)
          .orElse(ScalingResult.of(decision.entry(), decision.instances()));
    }
  }
}
