package dev.copyscale.functions.scheduledscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.aws.store.InMemoryStateStore;
import dev.copyscale.aws.testing.NoCallClients;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming runs the first event's path on samples and calls no AWS API, reads or writes no
 * state.
 */
class ScheduleHandlerPrimingTest {
  @Test
  void primingCallsNoAwsApiAndLeavesTheStateTableAlone() {
    NoCallClients aws = new NoCallClients();

    ScheduleHandler.prime(aws.services);

    assertThat(aws.calls).isEmpty();
    assertThat(aws.store.snapshot()).isEqualTo(InMemoryStateStore.Snapshot.empty());
  }
}
