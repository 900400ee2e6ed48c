package dev.copyscale.slo;

import java.util.OptionalInt;
import java.util.function.DoubleUnaryOperator;

/**
 * A recurring pattern in a demand series, and the demand it foretells. The period is the lag at
 * which the series best correlates with itself, among the lags where its autocorrelation peaks
 * after a real dip (a slowly varying load correlates with itself at every short lag, and that is no
 * pattern); at least two whole periods of history are needed.
 */
public final class Seasonality {
  /**
   * ASSUMED: the autocorrelation a period needs to be scaled ahead of (a setting:
   * scaling.slo.forecast off turns forecasting off).
   */
  static final double MIN_CORRELATION = 0.5;

  /** ASSUMED: how far the autocorrelation must have dipped below the peak between lag 0 and it. */
  static final double MIN_DIP = 0.3;

  static final int MIN_PERIOD_MINUTES = 3;

  /**
   * Longer histories are searched at five-minute resolution (peaks per five minutes), which keeps
   * the search cheap.
   */
  static final int COARSE_AFTER_MINUTES = 24 * 60 + 1;

  private Seasonality() {}

  /** The period in minutes, if the series shows one. */
  public static OptionalInt period(double[] demand) {
    int step = demand.length >= COARSE_AFTER_MINUTES ? 5 : 1;
    double[] x = step == 1 ? demand : maxPooled(demand, step);
    int n = x.length;
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= Math.max(1, n);
    double variance = 0;
    for (double v : x) {
      variance += (v - mean) * (v - mean);
    }
    variance /= Math.max(1, n);
    if (n < 2 * MIN_PERIOD_MINUTES || variance < 1e-9) {
      return OptionalInt.empty();
    }
    int maxLag = n / 2;
    double[] acf = new double[maxLag + 2];
    acf[0] = 1;
    // Each value less the mean once, not once per lag: the same terms, summed in the same order.
    double[] centred = new double[n];
    for (int t = 0; t < n; t++) {
      centred[t] = x[t] - mean;
    }
    // Each lag's sum on its own, in the same order as one at a time: the lags may go to both
    // cores (two weeks at five-minute resolution are 2,000 lags of 4,000 terms each).
    double spread = variance;
    java.util.stream.IntStream.rangeClosed(1, Math.min(maxLag + 1, n - 1))
        .parallel()
        .forEach(
            lag -> {
              double sum = 0;
              for (int t = 0; t + lag < n; t++) {
                sum += centred[t] * centred[t + lag];
              }
              acf[lag] = sum / (n - lag) / spread;
            });
    int best = -1;
    double lowest = 1;
    int minLag = Math.max(1, (MIN_PERIOD_MINUTES + step - 1) / step);
    for (int lag = 1; lag <= maxLag; lag++) {
      lowest = Math.min(lowest, acf[lag]);
      boolean peak = lag >= minLag && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1];
      if (peak
          && acf[lag] >= MIN_CORRELATION
          && acf[lag] - lowest >= MIN_DIP
          && (best < 0 || acf[lag] > acf[best] + 0.05)) {
        best = lag;
      }
    }
    return best < 0 ? OptionalInt.empty() : OptionalInt.of(best * step);
  }

  /**
   * The demand the pattern foretells from {@code fromMinute} to {@code toMinute} minutes after the
   * series ends: the highest demand over that stretch of each of the last two cycles, and the lower
   * of the two, so a burst seen once is not taken for the pattern. 0 when two cycles are not there.
   */
  public static double forecast(Minutes demand, int period, int fromMinute, int toMinute) {
    double[] highs = lastTwoCycles(demand, period, fromMinute, toMinute);
    return highs.length == 0 ? 0 : Math.min(highs[0], highs[1]);
  }

  /**
   * The most the pattern allows for over that stretch: the higher of the last two cycles' highs,
   * what releasing capacity must still carry. 0 when two cycles are not there.
   */
  public static double highest(Minutes demand, int period, int fromMinute, int toMinute) {
    double[] highs = lastTwoCycles(demand, period, fromMinute, toMinute);
    return highs.length == 0 ? 0 : Math.max(highs[0], highs[1]);
  }

  /**
   * Whether the pattern foretold each of the last {@code minutes} minutes, counted by {@code need}
   * (instances, so noise within an instance does not matter): no minute needed more than the lower
   * of the two cycles before it, a minute either side, had needed. False without that much history.
   */
  public static boolean held(Minutes demand, int period, int minutes, DoubleUnaryOperator need) {
    int n = demand.length();
    if (n - minutes - 2 * period - 1 < 0) {
      return false;
    }
    for (int i = n - minutes; i < n; i++) {
      double foretold = Double.MAX_VALUE;
      for (int cycle = 1; cycle <= 2; cycle++) {
        int at = i - cycle * period;
        foretold =
            Math.min(
                foretold, Math.max(demand.at(at - 1), Math.max(demand.at(at), demand.at(at + 1))));
      }
      if (need.applyAsDouble(demand.at(i)) > need.applyAsDouble(foretold)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Each of the last two cycles' highest demand over the stretch, the first cycle back whose
   * stretch lies wholly in the past first; empty without two.
   */
  private static double[] lastTwoCycles(Minutes demand, int period, int fromMinute, int toMinute) {
    int n = demand.length();
    int k = Math.max(1, (toMinute + period) / period);
    double[] highs = new double[2];
    for (int c = 0; c < 2; c++) {
      int from = n + fromMinute - (k + c) * period;
      int to = n + toMinute - (k + c) * period;
      if (from < 0) {
        return new double[0];
      }
      for (int i = from; i <= Math.min(to, n - 1); i++) {
        highs[c] = Math.max(highs[c], demand.at(i));
      }
    }
    return highs;
  }

  private static double[] maxPooled(double[] x, int step) {
    double[] pooled = new double[x.length / step];
    for (int i = 0; i < pooled.length; i++) {
      double high = 0;
      for (int j = 0; j < step; j++) {
        high = Math.max(high, x[i * step + j]);
      }
      pooled[i] = high;
    }
    return pooled;
  }
}
