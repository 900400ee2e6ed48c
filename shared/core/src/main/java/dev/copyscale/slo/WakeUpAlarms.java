package dev.copyscale.slo;

import dev.copyscale.spec.AdjustmentType;
import dev.copyscale.spec.Comparison;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Alarm;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.Step;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import dev.copyscale.spec.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * engine slo's CloudWatch alarms: they only make the step-scaling function decide sooner than its
 * per-minute tick (their steps are never applied: the engine decides). One when the copies run half
 * full, and with {@code minCopies: 0} one on a request refused for want of a copy.
 */
public final class WakeUpAlarms {
  public static final String RISE = "slo-rise";
  public static final String FROM_ZERO = "slo-from-zero";

  private WakeUpAlarms() {}

  public static List<StepPolicy> of(DeploymentSpec spec, SloCapacity capacity) {
    List<StepPolicy> wake = new ArrayList<>();
    // Half of what a copy carries at the profile's request size: the 10-second metric breaches it
    // within seconds of a rise, well before the copies are full (SageMaker publishes
    // ConcurrentRequestsPerCopy every 10 s).
    double threshold = Math.max(1, Math.floor(capacity.perCopy(1) / 2));
    wake.add(
        wakeUp(
            RISE,
            new Alarm(
                Metric.CONCURRENT_REQUESTS_PER_COPY.specName(),
                "Average",
                10,
                1,
                1,
                threshold,
                Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                "notBreaching")));
    if (spec.scaling().minCapacity() == 0) {
      wake.add(
          wakeUp(
              FROM_ZERO,
              new Alarm(
                  Metric.NO_CAPACITY_INVOCATION_FAILURES.specName(),
                  "Sum",
                  60,
                  1,
                  1,
                  1,
                  Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                  "notBreaching")));
    }
    return List.copyOf(wake);
  }

  private static StepPolicy wakeUp(String name, Alarm alarm) {
    return new StepPolicy(
        name,
        false,
        Engine.SLO,
        alarm,
        AdjustmentType.CHANGE_IN_CAPACITY,
        List.of(new Step(Optional.of(0.0), Optional.empty(), 1)),
        0,
        Optional.empty(),
        "Average");
  }
}
