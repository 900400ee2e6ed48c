package dev.copyscale.aws.apply;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.observe.ComponentCopies;
import dev.copyscale.aws.observe.LiveCapacityReader;
import dev.copyscale.aws.observe.LiveView;
import dev.copyscale.aws.store.Retry;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.cost.HourlyCost;
import dev.copyscale.scaling.arbiter.ArbiterDecision;
import dev.copyscale.scaling.arbiter.PlannedInstance;
import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.convergence.Convergence;
import dev.copyscale.scaling.grant.EndpointGrant;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.scaling.state.WakeUp;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SharedEndpointRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one way every engine's decisions are made and applied, for one wake-up of one target:
 *
 * <ol>
 *   <li><b>handled?</b> EventBridge, Scheduler and Lambda deliver at least once: a wake-up whose
 *       event was handled gets the duplicate result, recorded when the event was delivered;
 *   <li><b>observe</b> the target's state and live capacity (the engine reads what else it needs);
 *   <li><b>decide</b>: the engine's pure decision;
 *   <li><b>commit</b> its ledger entry, the event id and the next state in one conditional write:
 *       of two invocations only one wins, and the other observes and decides again ({@link Retry});
 *   <li><b>apply</b>: the new bounds, if any, then the writes towards the capacity ({@link
 *       CapacityConvergence}); only the invocation that won the commit touches AWS.
 * </ol>
 *
 * A tick's decision that changes nothing is neither committed nor recorded.
 */
public final class DecisionLoop {
  private final StateStore store;
  private final CapacityWriter writer;
  private final BoundsWriter bounds;
  private final CapacityConvergence convergence;
  private final LiveCapacityReader reader;
  private final Clock clock;
  private final Duration retention;

  public DecisionLoop(
      StateStore store,
      CapacityWriter writer,
      BoundsWriter bounds,
      CapacityConvergence convergence,
      LiveCapacityReader reader,
      Clock clock,
      Duration retention) {
    this.store = store;
    this.writer = writer;
    this.bounds = bounds;
    this.convergence = convergence;
    this.reader = reader;
    this.clock = clock;
    this.retention = retention;
  }

  /** An engine's decision, from the target's state and live capacity at {@code now}. */
  @FunctionalInterface
  public interface Decide {
    Decision decide(TargetState state, LiveCapacity live, Instant now);
  }

  /**
   * What an attempt came to: a result already, or a committed decision to apply, with the decisions
   * the endpoint's arbiter made for sibling components in the same commit.
   */
  private record Attempt(
      Optional<ScalingResult> done, Decision committed, List<Decision> siblings) {}

  public ScalingResult run(ScalingTarget target, WakeUp wakeUp, LiveView live, Decide decide) {
    Attempt attempt = Retry.onConflict(() -> attempt(target, wakeUp, live, decide));
    if (attempt.done().isPresent()) {
      return attempt.done().get();
    }
    // Rule 7 of the arbiter: the copies taken from siblings go first, making the room the grant
    // was planned on.
    for (Decision sibling : attempt.siblings()) {
      ScalingTarget of = sibling(target, sibling.entry().deployment());
      convergence.converge(of, reader.view(of.spec()));
    }
    if (!attempt.siblings().isEmpty()) {
      live.changed();
      Optional<String> waits = waitsForScaleIn(target, live.get());
      if (waits.isPresent()) {
        LedgerEntry pending = attempt.committed().committed();
        return ScalingResult.of(
            pending.withOutcome(pending.outcome(), pending.reason() + "; " + waits.get()),
            attempt.committed().instances());
      }
    }
    return apply(target, attempt.committed(), live);
  }

  /**
   * Continues the target's pending change, if it has one; on a shared endpoint a raise waits while
   * a sibling still holds copies the arbiter took from it ({@link #waitsForScaleIn}).
   */
  public Optional<ScalingResult> converge(ScalingTarget target, LiveView live) {
    if (waitsForScaleIn(target, live.get()).isPresent()) {
      return Optional.empty();
    }
    return convergence.converge(target, live);
  }

  /**
   * Rule 7 of the arbiter, scale-ins first ({@link EndpointGrant#waitsForScaleIn}), from the
   * siblings' intents (state table) and copies (SageMaker). Why a raise waits, if it does.
   */
  private Optional<String> waitsForScaleIn(ScalingTarget target, LiveCapacity live) {
    if (!target.shared()) {
      return Optional.empty();
    }
    Optional<Integer> intended = store.target(target.name()).intent().map(CapacityIntent::capacity);
    if (intended.filter(c -> c > live.capacity()).isEmpty()) {
      return Optional.empty();
    }
    List<EndpointGrant.Holding> siblings = new ArrayList<>();
    for (ScalingTarget sibling : target.siblings()) {
      Optional<Integer> granted =
          store.target(sibling.name()).intent().map(CapacityIntent::capacity);
      if (sibling.name().equals(target.name()) || granted.isEmpty()) {
        continue;
      }
      ComponentCopies copies = reader.copies(sibling.spec());
      siblings.add(
          new EndpointGrant.Holding(
              sibling.spec().component().name(), granted, copies.desired(), copies.serving()));
    }
    return EndpointGrant.waitsForScaleIn(intended, live.capacity(), siblings);
  }

  private Attempt attempt(ScalingTarget target, WakeUp wakeUp, LiveView live, Decide decide) {
    Instant now = clock.instant();
    if (store.handled(wakeUp.eventKey())) {
      return done(duplicate(target, wakeUp, now));
    }
    // Read before any component's state: a commit conditional on it fails if any component of
    // the endpoint committed since.
    long endpointVersion = target.shared() ? store.endpointVersion(target.spec().name()) : 0;
    TargetState state = store.target(target.name());
    Decision decision = decide.decide(state, live.get(), now);
    List<Decision> siblings = List.of();
    boolean heldBack = false;
    if (target.shared() && decision.outcome() == Outcome.SCALED) {
      EndpointGrant.Result granted =
          EndpointGrant.grant(grantInputs(target, state, live.get(), decision, now));
      decision = granted.decision();
      siblings = granted.siblings();
      heldBack = decision.outcome() == Outcome.NO_CHANGE;
      if (granted.arbiter().isPresent()) {
        Map<String, HourlyCost> costs = costs(target, granted.arbiter().get());
        decision = decision.withEntry(decision.entry().withCost(costs.get(component(target))));
        siblings =
            siblings.stream()
                .map(
                    d ->
                        d.withEntry(
                            d.entry()
                                .withCost(
                                    costs.get(component(sibling(target, d.entry().deployment()))))))
                .toList();
      }
    }
    if (wakeUp.tick()
        && decision.outcome() == Outcome.NO_CHANGE
        && !(heldBack && holdStarts(target, decision.entry(), now))) {
      return done(ScalingResult.of(decision.entry(), decision.instances()));
    }
    try {
      Instant expiresAt = now.plus(retention);
      boolean committed =
          target.shared()
              ? store.commitShared(
                  wakeUp.eventKey(),
                  decision,
                  target.spec().name(),
                  endpointVersion,
                  siblings,
                  expiresAt)
              : store.commit(wakeUp.eventKey(), decision.next(), decision.committed(), expiresAt);
      if (!committed) {
        return done(duplicate(target, wakeUp, now));
      }
    } catch (StateStore.ConcurrentUpdateException e) {
      // Another invocation won the target (or a sibling on its endpoint) and may have written to
      // SageMaker since it was read.
      live.changed();
      throw e;
    }
    return new Attempt(Optional.empty(), decision, siblings);
  }

  private static Attempt done(ScalingResult result) {
    return new Attempt(Optional.of(result), null, List.of());
  }

  /**
   * What the arbiter grants from, read in this attempt: every component's target state from the
   * state table and its copies from SageMaker (the deciding one's from {@code live}).
   */
  private EndpointGrant.Inputs grantInputs(
      ScalingTarget target, TargetState state, LiveCapacity live, Decision wish, Instant now) {
    DeploymentSpec endpoint = target.endpoint();
    InstanceType type =
        target
            .instanceType()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "endpoint.instanceType: "
                            + endpoint.endpoint().instanceType()
                            + " is not in copyscale's catalog, so the arbiter cannot place the"
                            + " components' copies"));
    List<EndpointGrant.Component> components = new ArrayList<>();
    for (ScalingTarget member : target.siblings()) {
      DeploymentSpec spec = member.spec();
      boolean self = member.name().equals(target.name());
      ComponentCopies copies =
          self ? new ComponentCopies(live.capacity(), live.servingCopies()) : reader.copies(spec);
      // A sibling's bounds as its scalable target holds them: its schedules move them.
      Bounds bounds =
          self ? new Bounds(live.minCapacity(), live.maxCapacity()) : reader.bounds(spec);
      int minCopies = bounds.min();
      int maxCopies = Math.max(minCopies, Math.min(bounds.max(), spec.guardrails().maxCopies()));
      components.add(
          new EndpointGrant.Component(
              spec.component().name(),
              member.name(),
              spec.component().priority(),
              SharedEndpointRules.perCopy(spec.component()),
              minCopies,
              maxCopies,
              copies.desired(),
              copies.serving(),
              self ? state : store.target(member.name()),
              spec.scaling().engine().policiesRunInApplicationAutoScaling()));
    }
    return new EndpointGrant.Inputs(
        target.spec().component().name(),
        wish,
        SharedEndpointRules.limits(endpoint, type),
        live.instances(),
        components,
        now);
  }

  /**
   * What each component costs an hour with the instances and copies the arbiter planned (its share
   * of each instance's accelerators, {@link HourlyCost}), by component name.
   */
  private static Map<String, HourlyCost> costs(ScalingTarget target, ArbiterDecision arbiter) {
    InstanceType type = target.instanceType().orElseThrow();
    Map<String, Double> perCopy = new LinkedHashMap<>();
    for (ScalingTarget member : target.siblings()) {
      perCopy.put(
          component(member), SharedEndpointRules.perCopy(member.spec().component()).accelerators());
    }
    return HourlyCost.of(
        arbiter.layout().stream().map(PlannedInstance::copies).toList(),
        type.gpuCount(),
        type.priceUsdPerHour(),
        perCopy);
  }

  private static String component(ScalingTarget target) {
    return target.spec().component().name();
  }

  /**
   * Whether a tick the arbiter held back begins a hold the ledger does not show yet: its latest
   * entry of the last day is not the same hold (a held-back decision at these copies, by the same
   * limits). A tick that changes nothing is not recorded, but a component held back minute after
   * minute says so once when the hold starts and again when what holds it changes.
   */
  private boolean holdStarts(ScalingTarget target, LedgerEntry held, Instant now) {
    return store.ledger(target.name(), now.minus(Duration.ofDays(1))).stream()
        .max(Comparator.comparing(LedgerEntry::at))
        .filter(
            last ->
                last.outcome() == Outcome.NO_CHANGE
                    && last.from() == held.from()
                    && last.limitedBy().equals(held.limitedBy()))
        .isEmpty();
  }

  private static ScalingTarget sibling(ScalingTarget target, String name) {
    return target.siblings().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no component target " + name));
  }

  /**
   * Another delivery of this event was handled (or is being handled right now): nothing is written
   * to AWS, and a delivered event's repeat is recorded beside the first.
   */
  private ScalingResult duplicate(ScalingTarget target, WakeUp wakeUp, Instant now) {
    LedgerEntry entry = wakeUp.duplicate(target.name(), now);
    if (!wakeUp.tick()) {
      store.append(entry.asFollowUp(now, "repeat-" + now.toEpochMilli()), now.plus(retention));
    }
    return ScalingResult.of(entry, Optional.empty());
  }

  /** The bounds first, so Application Auto Scaling (native engine) does not undo the new count. */
  private ScalingResult apply(ScalingTarget target, Decision decision, LiveView live) {
    if (decision.bounds().isPresent()) {
      try {
        bounds.write(target.spec(), decision.bounds().get());
      } catch (SdkException e) {
        Convergence.GiveUp failed =
            Convergence.boundsNotSet(
                store.target(target.name()), decision, live.get(), AwsErrors.describe(e));
        store.saveTarget(failed.next());
        store.append(failed.entry(), clock.instant().plus(retention));
        return ScalingResult.of(failed.entry(), Optional.empty());
      }
    }
    if (!decision.startsChange()) {
      if (decision.outcome() == Outcome.SCALED) {
        writer.publish(decision.entry());
      }
      return ScalingResult.of(decision.entry(), decision.instances());
    }
    ScalingResult applied =
        convergence
            .converge(target, live)
            .orElse(ScalingResult.of(decision.entry(), decision.instances()));
    return applied.withInstances(decision.instances());
  }
}
