package dev.copyscale.slo;

import java.util.Arrays;

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
 * than the load's own minute-to-minute noise allows: z (of the attainment) times the larger of what
 * Poisson arrivals give (a minute's requests in flight vary by the square root of the service time
 * in minutes times the requests in flight, and a difference of two minutes by that of both) and
 * what the load showed over the look-back before the last minute (1.4826 times the median absolute
 * deviation of the differences of consecutive minutes: the standard deviation of normal noise,
 * robust to the rises among them, and blind to a steady trend). Real traffic is noisier than
 * Poisson's; a steady load's noise is not a rise.
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
   * @param lookBackMinutes the minutes before the last whose noise a rise must exceed
   */
  static Rise of(Minutes demand, double serviceMs, double z, int leadMinutes, int lookBackMinutes) {
    int n = demand.length();
    if (n == 0) {
      return none(0);
    }
    double to = demand.at(n - 1);
    double serviceMinutes = serviceMs / 60_000;
    double noise = noise(demand, lookBackMinutes);
    int k = 0;
    while (n - 2 - k >= 0
        && rose(demand.at(n - 2 - k), demand.at(n - 1 - k), serviceMinutes, noise, z)) {
      k++;
    }
    if (k == 0) {
      return none(to);
    }
    double from = demand.at(n - 1 - k);
    double perMinute = (to - from) / k;
    return new Rise(k, from, to, to + perMinute * Math.min(k, Math.max(0, leadMinutes)));
  }

  /** Whether {@code after} exceeds {@code before} by more than the load's noise. */
  private static boolean rose(
      double before, double after, double serviceMinutes, double noise, double z) {
    return after - before > z * Math.max(noise, Math.sqrt(serviceMinutes * (before + after)));
  }

  /**
   * The standard deviation of a difference of consecutive minutes over the look-back before the
   * last minute, from their median absolute deviation (a steady trend is no noise); 0 with fewer
   * than two.
   */
  static double noise(Minutes demand, int lookBackMinutes) {
    int n = demand.length();
    int from = Math.max(1, n - 1 - lookBackMinutes);
    int count = n - 1 - from;
    if (count < 2) {
      return 0;
    }
    double[] diffs = new double[count];
    for (int i = from; i < n - 1; i++) {
      diffs[i - from] = demand.at(i) - demand.at(i - 1);
    }
    double trend = median(diffs);
    for (int i = 0; i < count; i++) {
      diffs[i] = Math.abs(diffs[i] - trend);
    }
    return 1.4826 * median(diffs);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int c = v.length;
    return c % 2 == 1 ? v[c / 2] : (v[c / 2 - 1] + v[c / 2]) / 2;
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
