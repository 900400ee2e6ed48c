package dev.copyscale.cli.load;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured, accumulated outcome by outcome (percentiles in fixed memory, so a long
 * run costs nothing more).
 */
public final class LoadStats {
  /** One kind of error, how often, and one message as an example. */
  public record ErrorCount(String type, long count, String example) {}

  private final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);
  private final Histogram ttftMicros = new Histogram(3_600_000_000L, 3);
  private final TreeMap<String, long[]> errorCounts = new TreeMap<>();
  private final Map<String, String> examples = new LinkedHashMap<>();
  private long sent;
  private long succeeded;
  private long failed;
  private long outputTokens;
  private Instant start;
  private Instant end;

  void started(Instant at) {
    start = at;
  }

  void ended(Instant at) {
    end = at;
  }

  void countSent() {
    sent++;
  }

  void add(Outcome o) {
    if (o.ok()) {
      succeeded++;
      latencyMicros.recordValue(
          Math.min(micros(o.latency()), latencyMicros.getHighestTrackableValue()));
      if (o.ttft() != null) {
        ttftMicros.recordValue(Math.min(micros(o.ttft()), ttftMicros.getHighestTrackableValue()));
      }
      outputTokens += o.outputTokens();
    } else {
      failed++;
      errorCounts.computeIfAbsent(o.errorType(), k -> new long[1])[0]++;
      examples.putIfAbsent(o.errorType(), o.errorMessage());
    }
  }

  private static long micros(Duration d) {
    return Math.max(0, d.toNanos() / 1000);
  }

  public long sent() {
    return sent;
  }

  public long succeeded() {
    return succeeded;
  }

  public long failed() {
    return failed;
  }

  /** Sent but not finished: only when a run was stopped early. */
  public long unfinished() {
    return sent - succeeded - failed;
  }

  public Instant start() {
    return start;
  }

  public Instant end() {
    return end;
  }

  public Duration elapsed() {
    return start == null || end == null ? Duration.ZERO : Duration.between(start, end);
  }

  /** Successful requests per second over the run. */
  public double throughput() {
    double seconds = elapsed().toNanos() / 1e9;
    return seconds <= 0 ? 0 : succeeded / seconds;
  }

  /**
   * Streamed output tokens per second (0 when not streaming: a whole response's token count is not
   * known without the tokenizer).
   */
  public double outputTokensPerSecond() {
    double seconds = elapsed().toNanos() / 1e9;
    return seconds <= 0 ? 0 : outputTokens / seconds;
  }

  /** Latency percentile in milliseconds; NaN when nothing succeeded. */
  public double latencyMs(double percentile) {
    return latencyMicros.getTotalCount() == 0
        ? Double.NaN
        : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  /** Time-to-first-token percentile in milliseconds; NaN when nothing was streamed. */
  public double ttftMs(double percentile) {
    return ttftMicros.getTotalCount() == 0
        ? Double.NaN
        : ttftMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  public boolean streamed() {
    return ttftMicros.getTotalCount() > 0;
  }

  /** Errors by type, most frequent first. */
  public java.util.List<ErrorCount> errors() {
    return errorCounts.entrySet().stream()
        .map(e -> new ErrorCount(e.getKey(), e.getValue()[0], examples.get(e.getKey())))
        .sorted(java.util.Comparator.comparingLong(ErrorCount::count).reversed())
        .toList();
  }
}
