package dev.copyscale.aws.store;

import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import java.util.function.Supplier;

/**
 * Observe, decide and write again when another writer changed the item first. The state table's
 * writes are conditional on the version read, so of two invocations acting on one item at once only
 * one wins; the other looks again. Every read-decide-write of copyscale goes through here.
 */
public final class Retry {
  /**
   * Attempts in all before the conflict is reported: each lost attempt means another invocation
   * wrote in between, and five in a row means something keeps writing faster than this one decides.
   */
  public static final int ATTEMPTS = 5;

  private Retry() {}

  /**
   * Runs {@code attempt} until it ends without a {@link ConcurrentUpdateException}, at most {@link
   * #ATTEMPTS} times; the last conflict is thrown.
   */
  public static <T> T onConflict(Supplier<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return attempt.get();
      } catch (ConcurrentUpdateException e) {
        if (n >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
