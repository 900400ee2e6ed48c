package dev.copyscale.slo;

import dev.copyscale.scaling.capacity.InstancePlan;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.scaling.state.WakeUp;
import dev.copyscale.spec.DeploymentSpec.Guardrails;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code engine: slo} decides, as one pure function of what it observed (docs/slo.md), in the
 * parts Kubernetes' HPA separates: how many ({@link Demand}: the load now, at its peaks and ahead),
 * how fast ({@link InstanceRule}: add at once, release after the window, else hold), within which
 * bounds ({@link #fill}: whole instances filled with copies, or on an endpoint shared with other
 * components the copies alone, which the endpoint's arbiter then grants and places; within the
 * target's bounds and the guardrails), and why ({@link SloReason}).
 *
 * @param decision the decision to commit; its entry's reason is the explanation
 * @param plan the figures the decision rests on
 */
public record SloDecision(Decision decision, Plan plan) {

  /**
   * Everything the decision looks at.
   *
   * @param recentConcurrencyPerCopy ConcurrentRequestsPerCopy, 10-second averages of the last
   *     minute, oldest first
   * @param period the recurring pattern's period in minutes, when forecasting is on and the history
   *     shows one
   * @param deployedAt when the deployment's spec was last applied (its record's last write): the
   *     copies the deploy started with are kept for a scale-in window after it, as those of a
   *     scale-out are
   */
  public record Inputs(
      ScalingTarget target,
      SloCapacity capacity,
      RequestSize requestSize,
      LoadHistory history,
      List<Double> recentConcurrencyPerCopy,
      OptionalInt period,
      TargetState state,
      LiveCapacity live,
      Instant now,
      WakeUp wakeUp,
      Optional<Instant> deployedAt) {}

  /**
   * @param perCopy requests a copy runs within the objective
   * @param work this traffic's request size against the profile's
   * @param demandNow requests in flight now
   * @param demandAhead what the pattern says will be in flight within the lead time (else
   *     demandNow)
   * @param windowPeak the highest demand in the scale-in window
   * @param copies copies decided
   * @param instancesHeld whole instances those copies fill (alone; on a shared endpoint the arbiter
   *     decides the instances)
   */
  public record Plan(
      double perCopy,
      double work,
      double demandNow,
      double demandAhead,
      double windowPeak,
      OptionalInt period,
      int copies,
      int instancesHeld) {}

  public LedgerEntry entry() {
    return decision.entry();
  }

  public TargetState next() {
    return decision.next();
  }

  public Optional<InstancePlan> instances() {
    return decision.instances();
  }

  public Outcome outcome() {
    return decision.outcome();
  }

  /** The copies the bounds and guardrails let the instances hold, and what limited them. */
  record Fill(int copies, List<String> notes, List<String> limitedBy) {}

  public static SloDecision decide(Inputs in) {
    SloCapacity cap = in.capacity();
    LiveCapacity live = in.live();
    TargetState state = in.state();
    int asked = state.intent().map(CapacityIntent::capacity).orElse(live.capacity());

    Demand d =
        Demand.estimate(
            cap,
            in.requestSize(),
            in.history(),
            in.recentConcurrencyPerCopy(),
            in.period(),
            live.servingCopies());
    InstanceRule.Verdict verdict =
        InstanceRule.decide(d, cap, in.period(), asked, state, in.now(), in.deployedAt());
    Fill fill = fill(verdict.units(), cap, live, in.target().spec().guardrails());
    int copies = fill.copies();
    int held = cap.instancesFor(copies);
    String reason =
        SloReason.sentence(
            SloReason.verb(
                copies,
                asked,
                verdict.move() == InstanceRule.Move.ADD || cap.unit() == SloCapacity.Unit.COPY,
                d.refused() > 0,
                held),
            verdict.why(),
            d.perCopy(),
            cap,
            d.learnt(),
            held,
            copies,
            fill.notes(),
            ObjectiveWindow.last(
                in.history(), cap.windowMinutes(), d.perCopy(), cap.slo().attainment()),
            d.work());

    Optional<InstancePlan> plan = in.target().plan(copies, live.instances());
    int instancesAsked = state.intent().flatMap(CapacityIntent::instances).orElse(live.instances());
    boolean changes = copies != asked || plan.map(p -> p.to() != instancesAsked).orElse(false);
    boolean dryRun = in.target().spec().guardrails().dryRun();
    Outcome outcome = !changes ? Outcome.NO_CHANGE : dryRun ? Outcome.DRY_RUN : Outcome.SCALED;
    if (outcome == Outcome.DRY_RUN) {
      reason = "dry run, nothing written: " + reason;
    }
    LedgerEntry entry =
        in.wakeUp()
            .entry(in.target().name(), in.now())
            .metric(Optional.of(round(d.hold())))
            .threshold(round(d.perCopy()))
            .policy("slo")
            .capacity(asked, copies)
            .limitedBy(fill.limitedBy())
            .outcome(outcome, reason)
            .build();
    TargetState next = state.next();
    if (outcome == Outcome.SCALED) {
      next =
          next.withCooldowns(state.cooldowns().afterChange(in.now(), asked, copies))
              .withIntent(
                  Optional.of(
                      CapacityIntent.of(copies, plan, entry, Optional.of(state.cooldowns()))));
    }
    return new SloDecision(
        new Decision(entry, next, plan),
        new Plan(
            d.perCopy(),
            d.work(),
            d.present(),
            d.ahead(),
            d.holdDemand(),
            in.period(),
            copies,
            held));
  }

  /**
   * The copies {@code units} of the engine's {@link SloCapacity#unit} hold: whole instances filled
   * (copies on an instance already paid for cost nothing), or on a shared endpoint the copies
   * themselves; within the target's bounds ({@code minCopies} keeps its units) and the guardrails.
   */
  static Fill fill(int units, SloCapacity cap, LiveCapacity live, Guardrails guardrails) {
    int per = cap.copiesPerUnit();
    int max =
        Math.min(
            Math.min(live.maxCapacity(), guardrails.maxCopies()),
            cap.copiesPerInstance() * guardrails.maxInstances());
    int min = live.minCapacity();
    List<String> notes = new ArrayList<>();
    List<String> limitedBy = new ArrayList<>();
    if (units < cap.unitsFor(min)) {
      units = cap.unitsFor(min);
      notes.add("minCopies " + min + " keeps " + SloReason.units(cap, units));
    }
    int copies = Math.min(max, units * per);
    if (copies < units * per) {
      limitedBy.add("at most " + max + " copies (bounds and guardrails)");
    }
    notes.addAll(limitedBy);
    return new Fill(copies, notes, limitedBy);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
