package dev.copyscale.slo;

import dev.copyscale.slo.LoadHistory.Block;
import dev.copyscale.slo.LoadHistory.BlockRange;
import dev.copyscale.slo.LoadHistory.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.WeakHashMap;

/**
 * What the copies' own figures teach engine slo about its serving model (docs/slo.md, "Learning
 * online"): SageMaker publishes no token counts, but ModelLatency against ConcurrentRequestsPerCopy
 * shows how much longer requests take than the serving model says at the same concurrency, whether
 * because this traffic's requests are larger than the model's request shape or because the model
 * (derived from datasheets, or measured elsewhere) is off for these copies. The correction is the
 * median of that ratio over the minutes whose copies ran within the planned operating point (the
 * busiest at most {@code perCopy(1)}), over the whole history; when the last hour's runs higher
 * (requests grew, or the copies slowed), the last hour's is planned with at once, while a lower one
 * waits for the long run to show it: capacity follows a slowdown within the hour and a speed-up
 * only once it has lasted.
 *
 * <p>A pure function of the history. Each block's ratios are worked out once and kept with the
 * block (blocks never change), so a decision every minute over two weeks of history costs the
 * minutes of one block, not two weeks of them.
 */
public final class RequestSize {
  /** Minutes of history the estimate needs before it replaces the profile's request size. */
  public static final int MIN_SAMPLES = 5;

  /**
   * ASSUMED: the estimate is trusted between a quarter and eight times the profile's request size;
   * beyond that the traffic is not the kind of requests the profile describes, and a few odd
   * minutes must not move the plan further.
   */
  public static final double MIN_FACTOR = 0.25;

  public static final double MAX_FACTOR = 8;

  /** The recent window the correction follows upwards at once. */
  public static final int RECENT_MINUTES = 60;

  /**
   * Calm minutes the recent window needs before it counts (ASSUMED: half of it, so a few odd
   * minutes never move the plan).
   */
  public static final int RECENT_MIN_SAMPLES = RECENT_MINUTES / 2;

  /**
   * What was learnt: the long run's and the last hour's medians and their calm minutes, and from
   * them the correction planned with.
   *
   * @param longRun the whole history's median ratio (empty with fewer than {@link #MIN_SAMPLES}
   *     calm minutes), with {@code samples} calm minutes
   * @param recent the last {@link #RECENT_MINUTES} minutes' median, with {@code recentSamples}
   * @param prompts the whole history's calm minutes, to tell the prompts' size from the answers'
   */
  public record Learnt(
      OptionalDouble longRun,
      int samples,
      OptionalDouble recent,
      int recentSamples,
      PromptSize prompts) {
    /** Nothing learnt yet: the serving model's figures as they are. */
    public static final Learnt NOTHING =
        new Learnt(OptionalDouble.empty(), 0, OptionalDouble.empty(), 0, PromptSize.NONE);

    /** What was learnt, the prompts not told apart. */
    public Learnt(OptionalDouble longRun, int samples, OptionalDouble recent, int recentSamples) {
      this(longRun, samples, recent, recentSamples, PromptSize.NONE);
    }

    /**
     * The prompts' size planned with, against the serving model's request shape: the {@link
     * #factor} (the whole request's), or larger where ModelLatency's rise with concurrency shows
     * longer prompts with enough certainty ({@link PromptSize#settled}), within [{@link
     * #MIN_FACTOR}, {@link #MAX_FACTOR}]. Never smaller: a shorter prompt than the whole request's
     * ratio says is the reading that costs the objective if wrong.
     */
    public double promptFactor() {
      double whole = factor();
      if (!prompts.settled()) {
        return whole;
      }
      return Math.max(whole, Math.min(MAX_FACTOR, prompts.estimate().getAsDouble()));
    }

    /**
     * What ModelLatency's rise with concurrency says of the prompts, and whether they are planned
     * apart: "prompts 2.21x ± 0.08 by ModelLatency's rise with concurrency over 703 calm min,
     * planned with".
     */
    public String describePrompts() {
      return prompts.describe() + (promptsApart() ? ", planned with" : "");
    }

    /** Whether the prompts are planned larger than the whole request's correction. */
    public boolean promptsApart() {
      return promptFactor() > factor();
    }

    /**
     * The correction planned with, within [{@link #MIN_FACTOR}, {@link #MAX_FACTOR}]: the last
     * hour's when it {@link #followsRecent}, else the long run's; 1 (the serving model as it is)
     * until the long run has one.
     */
    public double factor() {
      if (longRun.isEmpty()) {
        return 1;
      }
      double planned = followsRecent() ? recent.getAsDouble() : longRun.getAsDouble();
      return Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, planned));
    }

    /** Whether the last hour's correction, higher than the long run's, is the one planned with. */
    public boolean followsRecent() {
      return recent.isPresent()
          && recentSamples >= RECENT_MIN_SAMPLES
          && longRun.isPresent()
          && recent.getAsDouble() > longRun.getAsDouble();
    }

    /** The last hour's correction against the long run's, as a change (0.12 for 12 % more). */
    public OptionalDouble drift() {
      return recent.isPresent() && longRun.isPresent() && recentSamples >= RECENT_MIN_SAMPLES
          ? OptionalDouble.of(recent.getAsDouble() / longRun.getAsDouble() - 1)
          : OptionalDouble.empty();
    }
  }

  /** A copy below this concurrency (requests in flight, on average) is too idle to time. */
  static final double MIN_CONCURRENCY = 0.5;

  private static final int BLOCK_MINUTES = LoadHistory.BLOCK_MINUTES;

  private final SloCapacity capacity;
  private final Map<Block, Ratios> byBlock = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The block last worked out for each day: the day's next version (the history moved on by a
   * minute) differs from it in a few minutes only, and the others' ratios are taken from it.
   */
  private final Map<Long, Worked> lastOfDay = new java.util.concurrent.ConcurrentHashMap<>();

  private record Worked(Block block, Ratios ratios) {}

  public RequestSize(SloCapacity capacity) {
    this.capacity = capacity;
  }

  /**
   * A block's ratios minute by minute (NaN where the minute was not calm), and the calm ones
   * ascending, sorted when first needed (only a whole day needs them: a history's first and last
   * days are parts, kept in {@link #parts}).
   */
  private static final class Ratios {
    private final double[] byMinute;
    private final double[] shares;
    private final double[] physical;
    private volatile double[] ascending;
    private volatile PromptSize prompts;

    /**
     * @param shares the calm minutes' prefill shares of the physics' latency ({@link PromptSize})
     * @param physical their ModelLatency against the physics' at the model's request shape
     */
    Ratios(double[] byMinute, double[] shares, double[] physical) {
      this.byMinute = byMinute;
      this.shares = shares;
      this.physical = physical;
    }

    /** The calm minutes' prefill shares and ratios, the whole block. */
    PromptSize prompts() {
      PromptSize p = prompts;
      if (p == null) {
        p = prompts(0, BLOCK_MINUTES);
        prompts = p;
      }
      return p;
    }

    /** The calm minutes' prefill shares and ratios of {@code [from, to)}. */
    PromptSize prompts(int from, int to) {
      PromptSize p = PromptSize.NONE;
      for (int m = from; m < to; m++) {
        if (!Double.isNaN(byMinute[m])) {
          p = p.plus(shares[m], physical[m]);
        }
      }
      return p;
    }

    double[] byMinute() {
      return byMinute;
    }

    double[] ascending() {
      double[] sorted = ascending;
      if (sorted == null) {
        sorted = calm(byMinute, 0, BLOCK_MINUTES);
        ascending = sorted;
      }
      return sorted;
    }
  }

  /**
   * The correction planned with: how much longer requests take than the serving model says, within
   * [{@link #MIN_FACTOR}, {@link #MAX_FACTOR}]; 1 with fewer than {@link #MIN_SAMPLES} calm
   * minutes.
   */
  public double factor(LoadHistory history) {
    return learnt(history).factor();
  }

  /** What the history teaches, and the correction planned with. */
  public Learnt learnt(LoadHistory history) {
    Calm calm = calm(history);
    OptionalDouble longRun = calm.median();
    if (longRun.isEmpty()) {
      return Learnt.NOTHING;
    }
    double[] recent = recent(history);
    OptionalDouble recentMedian =
        recent.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(recent[recent.length / 2]);
    return new Learnt(longRun, calm.samples(), recentMedian, recent.length, prompts(history));
  }

  /** The calm minutes' prefill shares and ratios over the whole history ({@link PromptSize}). */
  PromptSize prompts(LoadHistory history) {
    PromptSize sums = PromptSize.NONE;
    for (BlockRange range : history.blockRanges()) {
      Ratios ratios = byBlock.computeIfAbsent(range.block(), this::ratios);
      sums =
          sums.plus(
              range.from() == 0 && range.to() == BLOCK_MINUTES
                  ? ratios.prompts()
                  : ratios.prompts(range.from(), range.to()));
    }
    return sums;
  }

  /** The calm ratios of the history's last {@link #RECENT_MINUTES} minutes, ascending. */
  private double[] recent(LoadHistory history) {
    List<BlockRange> ranges = history.blockRanges();
    double[] out = new double[RECENT_MINUTES];
    int n = 0;
    int left = RECENT_MINUTES;
    for (int r = ranges.size() - 1; r >= 0 && left > 0; r--) {
      BlockRange range = ranges.get(r);
      double[] byMinute = byBlock.computeIfAbsent(range.block(), this::ratios).byMinute();
      for (int m = range.to() - 1; m >= range.from() && left > 0; m--, left--) {
        if (!Double.isNaN(byMinute[m])) {
          out[n++] = byMinute[m];
        }
      }
    }
    double[] ascending = Arrays.copyOf(out, n);
    Arrays.sort(ascending);
    return ascending;
  }

  /** The median ratio, unbounded; empty with fewer than {@link #MIN_SAMPLES} calm minutes. */
  OptionalDouble median(LoadHistory history) {
    return calm(history).median();
  }

  /** The calm minutes' median ratio (empty with too few) and their count. */
  private record Calm(OptionalDouble median, int samples) {}

  private Calm calm(LoadHistory history) {
    List<double[]> parts = new ArrayList<>();
    int n = 0;
    for (BlockRange range : history.blockRanges()) {
      Ratios ratios = byBlock.computeIfAbsent(range.block(), this::ratios);
      double[] part =
          range.from() == 0 && range.to() == BLOCK_MINUTES
              ? ratios.ascending()
              : part(range.block().startMinute(), ratios, range.from(), range.to());
      parts.add(part);
      n += part.length;
    }
    if (n < MIN_SAMPLES) {
      return new Calm(OptionalDouble.empty(), n);
    }
    return new Calm(OptionalDouble.of(rank(parts, n / 2)), n);
  }

  private Ratios ratios(Block block) {
    double unqueued = capacity.perCopy(1);
    double prefillMs = capacity.prefillMs();
    double[] byMinute = new double[BLOCK_MINUTES];
    double[] shares = new double[BLOCK_MINUTES];
    double[] physical = new double[BLOCK_MINUTES];
    Worked before = lastOfDay.get(block.startMinute());
    for (int m = 0; m < BLOCK_MINUTES; m++) {
      double c = block.value(Series.CONCURRENCY_PER_COPY, m);
      double latency = block.value(Series.LATENCY_MS, m);
      double busiest = block.value(Series.CONCURRENCY_PER_COPY_MAX, m);
      if (before != null && sameMinute(before.block(), block, m)) {
        byMinute[m] = before.ratios().byMinute()[m];
        shares[m] = before.ratios().shares[m];
        physical[m] = before.ratios().physical[m];
        continue;
      }
      // The busiest copy too stayed within the operating point: what it served is what the serving
      // model models there (beyond it requests queue, and near SageMaker's 60 s timeout the slowest
      // fail instead of showing in ModelLatency, so the ratio would be biased low).
      boolean calm = Double.isNaN(busiest) || busiest <= unqueued;
      boolean timed = !Double.isNaN(c) && !Double.isNaN(latency) && c >= MIN_CONCURRENCY && calm;
      byMinute[m] = timed ? latency / capacity.serviceMs(c, 1) : Double.NaN;
      double physicsMs = timed ? capacity.physicsServiceMs(c) : Double.NaN;
      shares[m] = timed ? PromptSize.share(c, prefillMs, physicsMs) : Double.NaN;
      physical[m] = timed ? latency / physicsMs : Double.NaN;
    }
    Ratios ratios = new Ratios(byMinute, shares, physical);
    lastOfDay.put(block.startMinute(), new Worked(block, ratios));
    // Days that have left every history are dropped.
    lastOfDay.keySet().removeIf(day -> day < block.startMinute() - RETAINED_DAYS * BLOCK_MINUTES);
    return ratios;
  }

  /** Days of recent blocks kept: engine slo reads two weeks of history at most. */
  private static final int RETAINED_DAYS = 16;

  /** Whether minute {@code m} has the same figures in both blocks (NaN as NaN). */
  private static boolean sameMinute(Block a, Block b, int m) {
    for (Series s : INPUTS) {
      if (Double.compare(a.value(s, m), b.value(s, m)) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The series a minute's ratio is worked out from. */
  private static final Series[] INPUTS = {
    Series.CONCURRENCY_PER_COPY, Series.LATENCY_MS, Series.CONCURRENCY_PER_COPY_MAX
  };

  /** The part of a day last worked out: the first and the last day of a history are parts. */
  private record Part(Ratios ratios, int from, int to, double[] ascending) {}

  private final Map<Long, Part> parts = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * More changed minutes than this and a part is sorted anew rather than patched (ASSUMED: beyond a
   * few dozen, patching an array minute by minute costs more than sorting it).
   */
  private static final int PATCH_AT_MOST = 32;

  /**
   * The calm ratios of minutes {@code [from, to)} of a day, ascending: from the part of that day
   * worked out last, the few minutes that differ taken out and put in (a history moved on by a
   * minute drops a minute from its first day and changes a few of its last), else sorted anew.
   */
  private double[] part(long day, Ratios ratios, int from, int to) {
    Part before = parts.get(day);
    double[] ascending = null;
    if (before != null) {
      ascending = patched(before, ratios, from, to);
    }
    if (ascending == null) {
      ascending = calm(ratios.byMinute(), from, to);
    }
    parts.put(day, new Part(ratios, from, to, ascending));
    parts.keySet().removeIf(d -> d < day - RETAINED_DAYS * BLOCK_MINUTES);
    return ascending;
  }

  /** {@code before} brought to {@code [from, to)} of {@code ratios}; null when too much differs. */
  private static double[] patched(Part before, Ratios ratios, int from, int to) {
    double[] out = Arrays.copyOf(before.ascending(), before.ascending().length + PATCH_AT_MOST);
    int n = before.ascending().length;
    int changes = 0;
    for (int m = Math.min(from, before.from()); m < Math.max(to, before.to()); m++) {
      double was =
          m >= before.from() && m < before.to() ? before.ratios().byMinute()[m] : Double.NaN;
      double is = m >= from && m < to ? ratios.byMinute()[m] : Double.NaN;
      if (Double.compare(was, is) == 0) {
        continue;
      }
      if (++changes > PATCH_AT_MOST) {
        return null;
      }
      if (!Double.isNaN(was)) {
        int at = Arrays.binarySearch(out, 0, n, was);
        System.arraycopy(out, at + 1, out, at, n - at - 1);
        n--;
      }
      if (!Double.isNaN(is)) {
        int at = Arrays.binarySearch(out, 0, n, is);
        at = at < 0 ? -at - 1 : at;
        System.arraycopy(out, at, out, at + 1, n - at);
        out[at] = is;
        n++;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The calm minutes' ratios of {@code [from, to)}, ascending. */
  private static double[] calm(double[] byMinute, int from, int to) {
    double[] out = new double[to - from];
    int n = 0;
    for (int m = from; m < to; m++) {
      if (!Double.isNaN(byMinute[m])) {
        out[n++] = byMinute[m];
      }
    }
    double[] ascending = Arrays.copyOf(out, n);
    Arrays.sort(ascending);
    return ascending;
  }

  /**
   * The value of rank {@code k} (0 the smallest) among ascending arrays: the least value that more
   * than {@code k} of them are at most, found by halving the range of values (in the order {@link
   * Double#compare} sorts them) and counting with binary searches, a few thousand steps where
   * merging two weeks of minutes would take tens of thousands.
   */
  static double rank(List<double[]> parts, int k) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (double[] p : parts) {
      if (p.length > 0) {
        lo = Math.min(lo, order(p[0]));
        hi = Math.max(hi, order(p[p.length - 1]));
      }
    }
    while (lo < hi) {
      // hi - lo may pass Long.MAX_VALUE across zero; as an unsigned difference it does not.
      long mid = lo + ((hi - lo) >>> 1);
      if (atMost(parts, value(mid)) > k) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return value(lo);
  }

  /** How many values of the arrays are at most {@code v}. */
  private static long atMost(List<double[]> parts, double v) {
    long count = 0;
    for (double[] p : parts) {
      int lo = 0;
      int hi = p.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (Double.compare(p[mid], v) <= 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      count += lo;
    }
    return count;
  }

  /** A long that orders as {@link Double#compare} orders the doubles (NaN aside). */
  private static long order(double v) {
    long bits = Double.doubleToLongBits(v);
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  private static double value(long order) {
    return Double.longBitsToDouble(order ^ ((order >> 63) & Long.MAX_VALUE));
  }
}
