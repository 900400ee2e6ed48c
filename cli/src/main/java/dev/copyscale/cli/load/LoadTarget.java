package dev.copyscale.cli.load;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;

/**
 * Where load goes: a real SageMaker endpoint or the twin. The driver is the same for both; only how
 * time passes differs (the wall clock, or the twin's virtual time, which moves only when the driver
 * waits).
 */
public interface LoadTarget extends AutoCloseable {
  /** Whether this is real AWS (time is the wall clock; requests cost money). */
  boolean aws();

  Clock clock();

  /**
   * Sends one TGI request body; its outcome goes to {@code done} when it finishes, whatever
   * happens.
   */
  void send(String body, boolean stream, BlockingQueue<Outcome> done);

  /** Lets time pass until {@code at} (requests in flight may finish meanwhile). */
  void waitUntil(Instant at) throws InterruptedException;

  /**
   * Lets time pass until {@code done} holds an outcome, or a short while on AWS (so the caller can
   * check for Ctrl-C).
   */
  void awaitOutcome(BlockingQueue<Outcome> done) throws InterruptedException;

  @Override
  void close();
}
