package dev.copyscale.slo;

import dev.copyscale.spec.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A component's load minute by minute, as SageMaker publishes it to CloudWatch (one-minute
 * statistics, kept 15 days), oldest minute first; NaN where nothing was published that minute.
 * Immutable.
 *
 * <p>The minutes are kept in day-long blocks aligned to the epoch, never changed once built, so a
 * history moved on by a minute ({@link #join}) shares every block but the last one or two with the
 * one it came from: engine slo reads two weeks once and then only the last minutes.
 */
public final class LoadHistory {
  /** The one-minute statistics engine slo reads, and how SageMaker's values convert. */
  public enum Series {
    /** Invocations, Sum. */
    INVOCATIONS(Metric.INVOCATIONS, "Sum", 1),
    /** NoCapacityInvocationFailures, Sum: requests refused because no copy was there. */
    NO_CAPACITY(Metric.NO_CAPACITY_INVOCATION_FAILURES, "Sum", 1),
    /**
     * InvocationModelErrors, Sum: requests the model failed (in the twin and on AWS, those that
     * outlast the 60 s invocation timeout among them).
     */
    MODEL_ERRORS(Metric.INVOCATION_MODEL_ERRORS, "Sum", 1),
    /** ModelLatency, Average, in milliseconds (SageMaker publishes microseconds). */
    LATENCY_MS(Metric.MODEL_LATENCY, "Average", 1e-3),
    /** ConcurrentRequestsPerCopy, Average. */
    CONCURRENCY_PER_COPY(Metric.CONCURRENT_REQUESTS_PER_COPY, "Average", 1),
    /** ConcurrentRequestsPerCopy, Maximum. */
    CONCURRENCY_PER_COPY_MAX(Metric.CONCURRENT_REQUESTS_PER_COPY, "Maximum", 1),
    /**
     * InvocationsPerCopy, Sum: each request counts 1 / the copies there, so Invocations over it is
     * the minute's copy count.
     */
    INVOCATIONS_PER_COPY(Metric.INVOCATIONS_PER_COPY, "Sum", 1);

    private final Metric metric;
    private final String statistic;
    private final double scale;

    Series(Metric metric, String statistic, double scale) {
      this.metric = metric;
      this.statistic = statistic;
      this.scale = scale;
    }

    public Metric metric() {
      return metric;
    }

    public String statistic() {
      return statistic;
    }

    /** What a published value is multiplied by to be in this series' unit. */
    public double scale() {
      return scale;
    }
  }

  private static final int SERIES = Series.values().length;

  /** Minutes in a block: a day. */
  static final int BLOCK_MINUTES = 1440;

  private static final int BLOCK = BLOCK_MINUTES;

  private final Instant start;
  private final int minutes;

  /** The first minute's index in the first block. */
  private final int offset;

  /** The blocks, never written once the history exists. */
  private final List<Block> blocks;

  private LoadHistory(Instant start, int minutes, int offset, List<Block> blocks) {
    this.start = start;
    this.minutes = minutes;
    this.offset = offset;
    this.blocks = List.copyOf(blocks);
  }

  /** A history without a minute, starting at {@code start}. */
  public static LoadHistory empty(Instant start) {
    return builder(start, 0).build();
  }

  /** Builds a history of {@code minutes} minutes from {@code start}, every value NaN at first. */
  public static Builder builder(Instant start, int minutes) {
    return new Builder(start, minutes);
  }

  /** Fills a new history; used once, by one thread. */
  public static final class Builder {
    private final Instant start;
    private final int minutes;
    private final int offset;
    private final List<double[][]> blocks = new ArrayList<>();
    private boolean built;

    private Builder(Instant start, int minutes) {
      if (start.getEpochSecond() % 60 != 0 || start.getNano() != 0) {
        throw new IllegalArgumentException("a load history starts at a whole minute: " + start);
      }
      this.start = start;
      this.minutes = Math.max(0, minutes);
      this.offset = (int) Math.floorMod(epochMinute(start), BLOCK);
      int count = (offset + this.minutes + BLOCK - 1) / BLOCK;
      for (int b = 0; b < count; b++) {
        blocks.add(nanBlock());
      }
    }

    /** Sets minute {@code i} of {@code series}; a minute outside the history is left out. */
    public Builder set(Series series, int i, double value) {
      if (built) {
        throw new IllegalStateException("the history is built; it does not change any more");
      }
      if (i >= 0 && i < minutes) {
        int at = offset + i;
        blocks.get(at / BLOCK)[series.ordinal()][at % BLOCK] = value;
      }
      return this;
    }

    public LoadHistory build() {
      built = true;
      long firstBlock = Math.floorDiv(epochMinute(start), BLOCK);
      List<Block> built = new ArrayList<>(blocks.size());
      for (int b = 0; b < blocks.size(); b++) {
        built.add(new Block((firstBlock + b) * BLOCK, blocks.get(b)));
      }
      return new LoadHistory(start, minutes, offset, built);
    }
  }

  /**
   * {@code old} with {@code fresh} laid over the minutes it covers (its NaNs included: a fresh read
   * says what is published now), trimmed to start at {@code start} and to end with {@code fresh}.
   * Blocks the fresh minutes do not touch are shared, not copied.
   */
  public static LoadHistory join(LoadHistory old, LoadHistory fresh, Instant start) {
    long first = epochMinute(start);
    long end = epochMinute(fresh.end());
    int minutes = (int) Math.max(0, end - first);
    int offset = (int) Math.floorMod(first, BLOCK);
    long firstBlock = Math.floorDiv(first, BLOCK);
    int count = (offset + minutes + BLOCK - 1) / BLOCK;
    List<Block> blocks = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      long blockStart = (firstBlock + b) * BLOCK;
      long from = Math.max(first, blockStart);
      long to = Math.min(end, blockStart + BLOCK);
      blocks.add(
          old.covers(from, to) && !fresh.overlaps(from, to)
              ? old.blockAt(blockStart)
              : new Block(blockStart, merged(old, fresh, blockStart, from, to)));
    }
    return new LoadHistory(start, minutes, offset, blocks);
  }

  /**
   * The block starting at absolute minute {@code blockStart}, from this history and fresh over it.
   */
  private static double[][] merged(
      LoadHistory old, LoadHistory fresh, long blockStart, long from, long to) {
    double[][] block = nanBlock();
    for (long m = from; m < to; m++) {
      LoadHistory source = fresh.overlaps(m, m + 1) ? fresh : old.overlaps(m, m + 1) ? old : null;
      if (source == null) {
        continue;
      }
      int i = (int) (m - epochMinute(source.start));
      for (Series s : Series.values()) {
        block[s.ordinal()][(int) (m - blockStart)] = source.value(s, i);
      }
    }
    return block;
  }

  private boolean covers(long from, long to) {
    return from >= epochMinute(start) && to <= epochMinute(start) + minutes;
  }

  private boolean overlaps(long from, long to) {
    return from < epochMinute(start) + minutes && to > epochMinute(start);
  }

  private Block blockAt(long blockStart) {
    long firstBlock = Math.floorDiv(epochMinute(start), BLOCK);
    return blocks.get((int) (Math.floorDiv(blockStart, BLOCK) - firstBlock));
  }

  private static double[][] nanBlock() {
    double[][] block = new double[SERIES][BLOCK];
    for (double[] s : block) {
      Arrays.fill(s, Double.NaN);
    }
    return block;
  }

  private static long epochMinute(Instant t) {
    return Math.floorDiv(t.getEpochSecond(), 60);
  }

  public Instant start() {
    return start;
  }

  public int minutes() {
    return minutes;
  }

  /** The end of the last minute. */
  public Instant end() {
    return start.plus(Duration.ofMinutes(minutes));
  }

  /** Minute {@code i} of {@code series}; NaN when nothing was published. */
  public double value(Series series, int i) {
    if (i < 0 || i >= minutes) {
      throw new IndexOutOfBoundsException("minute " + i + " of a " + minutes + "-minute history");
    }
    int at = offset + i;
    return blocks.get(at / BLOCK).values[series.ordinal()][at % BLOCK];
  }

  /**
   * One day-long block of minutes as a history keeps it: never changed, and shared between the
   * histories {@link #join} makes, so an estimate from its minutes can be kept with it (an
   * identity, not a value: two blocks with the same minutes are two blocks).
   */
  public static final class Block {
    private final long startMinute;
    private final double[][] values;

    /** Requests arriving per second, minute by minute: worked out once, when first asked for. */
    private volatile double[] arrivalsPerSecond;

    private Block(long startMinute, double[][] values) {
      this.startMinute = startMinute;
      this.values = values;
    }

    /** The block's first minute, in minutes since the epoch: a day's start. */
    public long startMinute() {
      return startMinute;
    }

    private double[] arrivalsPerSecond() {
      double[] arrivals = arrivalsPerSecond;
      if (arrivals == null) {
        arrivals = new double[BLOCK];
        double[] invocations = values[Series.INVOCATIONS.ordinal()];
        double[] refused = values[Series.NO_CAPACITY.ordinal()];
        for (int m = 0; m < BLOCK; m++) {
          arrivals[m] = (zeroIfMissing(invocations[m]) + zeroIfMissing(refused[m])) / 60.0;
        }
        arrivalsPerSecond = arrivals;
      }
      return arrivals;
    }

    public double value(Series series, int minuteInBlock) {
      return values[series.ordinal()][minuteInBlock];
    }
  }

  /** A block and the minutes of it, {@code [from, to)}, that belong to a history. */
  public record BlockRange(Block block, int from, int to) {}

  /** The blocks holding this history's minutes, oldest first, each with the part that is its. */
  public List<BlockRange> blockRanges() {
    List<BlockRange> ranges = new ArrayList<>(blocks.size());
    for (int b = 0; b < blocks.size(); b++) {
      int from = b == 0 ? offset : 0;
      int to = Math.min(BLOCK, offset + minutes - b * BLOCK);
      if (to > from) {
        ranges.add(new BlockRange(blocks.get(b), from, to));
      }
    }
    return ranges;
  }

  /** Every series minute by minute, for tests and reports (a copy). */
  public Map<Series, double[]> toArrays() {
    Map<Series, double[]> out = new EnumMap<>(Series.class);
    for (Series s : Series.values()) {
      double[] values = new double[minutes];
      for (int i = 0; i < minutes; i++) {
        values[i] = value(s, i);
      }
      out.put(s, values);
    }
    return out;
  }

  /**
   * The most requests in flight in minute {@code i}: the busiest copy's count
   * (ConcurrentRequestsPerCopy Maximum; the router evens the copies out) times the minute's copies;
   * NaN when not published.
   */
  public double peak(int i) {
    return value(Series.CONCURRENCY_PER_COPY_MAX, i) * copies(i);
  }

  /**
   * The copies that served in minute {@code i} (a mean where they changed within it); NaN when no
   * request was served.
   */
  public double copies(int i) {
    double invocations = value(Series.INVOCATIONS, i);
    double perCopy = value(Series.INVOCATIONS_PER_COPY, i);
    return invocations > 0 && perCopy > 0 ? invocations / perCopy : Double.NaN;
  }

  /** Requests the copies completed in minute {@code i}: Invocations less InvocationModelErrors. */
  public double completed(int i) {
    return Math.max(
        0,
        zeroIfMissing(value(Series.INVOCATIONS, i)) - zeroIfMissing(value(Series.MODEL_ERRORS, i)));
  }

  /** Requests arriving per second in minute {@code i}: served, or refused for want of a copy. */
  public double arrivalsPerSecond(int i) {
    return (zeroIfMissing(value(Series.INVOCATIONS, i))
            + zeroIfMissing(value(Series.NO_CAPACITY, i)))
        / 60.0;
  }

  /**
   * Requests in flight in each minute had every request taken {@code serviceMs} (Little's law: the
   * arrival rate times the time in the copy): the demand at the operating point copyscale plans
   * for, whatever capacity was there to meet it.
   */
  public double[] demand(double serviceMs) {
    double[] d = new double[minutes];
    int i = 0;
    // Block by block, from each block's arrivals: engine slo works this out over two weeks every
    // minute.
    for (BlockRange range : blockRanges()) {
      double[] arrivals = range.block().arrivalsPerSecond();
      for (int m = range.from(); m < range.to(); m++) {
        d[i++] = arrivals[m] * serviceMs / 1000;
      }
    }
    return d;
  }

  /**
   * As {@link #demand}, minute by minute where it is read (the same figures): a decision reads a
   * few dozen minutes of two weeks.
   */
  public Minutes demandAt(double serviceMs) {
    return new Minutes() {
      @Override
      public int length() {
        return minutes;
      }

      @Override
      public double at(int minute) {
        return arrivalsPerSecond(minute) * serviceMs / 1000;
      }
    };
  }

  /** Requests refused for want of a copy in the last {@code lastMinutes} minutes. */
  public double refusedInLast(int lastMinutes) {
    double sum = 0;
    for (int i = Math.max(0, minutes - lastMinutes); i < minutes; i++) {
      sum += zeroIfMissing(value(Series.NO_CAPACITY, i));
    }
    return sum;
  }

  private static double zeroIfMissing(double v) {
    return Double.isNaN(v) ? 0 : v;
  }
}
