package dev.copyscale.slo;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * A component's load minute by minute, as SageMaker publishes it to CloudWatch (one-minute
 * statistics, kept 15 days), oldest minute first; NaN where nothing was published that minute.
 *
 * @param start the first minute
 * @param invocations Invocations, Sum
 * @param noCapacity NoCapacityInvocationFailures, Sum: requests refused because no copy was there
 * @param latencyMs ModelLatency, Average, in milliseconds (SageMaker publishes microseconds)
 * @param concurrencyPerCopy ConcurrentRequestsPerCopy, Average
 * @param concurrencyPerCopyMax ConcurrentRequestsPerCopy, Maximum
 * @param invocationsPerCopy InvocationsPerCopy, Sum: each request counts 1 / the copies there, so
 *     Invocations over it is the minute's copy count
 */
public record LoadHistory(
    Instant start,
    double[] invocations,
    double[] noCapacity,
    double[] latencyMs,
    double[] concurrencyPerCopy,
    double[] concurrencyPerCopyMax,
    double[] invocationsPerCopy) {
  public LoadHistory {
    int n = invocations.length;
    for (double[] series :
        new double[][] {
          noCapacity, latencyMs, concurrencyPerCopy, concurrencyPerCopyMax, invocationsPerCopy
        }) {
      if (series.length != n) {
        throw new IllegalArgumentException("the one-minute series must be equally long");
      }
    }
  }

  public static final int SERIES = 6;

  /** The series in constructor order, for readers that fill them by index. */
  public double[][] series() {
    return new double[][] {
      invocations,
      noCapacity,
      latencyMs,
      concurrencyPerCopy,
      concurrencyPerCopyMax,
      invocationsPerCopy
    };
  }

  public static LoadHistory of(Instant start, double[][] series) {
    return new LoadHistory(start, series[0], series[1], series[2], series[3], series[4], series[5]);
  }

  public static LoadHistory empty(Instant start) {
    return of(start, new double[SERIES][0]);
  }

  /**
   * The most requests in flight in minute {@code i}: the busiest copy's count
   * (ConcurrentRequestsPerCopy Maximum; the router evens the copies out) times the minute's copies;
   * NaN when not published.
   */
  public double peak(int i) {
    return concurrencyPerCopyMax[i] * copies(i);
  }

  /**
   * The copies that served in minute {@code i} (a mean where they changed within it); NaN when no
   * request was served.
   */
  public double copies(int i) {
    return invocations[i] > 0 && invocationsPerCopy[i] > 0
        ? invocations[i] / invocationsPerCopy[i]
        : Double.NaN;
  }

  public int minutes() {
    return invocations.length;
  }

  /** The end of the last minute. */
  public Instant end() {
    return start.plus(Duration.ofMinutes(minutes()));
  }

  /** Requests arriving per second in minute {@code i}: served, or refused for want of a copy. */
  public double arrivalsPerSecond(int i) {
    return (zeroIfMissing(invocations[i]) + zeroIfMissing(noCapacity[i])) / 60.0;
  }

  /**
   * Requests in flight in each minute had every request taken {@code serviceMs} (Little's law: the
   * arrival rate times the time in the copy): the demand at the operating point copyscale plans
   * for, whatever capacity was there to meet it.
   */
  public double[] demand(double serviceMs) {
    double[] d = new double[minutes()];
    for (int i = 0; i < d.length; i++) {
      d[i] = arrivalsPerSecond(i) * serviceMs / 1000;
    }
    return d;
  }

  /** Requests refused for want of a copy in the last {@code lastMinutes} minutes. */
  public double refusedInLast(int lastMinutes) {
    double sum = 0;
    for (int i = Math.max(0, minutes() - lastMinutes); i < minutes(); i++) {
      sum += zeroIfMissing(noCapacity[i]);
    }
    return sum;
  }

  /**
   * How much larger this traffic's requests are than the serving profile's, from the minutes whose
   * copies ran well below their batch (so no request waited): the median of ModelLatency over the
   * profile's service time at that concurrency. Empty with fewer than {@code minSamples}.
   */
  public OptionalDouble workFactor(SloCapacity capacity, int minSamples) {
    double unqueued = capacity.perCopy(1) / 2;
    double[] ratios = new double[minutes()];
    int n = 0;
    for (int i = 0; i < minutes(); i++) {
      double c = concurrencyPerCopy[i];
      // The busiest copy too stayed well below its batch: no request of the minute waited for a
      // slot.
      boolean calm = Double.isNaN(concurrencyPerCopyMax[i]) || concurrencyPerCopyMax[i] <= unqueued;
      if (!Double.isNaN(c) && !Double.isNaN(latencyMs[i]) && c >= 0.5 && calm) {
        ratios[n++] = latencyMs[i] / capacity.serviceMs(c, 1);
      }
    }
    if (n < minSamples) {
      return OptionalDouble.empty();
    }
    double[] sorted = Arrays.copyOf(ratios, n);
    Arrays.sort(sorted);
    return OptionalDouble.of(sorted[n / 2]);
  }

  private static double zeroIfMissing(double v) {
    return Double.isNaN(v) ? 0 : v;
  }
}
