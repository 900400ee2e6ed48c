package dev.copyscale.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C while {@code load} or {@code profile --measure} sends: it sets a flag the run checks
 * between requests, and holds the JVM's exit (up to 10 seconds) until the run has closed this,
 * having printed what it measured so far.
 */
final class CtrlC implements AutoCloseable {
  private final AtomicBoolean pressed = new AtomicBoolean();
  private final CountDownLatch summarized = new CountDownLatch(1);
  private final Thread hook;

  private CtrlC(String threadName) {
    hook =
        new Thread(
            () -> {
              pressed.set(true);
              try {
                summarized.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            threadName);
  }

  /** Watches for Ctrl-C from now until {@link #close}; the hook's thread is {@code threadName}. */
  static CtrlC watch(String threadName) {
    CtrlC ctrlC = new CtrlC(threadName);
    Runtime.getRuntime().addShutdownHook(ctrlC.hook);
    return ctrlC;
  }

  boolean pressed() {
    return pressed.get();
  }

  /**
   * However the run ends: an error must not leave the JVM waiting at exit for a summary that never
   * comes.
   */
  @Override
  public void close() {
    summarized.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is running; the summary it waited for has been printed.
    }
  }
}
