package dev.copyscale.twin.cloudwatch;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * CloudWatch's metric storage in the twin: one statistic set (sum, sample count, minimum, maximum)
 * per series and 10-second bucket, as a high-resolution metric is stored. Like CloudWatch's
 * retention, 10-second data is kept for 3 hours and then rolled up into 60-second buckets kept for
 * 24 hours (long enough for any alarm: period times evaluation periods is at most a day). Trimming
 * happens as data arrives, so the store stays the same size over a simulated week.
 *
 * <p>Persisted with the world by Jackson, which reads and writes the private fields; only {@link
 * #publish} changes them.
 */
public final class MetricStore {
  public static final int FINE_SECONDS = 10;
  public static final int COARSE_SECONDS = 60;
  public static final long FINE_RETENTION_SECONDS = 3 * 3600;
  public static final long COARSE_RETENTION_SECONDS = 24 * 3600;

  /** Indexes into a statistic set. */
  public static final int SUM = 0;

  public static final int COUNT = 1;
  public static final int MIN = 2;
  public static final int MAX = 3;

  /** One metric (namespace, name, dimensions) with its buckets by start epoch second. */
  public static final class Series {
    private String namespace;
    private String metricName;
    private TreeMap<String, String> dimensions = new TreeMap<>();
    private Buckets fine = new Buckets();
    private Buckets coarse = new Buckets();

    /** Start of the newest bucket published: retention is measured back from it. */
    private long latest = Long.MIN_VALUE;

    /** For Jackson. */
    private Series() {}

    private Series(String namespace, String metricName, Map<String, String> dimensions) {
      this.namespace = namespace;
      this.metricName = metricName;
      this.dimensions = new TreeMap<>(dimensions);
    }

    public String namespace() {
      return namespace;
    }

    public String metricName() {
      return metricName;
    }

    public Map<String, String> dimensions() {
      return Collections.unmodifiableMap(dimensions);
    }

    /** The 10-second buckets by start epoch second (the last 3 hours). */
    public NavigableMap<Long, double[]> fine() {
      return fine.asMap();
    }

    /** The rolled-up minutes by start epoch second (up to a day). */
    public NavigableMap<Long, double[]> coarse() {
      return coarse.asMap();
    }
  }

  /** Series by {@link #key}. */
  private TreeMap<String, Series> series = new TreeMap<>();

  /** Every series by {@link #key}, read-only. */
  public NavigableMap<String, Series> series() {
    return Collections.unmodifiableNavigableMap(series);
  }

  /**
   * Merges one statistic set into the 10-second bucket that holds {@code epochSecond}.
   *
   * @throws IllegalArgumentException for a set CloudWatch would reject (no samples, NaN, min > max)
   */
  public void publish(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      long epochSecond,
      double sum,
      long sampleCount,
      double minimum,
      double maximum) {
    if (sampleCount < 1
        || Double.isNaN(sum)
        || Double.isNaN(minimum)
        || Double.isNaN(maximum)
        || minimum > maximum) {
      throw new IllegalArgumentException(
          "statistic set for "
              + namespace
              + "/"
              + metricName
              + " needs sampleCount >= 1 and minimum <= maximum (got sum="
              + sum
              + ", sampleCount="
              + sampleCount
              + ", minimum="
              + minimum
              + ", maximum="
              + maximum
              + ")");
    }
    String key = key(namespace, metricName, dimensions);
    Series s = series.get(key);
    if (s == null) {
      s = new Series(namespace, metricName, dimensions);
      series.put(key, s);
    }
    long bucket = Math.floorDiv(epochSecond, FINE_SECONDS) * FINE_SECONDS;
    if (bucket > s.latest) {
      s.latest = bucket;
    }
    if (bucket > s.latest - FINE_RETENTION_SECONDS) {
      s.fine.merge(bucket, sum, sampleCount, minimum, maximum);
    } else if (bucket > s.latest - COARSE_RETENTION_SECONDS) {
      // A late set for data already rolled up goes straight into its minute.
      s.coarse.merge(
          Math.floorDiv(bucket, COARSE_SECONDS) * COARSE_SECONDS,
          sum,
          sampleCount,
          minimum,
          maximum);
    }
    trim(s);
  }

  /** Rolls 10-second buckets older than 3 hours into minutes and drops minutes older than a day. */
  private static void trim(Series s) {
    long fineHorizon = s.latest - FINE_RETENTION_SECONDS;
    while (!s.fine.isEmpty() && s.fine.firstStart() <= fineHorizon) {
      long start = s.fine.firstStart();
      double[] old = s.fine.pollFirst();
      s.coarse.merge(
          Math.floorDiv(start, COARSE_SECONDS) * COARSE_SECONDS,
          old[SUM],
          old[COUNT],
          old[MIN],
          old[MAX]);
    }
    long coarseHorizon = s.latest - COARSE_RETENTION_SECONDS;
    while (!s.coarse.isEmpty() && s.coarse.firstStart() <= coarseHorizon) {
      s.coarse.pollFirst();
    }
  }

  /**
   * The statistic sets of {@code periods} consecutive periods of {@code period} seconds from {@code
   * from} (epoch second), oldest first; null where a period has no data (it is missing). Periods
   * under a minute see only 10-second data (CloudWatch keeps no high-resolution data past 3 hours);
   * periods of whole minutes also see the rolled-up minutes.
   */
  public double[][] aggregate(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      long from,
      int period,
      int periods) {
    return aggregate(namespace, metricName, dimensions, from, period, periods, Long.MAX_VALUE);
  }

  /**
   * As {@link #aggregate(String, String, Map, long, int, int)}, seeing only the buckets visible at
   * {@code visibleUntil} (epoch second): those whose end is at or before it. CloudWatch makes a
   * datapoint visible an ingestion delay after its period ends; the caller subtracts that delay.
   */
  public double[][] aggregate(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      long from,
      int period,
      int periods,
      long visibleUntil) {
    double[][] out = new double[periods][];
    Series s = series.get(key(namespace, metricName, dimensions));
    if (s == null) {
      return out;
    }
    long to =
        Math.min(
            from + (long) period * periods,
            visibleUntil == Long.MAX_VALUE ? Long.MAX_VALUE : visibleUntil - FINE_SECONDS + 1);
    if (to > from) {
      s.fine.addTo(out, from, to, period);
    }
    if (period % COARSE_SECONDS == 0) {
      long coarseTo =
          Math.min(
              from + (long) period * periods,
              visibleUntil == Long.MAX_VALUE ? Long.MAX_VALUE : visibleUntil - COARSE_SECONDS + 1);
      if (coarseTo > from) {
        s.coarse.addTo(out, from, coarseTo, period);
      }
    }
    return out;
  }

  /** Whether the 10-second bucket starting at {@code bucketStart} holds data for this series. */
  public boolean has(
      String namespace, String metricName, Map<String, String> dimensions, long bucketStart) {
    Series s = series.get(key(namespace, metricName, dimensions));
    return s != null && s.fine.contains(bucketStart);
  }

  /**
   * Whether {@link #value} computes this statistic (percentiles need the samples, which are not
   * kept).
   */
  public static boolean supports(String statistic) {
    return statistic != null
        && switch (statistic) {
          case "Sum", "Average", "Minimum", "Maximum", "SampleCount" -> true;
          default -> false;
        };
  }

  /** One statistic of a period's set. */
  public static double value(double[] set, String statistic) {
    return switch (statistic) {
      case "Sum" -> set[SUM];
      case "Average" -> set[SUM] / set[COUNT];
      case "Minimum" -> set[MIN];
      case "Maximum" -> set[MAX];
      case "SampleCount" -> set[COUNT];
      default ->
          throw new IllegalArgumentException(
              "statistic "
                  + statistic
                  + " is not supported; use Sum, Average, Minimum, Maximum or SampleCount");
    };
  }

  /** A series' identity: dimensions in name order, as CloudWatch matches them (all, exactly). */
  public static String key(String namespace, String metricName, Map<String, String> dimensions) {
    StringBuilder key = new StringBuilder(96).append(namespace).append('|').append(metricName);
    if (dimensions.size() == 2 && !(dimensions instanceof SortedMap<String, String>)) {
      // Two dimensions (an endpoint's variant) in name order without building a map.
      Map.Entry<String, String> a = null;
      Map.Entry<String, String> b = null;
      for (Map.Entry<String, String> d : dimensions.entrySet()) {
        if (a == null) {
          a = d;
        } else {
          b = d;
        }
      }
      if (a.getKey().compareTo(b.getKey()) > 0) {
        Map.Entry<String, String> t = a;
        a = b;
        b = t;
      }
      return key.append('|')
          .append(a.getKey())
          .append('=')
          .append(a.getValue())
          .append('|')
          .append(b.getKey())
          .append('=')
          .append(b.getValue())
          .toString();
    }
    Map<String, String> ordered =
        dimensions.size() <= 1
                || (dimensions instanceof SortedMap<String, String> sorted
                    && sorted.comparator() == null)
            ? dimensions
            : new TreeMap<>(dimensions);
    for (Map.Entry<String, String> d : ordered.entrySet()) {
      key.append('|').append(d.getKey()).append('=').append(d.getValue());
    }
    return key.toString();
  }
}
