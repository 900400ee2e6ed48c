package dev.copyscale.slo;

import dev.copyscale.slo.LoadHistory.Series;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How much capacity the load asks for, engine slo's "how many" (docs/slo.md, "Demand, at the
 * operating point"): requests in flight had every copy run at its planned concurrency, now, at the
 * peaks the copies counted, and ahead where a recurring pattern foretells them, with the copies
 * each figure needs.
 *
 * @param work how much longer this traffic's requests take than the serving model says ({@link
 *     RequestSize})
 * @param learnt what the copies' own figures taught, {@code work} among it
 * @param perCopy requests a copy runs within the objective, for requests of that size
 * @param now requests in flight in the last minute, from its arrivals
 * @param inFlight requests in flight now as the copies counted them (10-second averages)
 * @param forecast what the pattern foretells within the lead time (0 without one)
 * @param rise a rise of the last whole minutes still under way, and how much more it brings within
 *     the lead time ({@link Rise})
 * @param ahead the most requests in flight now, foretold, or where a rise still under way leads
 * @param byPattern whether releasing follows the pattern (it foretold the whole last window)
 * @param lookBack the minutes of history that hold capacity: the scale-in window, or the last
 *     minute when the pattern says what recurs
 * @param windowPeak the highest demand in the look-back
 * @param hold the demand the look-back and what lies ahead hold capacity for (headroom added)
 * @param holdDemand the most requests in flight the look-back shows, the copies' own peaks included
 * @param upDemand the most requests in flight now or ahead
 * @param copiesUp copies the load now or ahead needs
 * @param copiesHold copies the look-back and what lies ahead need
 * @param refused requests refused for want of a copy in the last {@link #REFUSED_MINUTES} minutes
 * @param overload the last minute's copies past what they can serve, when they were ({@link
 *     Overload}): {@code copiesUp} is then every copy the bounds allow
 */
public record Demand(
    double work,
    RequestSize.Learnt learnt,
    double perCopy,
    double now,
    double inFlight,
    double forecast,
    Rise rise,
    double ahead,
    boolean byPattern,
    int lookBack,
    double windowPeak,
    double hold,
    double holdDemand,
    double upDemand,
    int copiesUp,
    int copiesHold,
    double refused,
    Optional<Overload> overload) {

  /**
   * Whole minutes the copies serving now must have served before a backlog counts: SageMaker's 60 s
   * invocation timeout clears what queued before they came, and the minute after it shows in the
   * history (DOCUMENTED: the timeout; the minute that shows it follows).
   */
  static final int SETTLE_MINUTES = 2;

  /**
   * NoCapacityInvocationFailures is a one-minute sum published after its minute: the last two
   * minutes hold a refusal however the decision's minute falls.
   */
  static final int REFUSED_MINUTES = 2;

  /**
   * Releasing by the pattern looks this many lead times ahead: a released instance must stay
   * unneeded for longer than the start-up it pays for again (derived).
   */
  static final int RELEASE_HORIZON_LEAD_TIMES = 2;

  /**
   * @param recentConcurrencyPerCopy ConcurrentRequestsPerCopy, 10-second averages of the last
   *     minute, oldest first
   * @param period the recurring pattern's period in minutes, when forecasting is on and the history
   *     shows one
   * @param servingCopies the copies serving now
   */
  public static Demand estimate(
      SloCapacity cap,
      RequestSize requestSize,
      LoadHistory history,
      List<Double> recentConcurrencyPerCopy,
      OptionalInt period,
      int servingCopies) {
    int leadMinutes = cap.leadMinutes();
    int windowMinutes = cap.windowMinutes();
    RequestSize.Learnt learnt = requestSize.learnt(history);
    double work = learnt.factor();
    double perCopy = cap.perCopy(work, learnt.promptFactor());
    // Demand is planned at the operating point: requests in flight were each copy to run perCopy
    // of them. (At less load copies finish sooner and hold fewer; counting those would undersize
    // the plan.)
    double serviceMs = cap.serviceMs(perCopy, work);
    Minutes demand = history.demandAt(serviceMs);
    int n = demand.length();

    // Now: the last minute's arrivals, and the copies' own 10-second count of requests in flight
    // (a rise shows within seconds).
    double now = n == 0 ? 0 : demand.at(n - 1);
    // ConcurrentRequestsPerCopy is per the copies serving when it was taken: a figure from before
    // the copies changed, times the copies serving now, counts requests that were never there (4
    // copies' 26 each are 105 in flight, not 8 x 26). So until the copies serving now have served a
    // whole minute only the latest figure is read, the one taken nearest to them.
    double busiest =
        servedAlike(history, servingCopies)
            ? recentConcurrencyPerCopy.stream().mapToDouble(Double::doubleValue).max().orElse(0)
            : recentConcurrencyPerCopy.isEmpty()
                ? 0
                : recentConcurrencyPerCopy.get(recentConcurrencyPerCopy.size() - 1);
    // A backlog beyond what the copies run is planned for only once the copies serving now have
    // served whole minutes: what queued while capacity was short is served or times out within the
    // 60 s invocation timeout of its arrival, long before another instance could serve, while a
    // backlog that outlasts that says the copies carry less than planned.
    if (!servedThroughout(history, servingCopies, SETTLE_MINUTES)) {
      busiest = Math.min(busiest, perCopy);
    }
    double inFlight = atOperatingPoint(cap, busiest * servingCopies, busiest, serviceMs, work);
    // Ahead: the pattern's forecast, and where a rise still under way leads by the time new
    // capacity serves, from the freshest reading of the load (the copies' own count where it is
    // higher than the last whole minute's).
    double forecast =
        period.isPresent()
            ? Seasonality.forecast(demand, period.getAsInt(), 0, leadMinutes + 1)
            : 0;
    Rise rise = Rise.of(demand, serviceMs, cap.z(), leadMinutes, windowMinutes);
    double rising = rise.rising() ? Math.max(now, inFlight) + rise.increase() : 0;
    double ahead = Math.max(Math.max(now, forecast), rising);
    // Releasing follows the pattern once it has foretold the whole last window, counted in the
    // engine's units (instances, or copies on a shared endpoint): a unit then goes when the last
    // minute and the next two lead times (the
    // higher of the last two cycles) show it unneeded, and comes back a lead time ahead of the next
    // rise, instead of being held through the gaps (the pattern, not the window, says what
    // recurs). A minute it did not foretell puts the window back in charge.
    boolean byPattern =
        period.isPresent()
            && Seasonality.held(
                demand,
                period.getAsInt(),
                windowMinutes,
                d -> cap.unitsFor(cap.copiesFor(d, perCopy)));
    int lookBack = byPattern ? 1 : windowMinutes;
    double patternAhead =
        byPattern
            ? Seasonality.highest(
                demand, period.getAsInt(), 0, RELEASE_HORIZON_LEAD_TIMES * leadMinutes)
            : 0;
    // The look-back's demand (headroom added below) and its peak as the copies counted it (taken
    // as it is).
    double windowPeak = now;
    double windowBusiest = inFlight;
    for (int i = Math.max(0, n - lookBack); i < n; i++) {
      windowPeak = Math.max(windowPeak, demand.at(i));
      double p = history.peak(i);
      if (!Double.isNaN(p)) {
        windowBusiest =
            Math.max(
                windowBusiest,
                atOperatingPoint(
                    cap, p, history.value(Series.CONCURRENCY_PER_COPY_MAX, i), serviceMs, work));
      }
    }
    double hold = Math.max(windowPeak, byPattern ? patternAhead : ahead);
    double upDemand = Math.max(ahead, inFlight);
    // What the serving model says the load needs now (and as foretold): the measure overload is
    // judged by; a rise still under way adds to it, it is no evidence against the model.
    int byModel =
        Math.max(
            cap.copiesFor(Math.max(now, forecast), perCopy), cap.copiesForPeak(inFlight, perCopy));
    int copiesUp = Math.max(byModel, cap.copiesFor(ahead, perCopy));
    // Copies past what they can serve although as many have served two whole minutes as the
    // serving model says the load needs: the model is no guide for this traffic, so every copy the
    // bounds allow, without waiting to learn. (Fewer serving than it says are copies on their way,
    // and what queued before the copies serving now came times out within the 60 s invocation
    // timeout of their coming, as a backlog does: neither is evidence against the model.)
    Optional<Overload> overload =
        Overload.last(history, cap.slo().attainment())
            .filter(
                o ->
                    servingCopies >= byModel
                        && servedThroughout(history, servingCopies, SETTLE_MINUTES));
    if (overload.isPresent()) {
      copiesUp = Overload.EVERY_COPY;
    }
    double holdDemand = Math.max(hold, windowBusiest);
    int copiesHold =
        Math.max(cap.copiesFor(hold, perCopy), cap.copiesForPeak(windowBusiest, perCopy));
    return new Demand(
        work,
        learnt,
        perCopy,
        now,
        inFlight,
        forecast,
        rise,
        ahead,
        byPattern,
        lookBack,
        windowPeak,
        hold,
        holdDemand,
        upDemand,
        copiesUp,
        copiesHold,
        history.refusedInLast(REFUSED_MINUTES),
        overload);
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
   * Whether the last whole minute was served by as many copies as serve now (a minute without
   * requests counts as served alike: it says nothing of them).
   */
  private static boolean servedAlike(LoadHistory history, int copies) {
    int n = history.minutes();
    if (n == 0) {
      return true;
    }
    double served = history.copies(n - 1);
    return Double.isNaN(served) || Math.abs(served - copies) < 0.5;
  }

  /** Requests in flight now: the last minute's arrivals or the copies' own count, the higher. */
  public double present() {
    return Math.max(now, inFlight);
  }
}
