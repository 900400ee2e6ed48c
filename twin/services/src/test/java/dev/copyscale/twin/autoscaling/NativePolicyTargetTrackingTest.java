package dev.copyscale.twin.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.twin.account.AccountFixture;
import dev.copyscale.twin.cloudwatch.AlarmActionInvocation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingActivity;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * Target-tracking policies executed by the twin's Application Auto Scaling when their alarms invoke
 * them: AAS's proportional scale-out, the conservative scale-in, cooldowns, bounds, DisableScaleIn,
 * SageMaker refusing an update in progress, stale actions, and the variant dimension.
 */
class NativePolicyTargetTrackingTest extends NativePolicyFixture {
  static final String INSTANCES = "sagemaker:variant:DesiredInstanceCount";
  static final String VARIANT = "endpoint/e/variant/AllTraffic";

  void tracking(double target, int scaleOutCooldown, int scaleInCooldown, boolean disableScaleIn) {
    aas.putScalingPolicy(
        b ->
            b.policyName("tt")
                .serviceNamespace("sagemaker")
                .resourceId(IC)
                .scalableDimension(COPIES)
                .policyType("TargetTrackingScaling")
                .targetTrackingScalingPolicyConfiguration(
                    c ->
                        c.targetValue(target)
                            .disableScaleIn(disableScaleIn)
                            .scaleOutCooldown(scaleOutCooldown)
                            .scaleInCooldown(scaleInCooldown)
                            .predefinedMetricSpecification(
                                m ->
                                    m.predefinedMetricType(
                                        "SageMakerInferenceComponentInvocationsPerCopy"))));
  }

  MetricAlarm alarm(String kind) {
    return world.cloudWatch().describeAlarms(b -> {}).metricAlarms().stream()
        .filter(a -> a.alarmName().contains("-Alarm" + kind + "-"))
        .findFirst()
        .orElseThrow();
  }

  /**
   * CloudWatch invoking the policy from its AlarmHigh or AlarmLow with the newest datapoint {@code
   * metric}.
   */
  void fire(String kind, double metric) {
    MetricAlarm a = alarm(kind);
    aas.invoke(
        new AlarmActionInvocation(
            a.alarmActions().get(0),
            a.alarmName(),
            world.clock().instant(),
            "ALARM",
            metric,
            a.threshold(),
            a.comparisonOperatorAsString()));
  }

  int copies() {
    return AccountFixture.desiredCopies(world, "ic");
  }

  List<AutoScalingTwin.Activity> activities() {
    return aas.activities();
  }

  @Test
  void alarmHighScalesOutInProportionToTheMetric() {
    component(2, 1, 16);
    tracking(20, 60, 300, false);
    fire("High", 50); // 2 copies at 50 per copy, target 20: ceil(2 × 50 / 20) = 5
    assertThat(copies()).isEqualTo(5);
    assertThat(activities())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.description()).isEqualTo("Setting desired copy count to 5.");
              assertThat(a.cause())
                  .isEqualTo(
                      "monitor alarm "
                          + alarm("High").alarmName()
                          + " in state ALARM triggered policy tt");
              assertThat(a.cause())
                  .matches(
                      "monitor alarm TargetTracking-inference-component/ic-AlarmHigh-[0-9a-f-]{36}"
                          + " in state ALARM triggered policy tt");
              assertThat(a.statusCode()).isEqualTo("Successful");
              assertThat(a.startTime()).isEqualTo(world.clock().instant());
              assertThat(a.endTime()).isEqualTo(a.startTime());
              assertThat(a.resourceId()).isEqualTo(IC);
              assertThat(a.scalableDimension()).isEqualTo(COPIES);
            });
    List<ScalingActivity> described =
        aas.describeScalingActivities(b -> b.serviceNamespace("sagemaker").resourceId(IC))
            .scalingActivities();
    assertThat(described)
        .singleElement()
        .satisfies(a -> assertThat(a.statusCodeAsString()).isEqualTo("Successful"));
  }

  @Test
  void cooldownsSurviveSavingTheWorld() {
    component(2, 1, 16);
    tracking(20, 900, 300, false);
    fire("High", 40); // 2 -> 4, cooldown 15 min
    world = AccountFixture.reloaded(world);
    aas = world.autoScaling();
    sm = world.sageMaker();
    assertThat(aas.state().policyChanges())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.from()).isEqualTo(2);
              assertThat(c.to()).isEqualTo(4);
              assertThat(c.policyName()).isEqualTo("tt");
            });
    world.pause(SETTLE);
    fire("High", 40); // still covered by the in-flight scale-out after the reload
    assertThat(copies()).isEqualTo(4);
    assertThat(activities()).hasSize(1);
  }

  @Test
  void exactMultiplesDoNotRoundUpAnExtraCopy() {
    component(4, 1, 16);
    tracking(20, 60, 300, false);
    fire("High", 25); // 4 × 25 / 20 = 5 exactly
    assertThat(copies()).isEqualTo(5);
  }

  @Test
  void alarmLowScalesInNoFurtherThanKeepsTheMetricAtTheTarget() {
    component(4, 1, 16);
    tracking(20, 60, 300, false);
    assertThat(alarm("Low").threshold()).isEqualTo(18.0); // 90 % of the target
    fire("Low", 17); // ceil(4 × 17 / 20) = 4: removing a copy would push the metric to 22.7 > 20
    assertThat(copies()).isEqualTo(4);
    assertThat(activities()).isEmpty();
    fire("Low", 9); // ceil(4 × 9 / 20) = 2: 2 copies at 18 per copy
    assertThat(copies()).isEqualTo(2);
    assertThat(activities())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.description()).isEqualTo("Setting desired copy count to 2.");
              assertThat(a.cause())
                  .contains("-AlarmLow-")
                  .endsWith(" in state ALARM triggered policy tt");
            });
  }

  @Test
  void duringTheScaleOutCooldownOnlyALargerScaleOutHappens() {
    component(2, 1, 16);
    tracking(20, 900, 300, false);
    fire("High", 40); // 2 -> 4
    assertThat(copies()).isEqualTo(4);
    world.pause(SETTLE); // copies serve; the 15-minute cooldown is still on
    fire("High", 40); // measured from the 2 before the in-flight scale-out: 4, already there
    assertThat(copies()).isEqualTo(4);
    fire("High", 60); // from 2: ceil(2 × 60 / 20) = 6 > 4
    assertThat(copies()).isEqualTo(6);
    world.pause(Duration.ofMinutes(16)); // cooldown over
    fire("High", 30); // from the current 6: 9
    assertThat(copies()).isEqualTo(9);
    assertThat(activities())
        .extracting(AutoScalingTwin.Activity::description)
        .containsExactly(
            "Setting desired copy count to 4.",
            "Setting desired copy count to 6.",
            "Setting desired copy count to 9.");
  }

  @Test
  void scaleInWaitsForItsCooldownWhichAScaleOutEnds() {
    component(8, 1, 16);
    tracking(20, 60, 600, false);
    fire("Low", 9); // ceil(8 × 9 / 20) = 4
    assertThat(copies()).isEqualTo(4);
    world.pause(Duration.ofMinutes(2));
    fire("Low", 5); // would be 1, but the scale-in cooldown runs until +10 min
    assertThat(copies()).isEqualTo(4);
    fire("High", 40); // a scale-out happens at once, and ends the scale-in cooldown
    assertThat(copies()).isEqualTo(8);
    world.pause(SETTLE);
    fire("Low", 5); // ceil(8 × 5 / 20) = 2; no scale-in cooldown any more
    assertThat(copies()).isEqualTo(2);
    assertThat(activities())
        .extracting(AutoScalingTwin.Activity::description)
        .containsExactly(
            "Setting desired copy count to 4.",
            "Setting desired copy count to 8.",
            "Setting desired copy count to 2.");
  }

  @Test
  void aScaleInAfterItsCooldownGoesAhead() {
    component(8, 1, 16);
    tracking(20, 60, 300, false);
    fire("Low", 10); // 8 -> 4
    world.pause(Duration.ofMinutes(5));
    fire("Low", 10); // cooldown (300 s) over: 4 -> 2
    assertThat(copies()).isEqualTo(2);
  }

  @Test
  void theResultIsClampedToTheTargetsBounds() {
    component(2, 2, 6);
    tracking(20, 60, 0, false);
    fire("High", 200); // asks 20, max 6
    assertThat(copies()).isEqualTo(6);
    world.pause(SETTLE);
    fire("Low", 1); // asks 1, min 2
    assertThat(copies()).isEqualTo(2);
    fire("Low", 1); // at min: nothing to do, nothing recorded
    assertThat(activities())
        .extracting(AutoScalingTwin.Activity::description)
        .containsExactly("Setting desired copy count to 6.", "Setting desired copy count to 2.");
  }

  @Test
  void atMaxNothingHappensAndNothingIsRecorded() {
    component(4, 1, 4);
    tracking(20, 60, 300, false);
    fire("High", 80);
    assertThat(copies()).isEqualTo(4);
    assertThat(activities()).isEmpty();
  }

  @Test
  void disabledScaleInNeverRemovesCapacity() {
    component(6, 1, 16);
    tracking(20, 60, 300, true);
    MetricAlarm high = alarm("High");
    // No AlarmLow exists; even an action that reaches the policy from a low alarm removes nothing.
    aas.invoke(
        new AlarmActionInvocation(
            high.alarmActions().get(0),
            "some-low-alarm",
            world.clock().instant(),
            "ALARM",
            1,
            18,
            "LessThanThreshold"));
    assertThat(copies()).isEqualTo(6);
    fire("High", 30); // scale-out still works: ceil(6 × 30 / 20) = 9
    assertThat(copies()).isEqualTo(9);
  }

  @Test
  void targetTrackingDoesNotScaleFromZero() {
    component(1, 0, 4);
    tracking(20, 60, 300, false);
    sm.updateInferenceComponentRuntimeConfig(
        b -> b.inferenceComponentName("ic").desiredRuntimeConfig(c -> c.copyCount(0)));
    world.pause(Duration.ofMinutes(1));
    fire("High", 50);
    assertThat(copies()).isZero();
    assertThat(activities()).isEmpty();
  }

  @Test
  void anUpdateInProgressIsRecordedAsFailedAndRetriedOnTheNextInvocation() {
    component(2, 1, 16);
    tracking(20, 60, 300, false);
    fire("High", 40); // 2 -> 4; the new copies start for several minutes
    world.pause(Duration.ofMinutes(2)); // the 60 s cooldown is over, the update is not
    fire("High", 30); // ceil(4 × 30 / 20) = 6, refused by SageMaker
    assertThat(copies()).isEqualTo(4);
    assertThat(activities())
        .hasSize(2)
        .last()
        .satisfies(
            a -> {
              assertThat(a.statusCode()).isEqualTo("Failed");
              assertThat(a.description()).isEqualTo("Setting desired copy count to 6.");
              assertThat(a.statusMessage())
                  .isEqualTo(
                      "Cannot update inference component"
                          + " \"arn:aws:sagemaker:us-east-1:123456789012:inference-component/ic\""
                          + " while it is in state UPDATE_RC_IN_PROGRESS.");
            });
    world.pause(SETTLE);
    fire("High", 30); // AAS keeps invoking while the alarm stays in ALARM; now it goes through
    assertThat(copies()).isEqualTo(6);
    assertThat(activities())
        .extracting(AutoScalingTwin.Activity::statusCode)
        .containsExactly("Successful", "Failed", "Successful");
  }

  @Test
  void unknownOrDeletedPoliciesAreIgnored() {
    component(2, 1, 16);
    tracking(20, 60, 300, false);
    MetricAlarm high = alarm("High");
    aas.invoke(
        new AlarmActionInvocation(
            "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:00000000-0000-0000-0000-000000000000"
                + ":resource/sagemaker/inference-component/ic:policyName/nope",
            "x",
            world.clock().instant(),
            "ALARM",
            100,
            20,
            "GreaterThanThreshold"));
    aas.deleteScalingPolicy(
        b ->
            b.policyName("tt")
                .serviceNamespace("sagemaker")
                .resourceId(IC)
                .scalableDimension(COPIES));
    aas.invoke(
        new AlarmActionInvocation(
            high.alarmActions().get(0),
            high.alarmName(),
            world.clock().instant(),
            "ALARM",
            100,
            20,
            "GreaterThanThreshold"));
    assertThat(copies()).isEqualTo(2);
    assertThat(activities()).isEmpty();
  }

  @Test
  void onlyTheAlarmStateInvokes() {
    component(2, 1, 16);
    tracking(20, 60, 300, false);
    MetricAlarm high = alarm("High");
    aas.invoke(
        new AlarmActionInvocation(
            high.alarmActions().get(0),
            high.alarmName(),
            world.clock().instant(),
            "OK",
            100,
            20,
            "GreaterThanThreshold"));
    assertThat(copies()).isEqualTo(2);
    assertThat(activities()).isEmpty();
  }

  @Test
  void variantInstanceCountScalesThroughUpdateEndpointWeightsAndCapacities() {
    aas.registerScalableTarget(
        b ->
            b.serviceNamespace("sagemaker")
                .resourceId(VARIANT)
                .scalableDimension(INSTANCES)
                .minCapacity(1)
                .maxCapacity(5));
    aas.putScalingPolicy(
        b ->
            b.policyName("instances")
                .serviceNamespace("sagemaker")
                .resourceId(VARIANT)
                .scalableDimension(INSTANCES)
                .policyType("TargetTrackingScaling")
                .targetTrackingScalingPolicyConfiguration(
                    c ->
                        c.targetValue(100.0)
                            .scaleOutCooldown(60)
                            .predefinedMetricSpecification(
                                m ->
                                    m.predefinedMetricType(
                                        "SageMakerVariantInvocationsPerInstance"))));
    fire("High", 150); // 2 instances: ceil(2 × 150 / 100) = 3
    assertThat(
            sm.describeEndpoint(b -> b.endpointName("e"))
                .productionVariants()
                .get(0)
                .desiredInstanceCount())
        .isEqualTo(3);
    assertThat(activities())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.description()).isEqualTo("Setting desired instance count to 3.");
              assertThat(a.resourceId()).isEqualTo(VARIANT);
              assertThat(a.scalableDimension()).isEqualTo(INSTANCES);
              assertThat(a.cause())
                  .matches(
                      "monitor alarm"
                          + " TargetTracking-endpoint/e/variant/AllTraffic-AlarmHigh-[0-9a-f-]{36}"
                          + " in state ALARM triggered policy instances");
            });
    world.pause(Duration.ofMinutes(2));
    fire("High", 200); // ceil(3 × 200 / 100) = 6, max 5; the new instance still provisions
    assertThat(activities())
        .last()
        .satisfies(
            a -> {
              assertThat(a.statusCode()).isEqualTo("Failed");
              assertThat(a.description()).isEqualTo("Setting desired instance count to 5.");
              assertThat(a.statusMessage())
                  .isEqualTo(
                      "Cannot update in-progress endpoint"
                          + " \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/e\".");
            });
    world.pause(world.timings().instanceProvisioning());
    fire("High", 200);
    assertThat(
            sm.describeEndpoint(b -> b.endpointName("e"))
                .productionVariants()
                .get(0)
                .desiredInstanceCount())
        .isEqualTo(5);
  }
}
