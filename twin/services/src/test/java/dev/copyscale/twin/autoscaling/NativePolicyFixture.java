package dev.copyscale.twin.autoscaling;

import dev.copyscale.twin.account.AccountFixture;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.sagemaker.SageMakerTwin;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;

/**
 * An endpoint of two ml.g5.48xlarge instances in a fresh world, and a component on it, for the
 * native policy tests.
 */
abstract class NativePolicyFixture {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  static final String COPIES = "sagemaker:inference-component:DesiredCopyCount";
  static final String IC = "inference-component/ic";

  /** Long enough for new copies (image pull, model load) or instances to come into service. */
  static final Duration SETTLE = Duration.ofMinutes(8);

  TwinAccount world;
  AutoScalingTwin aas;
  SageMakerTwin sm;

  @BeforeEach
  void endpoint() {
    world = new TwinAccount(T0);
    aas = world.autoScaling();
    sm = world.sageMaker();
    AccountFixture.endpoint(world, "ml.g5.48xlarge", 2, v -> {});
  }

  /** A component with {@code copies} copies in service, registered with [min, max]. */
  void component(int copies, int min, int max) {
    AccountFixture.component(sm, copies);
    world.pause(SETTLE);
    aas.registerScalableTarget(
        b ->
            b.serviceNamespace("sagemaker")
                .resourceId(IC)
                .scalableDimension(COPIES)
                .minCapacity(min)
                .maxCapacity(max));
  }
}
