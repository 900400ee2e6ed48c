package dev.copyscale.cli.load;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Sends load to a target and measures it. Closed loop: {@code concurrency} requests in flight, each
 * finished one replaced at once (what a pool of users does). Open loop: requests at a rate,
 * Poisson-spaced, or at a trace's arrival times, whether or not earlier ones finished (what a
 * service's traffic does). Bounded by a request count, a duration, or both; stops early when {@code
 * stopped} says so (Ctrl-C), with the figures so far.
 */
public final class LoadDriver {
  /** How requests are paced. */
  public sealed interface Pace permits Closed, Open, Replay {}

  public record Closed(int concurrency) implements Pace {}

  /** Poisson arrivals at {@code perSecond}, reproducible for a seed. */
  public record Open(double perSecond, long seed) implements Pace {}

  /** Arrivals at these offsets from the start (a trace's, divided by its speed-up). */
  public record Replay(long[] offsetMicros) implements Pace {}

  /**
   * @param maxRequests at most this many requests (Integer.MAX_VALUE: no count bound)
   * @param duration no request is sent after this long (null: no time bound)
   * @param body the body of request i
   */
  public record Plan(
      Pace pace, int maxRequests, Duration duration, boolean stream, IntFunction<String> body) {}

  private LoadDriver() {}

  /** Hears how far a run is: the requests sent and those finished so far. */
  @FunctionalInterface
  public interface Progress {
    void at(long sent, long finished);
  }

  /**
   * Runs the plan; {@code progress} hears the requests sent and finished after each change.
   * Requests still in flight when sending ends are waited for, unless the run was stopped on AWS,
   * where they are reported as unfinished (the twin finishes them at once, in virtual time).
   */
  public static LoadStats run(
      LoadTarget target, Plan plan, BooleanSupplier stopped, Progress progress)
      throws InterruptedException {
    LoadStats stats = new LoadStats();
    BlockingQueue<Outcome> done = new LinkedBlockingQueue<>();
    Instant start = target.clock().instant();
    stats.started(start);
    Instant deadline = plan.duration() == null ? null : start.plus(plan.duration());
    SplittableRandom random =
        plan.pace() instanceof Open open ? new SplittableRandom(open.seed()) : null;
    long nextOffsetMicros = 0;
    // Sent, finished and in flight are all in the stats: what was sent and what has come back.
    while (stats.sent() < plan.maxRequests() && !stopped.getAsBoolean()) {
      int next = (int) stats.sent();
      if (plan.pace() instanceof Closed closed) {
        if (deadline != null && !target.clock().instant().isBefore(deadline)) {
          break;
        }
        if (stats.unfinished() >= closed.concurrency()) {
          target.awaitOutcome(done);
          // Waiting moved the clock: nothing goes out at or after the deadline.
          if (deadline != null && !target.clock().instant().isBefore(deadline)) {
            break;
          }
        }
      } else {
        if (plan.pace() instanceof Replay replay) {
          if (next >= replay.offsetMicros().length) {
            break;
          }
          nextOffsetMicros = replay.offsetMicros()[next];
        }
        Instant at = start.plusNanos(nextOffsetMicros * 1000);
        if (deadline != null && !at.isBefore(deadline)) {
          break;
        }
        target.waitUntil(at);
        if (plan.pace() instanceof Open open) {
          nextOffsetMicros += (long) (-Math.log(1 - random.nextDouble()) / open.perSecond() * 1e6);
        }
      }
      collect(done, stats, progress);
      if (plan.pace() instanceof Closed closed && stats.unfinished() >= closed.concurrency()
          || stopped.getAsBoolean()) {
        continue;
      }
      target.send(plan.body().apply(next), plan.stream(), done);
      stats.countSent();
      progress.at(stats.sent(), stats.succeeded() + stats.failed());
    }
    while (stats.unfinished() > 0 && !(stopped.getAsBoolean() && target.aws())) {
      target.awaitOutcome(done);
      collect(done, stats, progress);
    }
    // Stopped on AWS: what already answered still counts.
    collect(done, stats, progress);
    stats.ended(target.clock().instant());
    return stats;
  }

  /**
   * Takes the outcomes that arrived into the figures, telling {@code progress} how many have
   * finished.
   */
  private static void collect(BlockingQueue<Outcome> done, LoadStats stats, Progress progress) {
    Outcome o;
    while ((o = done.poll()) != null) {
      stats.add(o);
      progress.at(stats.sent(), stats.succeeded() + stats.failed());
    }
  }
}
