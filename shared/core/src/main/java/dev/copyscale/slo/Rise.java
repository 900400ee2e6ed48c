package dev.copyscale.slo;

/**
 * A rise of the load still under way, and where it leads within a lead time (docs/slo.md, "Planning
 * a lead time ahead"): capacity asked now serves a lead time later, and no other change can be
 * written while it starts, so a rise the copies are asked for must be planned for where it goes,
 * not where it is. A rise that has gone on for some minutes is taken to go on for as long again
 * (with nothing else known, a process seen to last k minutes is as likely to end before as after k
 * more), at its pace so far, but no further than the lead time: after that the engine can ask
 * again.
 *
 * <p>A minute counts as rising only when its requests in flight exceed the minute before by more
 * than the arrivals' own randomness allows: Poisson arrivals of a minute make requests in flight
 * vary by the square root of (the service time in minutes times the requests in flight), and the
 * difference of two minutes must exceed z times that of both (z of the attainment), so a steady
 * load's minute-to-minute noise is not taken for a rise.
 *
 * @param minutes how many whole minutes the rise has lasted, the last one included (0: no rise)
 * @param from requests in flight in the minute before it began
 * @param to requests in flight in the last whole minute
 * @param ahead requests in flight it leads to within the lead time ({@code to} without a rise)
 */
public record Rise(int minutes, double from, double to, double ahead) {

  /** No rise: the last minute's demand stays where it is. */
  static Rise none(double to) {
    return new Rise(0, to, to, to);
  }

  /**
   * The rise the last whole minutes of {@code demand} show, carried on for as long again as it has
   * lasted, at most {@code leadMinutes}.
   *
   * @param demand requests in flight per whole minute, oldest first
   * @param serviceMs how long a request takes at the operating point: the conversion from a
   *     minute's arrivals to its requests in flight, and so their randomness
   * @param z the standard normal quantile of the attainment
   */
  static Rise of(Minutes demand, double serviceMs, double z, int leadMinutes) {
    int n = demand.length();
    if (n == 0) {
      return none(0);
    }
    double to = demand.at(n - 1);
    double serviceMinutes = serviceMs / 60_000;
    int k = 0;
    while (n - 2 - k >= 0 && rose(demand.at(n - 2 - k), demand.at(n - 1 - k), serviceMinutes, z)) {
      k++;
    }
    if (k == 0) {
      return none(to);
    }
    double from = demand.at(n - 1 - k);
    double perMinute = (to - from) / k;
    return new Rise(k, from, to, to + perMinute * Math.min(k, Math.max(0, leadMinutes)));
  }

  /** Whether {@code after} exceeds {@code before} by more than the arrivals' randomness. */
  private static boolean rose(double before, double after, double serviceMinutes, double z) {
    return after - before > z * Math.sqrt(serviceMinutes * (before + after));
  }

  /** How much more the rise brings within the lead time. */
  public double increase() {
    return ahead - to;
  }

  /** Whether the last minute was still rising. */
  public boolean rising() {
    return minutes > 0;
  }
}
