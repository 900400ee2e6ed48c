package dev.copyscale.twin.cloudwatch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One series' statistic sets by bucket start (epoch second), in ascending order, in primitive
 * arrays: data arrives in time order, so a set is merged into the newest bucket or appended after
 * it, and retention drops the oldest; a late set is inserted in its place. Persisted as a map of
 * start to {@code [sum, count, min, max]}, as a {@code TreeMap} of them was.
 */
final class Buckets {
  private long[] starts = new long[16];
  private double[] sums = new double[16];
  private double[] counts = new double[16];
  private double[] mins = new double[16];
  private double[] maxes = new double[16];

  /** The live entries are [first, end). */
  private int first;

  private int end;

  Buckets() {}

  @JsonCreator
  static Buckets of(TreeMap<Long, double[]> sets) {
    Buckets b = new Buckets();
    for (Map.Entry<Long, double[]> e : sets.entrySet()) {
      double[] s = e.getValue();
      b.merge(
          e.getKey(),
          s[MetricStore.SUM],
          s[MetricStore.COUNT],
          s[MetricStore.MIN],
          s[MetricStore.MAX]);
    }
    return b;
  }

  /** The sets by start, as persisted. */
  @JsonValue
  NavigableMap<Long, double[]> asMap() {
    TreeMap<Long, double[]> map = new TreeMap<>();
    for (int i = first; i < end; i++) {
      map.put(starts[i], set(i));
    }
    return Collections.unmodifiableNavigableMap(map);
  }

  int size() {
    return end - first;
  }

  boolean isEmpty() {
    return end == first;
  }

  long firstStart() {
    return starts[first];
  }

  /** The oldest set; it is removed. */
  double[] pollFirst() {
    double[] set = set(first);
    first++;
    return set;
  }

  boolean contains(long start) {
    int i = indexOf(start);
    return i < end && starts[i] == start;
  }

  /** Merges a set into the bucket starting at {@code start}, adding the bucket if it is new. */
  void merge(long start, double sum, double count, double min, double max) {
    int i =
        end > first && starts[end - 1] == start
            ? end - 1
            : end == first || starts[end - 1] < start ? end : indexOf(start);
    if (i == end || starts[i] != start) {
      i = insert(i, start);
      sums[i] = sum;
      counts[i] = count;
      mins[i] = min;
      maxes[i] = max;
      return;
    }
    sums[i] += sum;
    counts[i] += count;
    mins[i] = Math.min(mins[i], min);
    maxes[i] = Math.max(maxes[i], max);
  }

  /**
   * Adds the sets of buckets starting in [from, to) into {@code out}, period by period from {@code
   * from}; a period's first set is copied.
   */
  void addTo(double[][] out, long from, long to, int period) {
    for (int i = indexOf(from); i < end && starts[i] < to; i++) {
      int p = (int) ((starts[i] - from) / period);
      if (out[p] == null) {
        out[p] = set(i);
      } else {
        out[p][MetricStore.SUM] += sums[i];
        out[p][MetricStore.COUNT] += counts[i];
        out[p][MetricStore.MIN] = Math.min(out[p][MetricStore.MIN], mins[i]);
        out[p][MetricStore.MAX] = Math.max(out[p][MetricStore.MAX], maxes[i]);
      }
    }
  }

  private double[] set(int i) {
    return new double[] {sums[i], counts[i], mins[i], maxes[i]};
  }

  /** The index of the first bucket starting at or after {@code start}. */
  private int indexOf(long start) {
    int lo = first;
    int hi = end;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] < start) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Opens a slot at index {@code i} (between the live entries) for a bucket starting then; returns
   * the slot's index, which moves when the entries are moved to the front.
   */
  private int insert(int i, long start) {
    if (end == starts.length) {
      int live = end - first;
      if (first > 0 && live <= starts.length / 2) {
        shift(first, 0, live);
        i -= first;
        first = 0;
        end = live;
      } else {
        int n = starts.length * 2;
        starts = Arrays.copyOf(starts, n);
        sums = Arrays.copyOf(sums, n);
        counts = Arrays.copyOf(counts, n);
        mins = Arrays.copyOf(mins, n);
        maxes = Arrays.copyOf(maxes, n);
      }
    }
    shift(i, i + 1, end - i);
    end++;
    starts[i] = start;
    return i;
  }

  private void shift(int from, int to, int n) {
    System.arraycopy(starts, from, starts, to, n);
    System.arraycopy(sums, from, sums, to, n);
    System.arraycopy(counts, from, counts, to, n);
    System.arraycopy(mins, from, mins, to, n);
    System.arraycopy(maxes, from, maxes, to, n);
  }
}
