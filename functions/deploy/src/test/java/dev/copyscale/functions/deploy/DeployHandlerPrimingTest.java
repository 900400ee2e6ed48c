package dev.copyscale.functions.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.aws.store.InMemoryStateStore;
import dev.copyscale.aws.testing.NoCallClients;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming runs the first event's path on samples and calls no AWS API, reads or writes no
 * state.
 */
class DeployHandlerPrimingTest {
  @Test
  void primingCallsNoAwsApiAndLeavesTheStateTableAlone() {
    NoCallClients aws = new NoCallClients();

    DeployHandler.prime(aws.services);

    assertThat(aws.calls).isEmpty();
    assertThat(aws.store.snapshot()).isEqualTo(InMemoryStateStore.Snapshot.empty());
  }
}
