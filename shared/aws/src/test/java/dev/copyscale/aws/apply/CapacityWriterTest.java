package dev.copyscale.aws.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.scaling.convergence.Convergence;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CapacityWriterTest {
  @Test
  void aClaimedWriteIsLeftToItsClaimantForAllOfItsRetries() {
    // Another invocation that reads the claim waits this long before writing itself: the claimant's
    // retries of a throttled write must end within it, or both write.
    Duration retries = CapacityWriter.BACKOFF.stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(retries).isLessThan(Convergence.CLAIM_LEASE);
  }
}
