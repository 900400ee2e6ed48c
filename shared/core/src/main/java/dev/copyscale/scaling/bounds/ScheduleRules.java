package dev.copyscale.scaling.bounds;

import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.event.ScheduleRequest;
import dev.copyscale.scaling.state.BoundsOverride;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.scaling.state.WakeUp;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Schedule;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the scheduled-scaling function makes of a schedule firing, an operator's override and its
 * reconcile tick, before {@link BoundsDecision} decides the count: which bounds, under which key,
 * and why. Schedules work under every engine: they move the bounds, the dynamic engine scales
 * inside them. An override holds until it expires; the schedules take over again after it.
 */
public final class ScheduleRules {
  private ScheduleRules() {}

  /**
   * The deployment's schedule called {@code name}.
   *
   * @throws IllegalArgumentException when it has none
   */
  public static Schedule named(DeploymentSpec spec, String name) {
    return spec.scaling().schedules().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "deployment "
                        + spec.name()
                        + " has no schedule \""
                        + name
                        + "\"; it has "
                        + spec.scaling().schedules().stream().map(Schedule::name).toList()));
  }

  /**
   * The bounds a firing of schedule {@code named} brings: normally its window's; after a late
   * delivery, the newer window in force now.
   */
  public static BoundsRequest firing(DeploymentSpec spec, Schedule named, Instant now) {
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
    return windowRequest(
        spec,
        window,
        key(spec, window),
        note
            + "window "
            + window.schedule().name()
            + " fired "
            + window.firedAt()
            + " ("
            + window.schedule().cron()
            + " "
            + window.schedule().timezone()
            + ")");
  }

  /**
   * The reconcile tick's healing: the window in force now, when the target lacks its bounds or its
   * count lies outside them (a missed or late delivery). Empty when the target is right, when an
   * override holds or a change is still converging, or before any schedule has fired.
   */
  public static Optional<BoundsRequest> healing(
      DeploymentSpec spec, TargetState state, Supplier<LiveCapacity> live, Instant at) {
    if (state.overrideAt(at).isPresent() || state.intent().isPresent()) {
      return Optional.empty();
    }
    Optional<ScheduledBounds.Window> inForce =
        ScheduledBounds.inForce(spec.scaling().schedules(), at);
    if (inForce.isEmpty()) {
      return Optional.empty();
    }
    ScheduledBounds.Window w = inForce.get();
    LiveCapacity now = live.get();
    boolean boundsRight =
        now.minCapacity() == w.minCapacity() && now.maxCapacity() == w.maxCapacity();
    boolean countInside = now.capacity() >= w.minCapacity() && now.capacity() <= w.maxCapacity();
    if (boundsRight && countInside) {
      return Optional.empty();
    }
    return Optional.of(
        windowRequest(
            spec,
            w,
            key(spec, w) + "#heal#" + at,
            "reconcile: window "
                + w.schedule().name()
                + " (fired "
                + w.firedAt()
                + ") was not applied; healing a missed or late delivery"));
  }

  /**
   * The override an explicit-bounds request asks for, checked against the deployment.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static BoundsRequest override(ScalingTarget target, ScheduleRequest request, Instant now) {
    DeploymentSpec spec = target.spec();
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
    if (min > max) {
      throw new IllegalArgumentException(
          "min" + noun + " " + min + " is greater than max" + noun + " " + max);
    }
    if (max > target.guardrail().max()) {
      throw new IllegalArgumentException(
          "max"
              + noun
              + " "
              + max
              + " exceeds "
              + target.guardrail().label()
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
    String key =
        request
            .eventId()
            .map(id -> "eventbridge#" + id)
            .orElse("override#" + spec.targetName() + "#" + now);
    Bounds bounds = new Bounds(min, max);
    return new BoundsRequest(
        bounds,
        WakeUp.delivered(key, Source.OVERRIDE, "override", bounds.toString()),
        "override " + bounds + " until " + until + " (" + reason + ")",
        Optional.of(new BoundsOverride(min, max, now, until, reason)));
  }

  /** A schedule that fired while an override holds: recorded, not applied. */
  public static LedgerEntry overridden(
      DeploymentSpec spec, String trigger, BoundsOverride override, Instant now) {
    return LedgerEntry.builder(
            spec.targetName(), now, "overridden#" + trigger + "#" + now, Source.SCHEDULE, trigger)
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
  }

  /** An override that has expired by {@code now}: the entry that ends it, when there is one. */
  public static Optional<LedgerEntry> overrideEnded(
      DeploymentSpec spec, TargetState state, Instant now) {
    if (state.override().isEmpty() || state.overrideAt(now).isPresent()) {
      return Optional.empty();
    }
    BoundsOverride ended = state.override().get();
    return Optional.of(
        LedgerEntry.builder(
                spec.targetName(),
                now,
                "override-ended#" + spec.targetName() + "#" + ended.until(),
                Source.OVERRIDE,
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
            .build());
  }

  private static String key(DeploymentSpec spec, ScheduledBounds.Window w) {
    return "schedule#" + spec.targetName() + "#" + w.schedule().name() + "#" + w.firedAt();
  }

  private static BoundsRequest windowRequest(
      DeploymentSpec spec, ScheduledBounds.Window w, String key, String why) {
    Bounds bounds = new Bounds(w.minCapacity(), w.maxCapacity());
    return new BoundsRequest(
        bounds,
        WakeUp.delivered(
            key, Source.SCHEDULE, "schedule " + w.schedule().name(), bounds.toString()),
        why,
        Optional.empty());
  }
}
