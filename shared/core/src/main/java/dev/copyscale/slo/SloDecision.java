package dev.copyscale.slo;

import dev.copyscale.scaling.capacity.InstancePlan;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code engine: slo} decides, as one pure function of what it observed (docs/slo.md): the
 * spec and its capacity, the component's load as SageMaker publishes it, the target's state, the
 * live capacity and the time. It plans whole instances and fills them with copies: it adds what the
 * load needs now or will need by the time new capacity could serve, and releases an instance only
 * when the whole scale-in window shows it unneeded.
 *
 * @param entry the ledger entry, its reason the explanation
 * @param next the target state to commit
 * @param instances the instances the copies need, when copyscale manages them
 * @param plan the figures the decision rests on
 */
public record SloDecision(
    LedgerEntry entry, TargetState next, Optional<InstancePlan> instances, Plan plan) {

  /** Minutes of history the work factor needs before it replaces the profile's request size. */
  static final int WORK_SAMPLES = 5;

  /**
   * Whole minutes the copies serving now must have served before a backlog counts: the invocation
   * timeout (60 s) clears what queued before they came, and the minute after it shows in the
   * history.
   */
  static final int SETTLE_MINUTES = 2;

  /**
   * Everything the decision looks at.
   *
   * @param recentConcurrencyPerCopy ConcurrentRequestsPerCopy, 10-second averages of the last
   *     minute, oldest first
   * @param period the recurring pattern's period in minutes, when forecasting is on and the history
   *     shows one
   * @param trigger "tick", or the wake-up alarm that woke the engine
   * @param deployedAt when the deployment's spec was last applied (its record's last write): the
   *     copies the deploy started with are kept for a scale-in window after it, as those of a
   *     scale-out are
   */
  public record Inputs(
      DeploymentSpec spec,
      SloCapacity capacity,
      LoadHistory history,
      List<Double> recentConcurrencyPerCopy,
      OptionalInt period,
      TargetState target,
      LiveCapacity live,
      Instant now,
      String eventKey,
      String trigger,
      Optional<Instant> deployedAt) {}

  /**
   * @param perCopy requests a copy runs within the objective
   * @param work this traffic's request size against the profile's
   * @param demandNow requests in flight now
   * @param demandAhead what the pattern says will be in flight within the lead time (else
   *     demandNow)
   * @param windowPeak the highest demand in the scale-in window
   * @param copies copies decided
   * @param instancesHeld whole instances those copies fill
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

  public Outcome outcome() {
    return entry.outcome();
  }

  public static SloDecision decide(Inputs in) {
    DeploymentSpec spec = in.spec();
    SloCapacity cap = in.capacity();
    LiveCapacity live = in.live();
    TargetState target = in.target();
    LoadHistory history = in.history();
    int asked = target.intent().map(CapacityIntent::capacity).orElse(live.capacity());
    int leadMinutes = (int) Math.ceil(cap.leadTime().toSeconds() / 60.0);
    int windowMinutes = (int) Math.max(1, cap.slo().scaleInWindow().toMinutes());

    double work = history.workFactor(cap, WORK_SAMPLES).orElse(1);
    work = Math.max(0.25, Math.min(8, work));
    double perCopy = cap.perCopy(work);
    // Demand is planned at the operating point: requests in flight were each copy to run perCopy of
    // them.
    // (At less load copies finish sooner and hold fewer; counting those would undersize the plan.)
    double serviceMs = cap.serviceMs(perCopy, work);
    double[] demand = history.demand(serviceMs);
    int n = demand.length;

    // Now: the last minute's arrivals, and the copies' own 10-second count of requests in flight (a
    // rise shows within seconds).
    double now = n == 0 ? 0 : demand[n - 1];
    double busiest =
        in.recentConcurrencyPerCopy().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    // A backlog beyond what the copies run is planned for only once the copies serving now have
    // served whole minutes: what
    // queued while capacity was short is served or times out within the 60 s invocation timeout of
    // its arrival, long before
    // another instance could serve, while a backlog that outlasts that says the copies carry less
    // than planned.
    if (!servedThroughout(history, live.servingCopies(), SETTLE_MINUTES)) {
      busiest = Math.min(busiest, perCopy);
    }
    double inFlight =
        atOperatingPoint(cap, busiest * live.servingCopies(), busiest, serviceMs, work);
    // Ahead: the pattern's forecast.
    OptionalInt period = in.period();
    double forecast =
        period.isPresent()
            ? Seasonality.forecast(demand, period.getAsInt(), 0, leadMinutes + 1)
            : 0;
    double ahead = Math.max(now, forecast);
    // Releasing follows the pattern once it has foretold the whole last window, counted in
    // instances: an instance then
    // goes when the last minute and the next two lead times (the higher of the last two cycles)
    // show it unneeded, and
    // comes back a lead time ahead of the next rise, instead of being held through the gaps (the
    // pattern, not the
    // window, says what recurs). A minute it did not foretell puts the window back in charge.
    boolean byPattern =
        period.isPresent()
            && Seasonality.held(
                demand,
                period.getAsInt(),
                windowMinutes,
                d -> cap.instancesFor(cap.copiesFor(d, perCopy)));
    int lookBack = byPattern ? 1 : windowMinutes;
    double patternAhead =
        byPattern ? Seasonality.highest(demand, period.getAsInt(), 0, 2 * leadMinutes) : 0;
    // The look-back's demand (headroom added below) and its peak as the copies counted it (taken as
    // it is).
    double windowPeak = now;
    double windowBusiest = inFlight;
    for (int i = Math.max(0, n - lookBack); i < n; i++) {
      windowPeak = Math.max(windowPeak, demand[i]);
      double p = history.peak(i);
      if (!Double.isNaN(p)) {
        windowBusiest =
            Math.max(
                windowBusiest,
                atOperatingPoint(cap, p, history.concurrencyPerCopyMax()[i], serviceMs, work));
      }
    }
    double hold = Math.max(windowPeak, byPattern ? patternAhead : ahead);
    boolean refused = history.refusedInLast(2) > 0;

    int askedInstances = cap.instancesFor(asked);
    double upDemand = Math.max(ahead, inFlight);
    int copiesUp = Math.max(cap.copiesFor(ahead, perCopy), cap.copiesForPeak(inFlight, perCopy));
    double holdDemand = Math.max(hold, windowBusiest);
    int copiesHold =
        Math.max(cap.copiesFor(hold, perCopy), cap.copiesForPeak(windowBusiest, perCopy));
    // What the load says: more instances now, fewer after the window, or what is asked for.
    String why;
    int instances;
    boolean rising = copiesUp > asked;
    if (rising) {
      // More copies than asked, whether or not they need another instance (the deploy's copies may
      // not fill the one it has).
      instances = Math.max(cap.instancesFor(copiesUp), askedInstances);
      why = describe(Math.max(now, inFlight), forecast, period, leadMinutes) + " need " + copiesUp;
    } else if (cap.instancesFor(copiesHold) < askedInstances
        && target.intent().isEmpty()
        && !addedWithin(target, in.now(), byPattern ? cap.leadTime() : cap.slo().scaleInWindow())
        && !in.deployedAt()
            .map(at -> in.now().isBefore(at.plus(cap.slo().scaleInWindow())))
            .orElse(false)) {
      instances = cap.instancesFor(copiesHold);
      why =
          byPattern
              ? "the pattern every "
                  + minutes(period.getAsInt())
                  + " foretold the last "
                  + windowMinutes
                  + " min; the last "
                  + lookBack
                  + " min and the next "
                  + 2 * leadMinutes
                  + " min need at most "
                  + fmt(holdDemand)
                  + " requests in flight: "
                  + copiesHold
              : "the "
                  + windowMinutes
                  + "-minute peak"
                  + (forecast > windowPeak ? " and the pattern ahead" : "")
                  + " of "
                  + fmt(holdDemand)
                  + " requests in flight needs "
                  + copiesHold;
    } else {
      instances = askedInstances;
      why =
          fmt(Math.max(holdDemand, upDemand))
              + " requests in flight at the "
              + (byPattern
                  ? lookBack + "-minute peak or in the pattern's next " + 2 * leadMinutes + " min"
                  : windowMinutes
                      + "-minute peak"
                      + (forecast > windowPeak ? " or expected ahead" : ""))
              + " need "
              + Math.max(copiesHold, copiesUp);
    }
    if (refused && asked == 0) {
      // A request refused for want of a copy brings copies back, whatever the minute's figures say.
      instances = Math.max(1, instances);
      why =
          fmt(history.refusedInLast(2))
              + " requests were refused for want of a copy (NoCapacityInvocationFailures); "
              + why;
    }
    int per = cap.copiesPerInstance();
    int max =
        Math.min(
            Math.min(live.maxCapacity(), spec.guardrails().maxCopies()),
            per * spec.guardrails().maxInstances());
    int min = live.minCapacity();
    List<String> notes = new ArrayList<>();
    List<String> limitedBy = new ArrayList<>();
    if (instances < cap.instancesFor(min)) {
      instances = cap.instancesFor(min);
      notes.add(
          "minCopies " + min + " keeps " + instances + " instance" + (instances == 1 ? "" : "s"));
    }
    // Fill the instances held: copies on an instance already paid for cost nothing.
    int copies = Math.min(max, instances * per);
    if (copies < instances * per) {
      limitedBy.add("at most " + max + " copies (bounds and guardrails)");
    }
    notes.addAll(limitedBy);
    int held = cap.instancesFor(copies);
    String verb =
        copies > asked
            ? (rising || refused
                ? "adding"
                : held == 1 ? "filling the instance held" : "filling the instances held")
            : copies < asked ? "releasing" : "holding";
    String reason =
        verb
            + ": "
            + why
            + " copies at "
            + fmt(perCopy)
            + " per copy for TTFT <= "
            + cap.slo().ttft().toMillis()
            + " ms at "
            + fmt(cap.slo().attainment() * 100)
            + "%: "
            + held
            + " instance"
            + (held == 1 ? "" : "s")
            + " of "
            + per
            + ", "
            + copies
            + " copies"
            + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");

    Optional<InstancePlan> plan = InstancePlan.of(spec, copies, live.instances());
    int instancesAsked =
        target.intent().flatMap(CapacityIntent::instances).orElse(live.instances());
    boolean changes = copies != asked || plan.map(p -> p.to() != instancesAsked).orElse(false);
    Outcome outcome =
        !changes
            ? Outcome.NO_CHANGE
            : spec.guardrails().dryRun() ? Outcome.DRY_RUN : Outcome.SCALED;
    if (outcome == Outcome.DRY_RUN) {
      reason = "dry run, nothing written: " + reason;
    }
    LedgerEntry entry =
        LedgerEntry.builder(spec.name(), in.now(), in.eventKey(), "slo", in.trigger())
            .state(in.trigger().equals("tick") ? "" : "ALARM")
            .metric(Optional.of(round(hold)))
            .threshold(round(perCopy))
            .policy("slo")
            .capacity(asked, copies)
            .limitedBy(limitedBy)
            .outcome(outcome, reason)
            .build();
    TargetState next = target.next();
    if (outcome == Outcome.SCALED) {
      next =
          next.withCooldowns(target.cooldowns().afterChange(in.now(), asked, copies))
              .withIntent(
                  Optional.of(
                      CapacityIntent.of(copies, plan, entry, Optional.of(target.cooldowns()))));
    }
    return new SloDecision(
        entry,
        next,
        plan,
        new Plan(perCopy, work, Math.max(now, inFlight), ahead, holdDemand, period, copies, held));
  }

  /**
   * {@code inFlight} requests counted while each copy held {@code perCopyThen}, as requests in
   * flight at the operating point: they arrived at inFlight / the service time at that concurrency
   * a second, and at the operating point that rate keeps rate × serviceMs in flight. A backlog
   * counts in full: copies holding more than the plan says they run show the plan's capacity is not
   * there, whatever the reason (longer prompts than the profile's, a batch packed unevenly), and
   * more is added (the 10-second count's backlog only once the copies have settled: see {@link
   * #SETTLE_MINUTES}).
   */
  private static double atOperatingPoint(
      SloCapacity cap, double inFlight, double perCopyThen, double serviceMs, double work) {
    if (inFlight <= 0 || perCopyThen <= 0) {
      return 0;
    }
    return inFlight / cap.serviceMs(perCopyThen, work) * serviceMs;
  }

  /** Whether at least {@code copies} copies served in each of the last {@code minutes} minutes. */
  private static boolean servedThroughout(LoadHistory history, int copies, int minutes) {
    int n = history.minutes();
    if (n < minutes) {
      return false;
    }
    for (int i = n - minutes; i < n; i++) {
      // A minute without requests served had no backlog to leave: it counts as served.
      double served = history.copies(i);
      if (!Double.isNaN(served) && served < copies - 0.5) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether capacity was added within the window: what was added for a rise is kept for a whole
   * window after it.
   */
  private static boolean addedWithin(TargetState target, Instant now, Duration window) {
    return target
        .cooldowns()
        .lastScaleOut()
        .map(o -> now.isBefore(o.at().plus(window)))
        .orElse(false);
  }

  private static String describe(double now, double forecast, OptionalInt period, int leadMinutes) {
    String s = fmt(now) + " requests in flight now";
    if (forecast > now) {
      s +=
          ", "
              + fmt(forecast)
              + " expected within "
              + leadMinutes
              + " min (the pattern every "
              + minutes(period.getAsInt())
              + ")";
    }
    return s;
  }

  private static String minutes(int m) {
    return m % 1440 == 0 ? (m / 1440) + " d" : m % 60 == 0 ? (m / 60) + " h" : m + " min";
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /**
   * How long a window of history the decision reads: the scale-in window, and two weeks for daily
   * and weekly patterns.
   */
  public static Duration historyNeeded(SloCapacity capacity) {
    Duration window = capacity.slo().scaleInWindow().plusMinutes(WORK_SAMPLES);
    return capacity.slo().forecast() ? max(window, Duration.ofDays(14)) : window;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
