package dev.copyscale.aws.calls;

import java.time.Duration;

/**
 * Waiting between retries. In Lambda it sleeps; in the twin it moves virtual time, so a retry after
 * "an update is in progress" meets the world as it would be that much later.
 */
@FunctionalInterface
public interface Pause {
  void pause(Duration duration);

  Pause SLEEP =
      duration -> {
        try {
          Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting to retry", e);
        }
      };
}
