package dev.copyscale.scaling.convergence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The order of writes SageMaker accepts: instances up before copies, copies down before instances,
 * nothing while it is busy.
 */
class ConvergenceTest {
  static final LedgerEntry DECISION =
      LedgerEntry.builder("d", Instant.EPOCH, "e", Source.ALARM, "a").build();

  static LiveCapacity live(int copies, int instances, String endpoint, String component) {
    return new LiveCapacity(copies, 0, 16, instances, Optional.of(component), endpoint);
  }

  static Convergence.Step next(int copies, int instances, LiveCapacity live) {
    return Convergence.next(
        new CapacityIntent(copies, Optional.of(instances), DECISION), Dimension.COPIES, live);
  }

  @Test
  void raisingWritesInstancesFirstThenWaitsForTheEndpointThenCopies() {
    assertThat(next(6, 2, live(2, 1, "InService", "InService")))
        .isEqualTo(new Convergence.SetInstances(2));
    assertThat(next(6, 2, live(2, 2, "Updating", "InService")))
        .isInstanceOf(Convergence.Wait.class);
    assertThat(next(6, 2, live(2, 2, "InService", "InService")))
        .isEqualTo(new Convergence.SetCopies(6));
    assertThat(next(6, 2, live(6, 2, "InService", "Updating"))).isEqualTo(new Convergence.Done());
  }

  @Test
  void copiesThatFitTheRunningInstancesGoBeforeANewInstance() {
    CapacityIntent six = new CapacityIntent(6, Optional.of(2), DECISION, Optional.empty(), 4);
    assertThat(Convergence.next(six, Dimension.COPIES, live(2, 1, "InService", "InService")))
        .isEqualTo(new Convergence.SetCopies(4));
    assertThat(Convergence.next(six, Dimension.COPIES, live(4, 1, "InService", "Updating")))
        .isEqualTo(new Convergence.SetInstances(2));
    assertThat(Convergence.next(six, Dimension.COPIES, live(4, 2, "InService", "Updating")))
        .isInstanceOf(Convergence.Wait.class);
    assertThat(Convergence.next(six, Dimension.COPIES, live(4, 2, "InService", "InService")))
        .isEqualTo(new Convergence.SetCopies(6));
  }

  @Test
  void loweringWritesCopiesFirstThenReleasesInstancesOnceTheComponentSettled() {
    assertThat(next(3, 1, live(6, 2, "InService", "InService")))
        .isEqualTo(new Convergence.SetCopies(3));
    assertThat(next(3, 1, live(3, 2, "InService", "Updating")))
        .isInstanceOf(Convergence.Wait.class);
    assertThat(next(3, 1, live(3, 2, "InService", "InService")))
        .isEqualTo(new Convergence.SetInstances(1));
    assertThat(next(3, 1, live(3, 1, "Updating", "InService"))).isEqualTo(new Convergence.Done());
  }

  @Test
  void copiesWaitWhileTheComponentIsStillApplyingTheLastChange() {
    assertThat(next(5, 2, live(6, 2, "InService", "Updating")))
        .isInstanceOf(Convergence.Wait.class);
  }

  @Test
  void theInstancesDimensionWritesInstancesOnceTheEndpointTakesThem() {
    CapacityIntent three = new CapacityIntent(3, Optional.empty(), DECISION);
    assertThat(
            Convergence.next(
                three,
                Dimension.INSTANCES,
                new LiveCapacity(1, 1, 4, 1, Optional.empty(), "InService")))
        .isEqualTo(new Convergence.SetInstances(3));
    assertThat(
            Convergence.next(
                three,
                Dimension.INSTANCES,
                new LiveCapacity(1, 1, 4, 1, Optional.empty(), "Updating")))
        .isInstanceOf(Convergence.Wait.class);
    assertThat(
            Convergence.next(
                three,
                Dimension.INSTANCES,
                new LiveCapacity(3, 1, 4, 3, Optional.empty(), "Updating")))
        .isEqualTo(new Convergence.Done());
  }
}
