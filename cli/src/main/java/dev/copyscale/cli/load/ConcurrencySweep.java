package dev.copyscale.cli.load;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.IntUnaryOperator;

/**
 * Measures how one copy of a deployment serves at each concurrency, as a serving table records it
 * (llmperf's way, the bundled table's): at each level a closed loop keeps {@code concurrency}
 * streamed requests in flight per serving copy ({@link LoadDriver}), the first round is a warm-up,
 * and the rest give the median time to first token, the median latency per output token (a
 * request's latency over the tokens it streamed) and the requests a copy completes a minute while
 * every client is busy (from the warm-up's end to the last request sent). The copies serving must
 * not change during a level: the table is per copy.
 */
public final class ConcurrencySweep {
  /**
   * One level as measured, per copy.
   *
   * @param concurrency requests in flight per copy
   * @param copies copies serving during the level
   * @param sent requests sent (all copies)
   * @param measured requests after the warm-up that succeeded
   * @param failed requests that failed (all copies, warm-up included)
   * @param firstError one failure's type and message, or empty
   */
  public record Level(
      int concurrency,
      int copies,
      long sent,
      long measured,
      long failed,
      double ttftMs,
      double perTokenMs,
      double requestsPerMinute,
      String firstError) {}

  /** Why a sweep stopped before its last level. */
  public static final class Stopped extends RuntimeException {
    public Stopped(String message) {
      super(message);
    }
  }

  private ConcurrencySweep() {}

  /**
   * Runs the levels in order; {@code onLevel} hears each as it ends.
   *
   * @param requestsPerCopy the requests one level sends per copy, warm-up included
   * @param body the request body (streamed)
   * @param copies how many copies serve now
   */
  public static List<Level> run(
      LoadTarget target,
      List<Integer> levels,
      IntUnaryOperator requestsPerCopy,
      java.util.function.IntFunction<String> body,
      IntSupplier copies,
      BooleanSupplier stopped,
      java.util.function.Consumer<Level> onLevel)
      throws InterruptedException {
    List<Level> out = new ArrayList<>();
    for (int c : levels) {
      if (stopped.getAsBoolean()) {
        break;
      }
      int serving = copies.getAsInt();
      if (serving < 1) {
        throw new Stopped(
            "no copy of the deployment is serving"
                + (out.isEmpty() ? "" : " before the level at concurrency " + c)
                + ": deploy it and wait until a copy is InService");
      }
      int inFlight = c * serving;
      Recorder recorder = new Recorder(target);
      LoadStats stats =
          LoadDriver.run(
              recorder,
              new LoadDriver.Plan(
                  new LoadDriver.Closed(inFlight),
                  requestsPerCopy.applyAsInt(c) * serving,
                  null,
                  true,
                  body),
              stopped,
              (s, f) -> {});
      int after = copies.getAsInt();
      if (after != serving) {
        throw new Stopped(
            "the copies serving moved from "
                + serving
                + " to "
                + after
                + " during the level at concurrency "
                + c
                + " (a scaling policy or schedule acted): the table is per copy, so pin the copies"
                + " while measuring (scaling.minCopies = scaling.maxCopies)");
      }
      Level level = recorder.level(c, serving, inFlight, stats);
      out.add(level);
      onLevel.accept(level);
    }
    return out;
  }

  /** Stands between the driver and the target, noting when each request went out and ended. */
  static final class Recorder implements LoadTarget {
    private final LoadTarget target;
    private final List<Instant> sent = new ArrayList<>();
    private final List<Instant> ended = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();

    Recorder(LoadTarget target) {
      this.target = target;
    }

    @Override
    public boolean aws() {
      return target.aws();
    }

    @Override
    public Clock clock() {
      return target.clock();
    }

    @Override
    public void send(String body, boolean stream, BlockingQueue<Outcome> done) {
      synchronized (this) {
        sent.add(target.clock().instant());
      }
      target.send(
          body,
          stream,
          new java.util.concurrent.LinkedBlockingQueue<>() {
            @Override
            public boolean add(Outcome o) {
              synchronized (Recorder.this) {
                ended.add(target.clock().instant());
                outcomes.add(o);
              }
              return done.add(o);
            }
          });
    }

    @Override
    public void waitUntil(Instant at) throws InterruptedException {
      target.waitUntil(at);
    }

    @Override
    public void awaitOutcome(BlockingQueue<Outcome> done) throws InterruptedException {
      target.awaitOutcome(done);
    }

    @Override
    public void close() {}

    synchronized Level level(int concurrency, int copies, int inFlight, LoadStats stats) {
      // The first round (one request per client) is the warm-up: the clients start together.
      int warm = Math.min(inFlight, outcomes.size());
      Instant warmEnd = warm == 0 ? null : ended.get(warm - 1);
      Instant lastSent = sent.isEmpty() ? null : sent.get(sent.size() - 1);
      List<Double> ttft = new ArrayList<>();
      List<Double> perToken = new ArrayList<>();
      long inWindow = 0;
      long measured = 0;
      String firstError = "";
      for (int i = 0; i < outcomes.size(); i++) {
        Outcome o = outcomes.get(i);
        if (!o.ok()) {
          if (firstError.isEmpty()) {
            firstError = o.errorType() + ": " + o.errorMessage();
          }
          continue;
        }
        if (i < warm) {
          continue;
        }
        measured++;
        if (o.ttft() != null) {
          ttft.add(millis(o.ttft()));
        }
        if (o.outputTokens() > 0) {
          perToken.add(millis(o.latency()) / o.outputTokens());
        }
        if (lastSent != null && !ended.get(i).isAfter(lastSent)) {
          inWindow++;
        }
      }
      double rpm = Double.NaN;
      if (warmEnd != null && lastSent != null && lastSent.isAfter(warmEnd) && inWindow >= 1) {
        rpm = inWindow / (Duration.between(warmEnd, lastSent).toNanos() / 60e9);
      } else if (warmEnd != null && measured > 0) {
        Instant last = ended.get(ended.size() - 1);
        double minutes = Duration.between(warmEnd, last).toNanos() / 60e9;
        rpm = minutes > 0 ? measured / minutes : Double.NaN;
      }
      return new Level(
          concurrency,
          copies,
          stats.sent(),
          measured,
          stats.failed(),
          median(ttft),
          median(perToken),
          rpm / copies,
          firstError);
    }
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
