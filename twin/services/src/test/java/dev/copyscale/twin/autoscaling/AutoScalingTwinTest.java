package dev.copyscale.twin.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.twin.account.AccountFixture;
import dev.copyscale.twin.account.TwinAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ApplicationAutoScalingException;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * The twin's Application Auto Scaling: targets on both SageMaker dimensions, policies and their
 * alarms, activities.
 */
class AutoScalingTwinTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  static final String COPIES = "sagemaker:inference-component:DesiredCopyCount";
  static final String INSTANCES = "sagemaker:variant:DesiredInstanceCount";
  static final String IC = "inference-component/ic";
  static final String VARIANT = "endpoint/e/variant/AllTraffic";

  TwinAccount world;
  AutoScalingTwin aas;

  @BeforeEach
  void deployed() {
    world = AccountFixture.endpointWithComponent(T0, 1);
    aas = world.autoScaling();
  }

  void register(String resourceId, String dimension, Integer min, Integer max) {
    aas.registerScalableTarget(
        b ->
            b.serviceNamespace("sagemaker")
                .resourceId(resourceId)
                .scalableDimension(dimension)
                .minCapacity(min)
                .maxCapacity(max));
  }

  ScalableTarget target(String resourceId) {
    return aas.describeScalableTargets(b -> b.serviceNamespace("sagemaker").resourceIds(resourceId))
        .scalableTargets()
        .get(0);
  }

  void tracking(String name, double target, boolean disableScaleIn) {
    aas.putScalingPolicy(
        b ->
            b.policyName(name)
                .serviceNamespace("sagemaker")
                .resourceId(IC)
                .scalableDimension(COPIES)
                .policyType("TargetTrackingScaling")
                .targetTrackingScalingPolicyConfiguration(
                    c ->
                        c.targetValue(target)
                            .disableScaleIn(disableScaleIn)
                            .scaleOutCooldown(60)
                            .scaleInCooldown(300)
                            .predefinedMetricSpecification(
                                m ->
                                    m.predefinedMetricType(
                                        "SageMakerInferenceComponentInvocationsPerCopy"))));
  }

  List<MetricAlarm> alarms() {
    return world.cloudWatch().describeAlarms(b -> {}).metricAlarms();
  }

  @Test
  void registersDescribesAndDeregistersBothDimensions() {
    register(IC, COPIES, 1, 4);
    register(VARIANT, INSTANCES, 1, 2);
    assertThat(aas.describeScalableTargets(b -> b.serviceNamespace("sagemaker")).scalableTargets())
        .extracting(ScalableTarget::resourceId)
        .containsExactlyInAnyOrder(IC, VARIANT);
    assertThat(
            aas.describeScalableTargets(
                    b -> b.serviceNamespace("sagemaker").scalableDimension(INSTANCES))
                .scalableTargets())
        .extracting(ScalableTarget::resourceId)
        .containsExactly(VARIANT);
    ScalableTarget copies = target(IC);
    assertThat(copies.minCapacity()).isEqualTo(1);
    assertThat(copies.maxCapacity()).isEqualTo(4);
    assertThat(copies.creationTime()).isEqualTo(world.clock().instant());
    assertThat(copies.scalableTargetARN())
        .startsWith("arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/");
    aas.deregisterScalableTarget(
        b -> b.serviceNamespace("sagemaker").resourceId(VARIANT).scalableDimension(INSTANCES));
    assertThat(aas.describeScalableTargets(b -> b.serviceNamespace("sagemaker")).scalableTargets())
        .extracting(ScalableTarget::resourceId)
        .containsExactly(IC);
  }

  @Test
  void reRegisteringChangesOnlyTheGivenFields() {
    register(IC, COPIES, 1, 4);
    world.pause(Duration.ofMinutes(5));
    register(IC, COPIES, null, 6);
    assertThat(target(IC).minCapacity()).isEqualTo(1);
    assertThat(target(IC).maxCapacity()).isEqualTo(6);
    register(IC, COPIES, 0, null);
    assertThat(target(IC).minCapacity()).isZero();
    assertThat(target(IC).maxCapacity()).isEqualTo(6);
    assertThat(target(IC).creationTime())
        .isEqualTo(T0.plus(world.timings().instanceProvisioning()));
  }

  @Test
  void registeringIsNoScalingActivity() {
    register(IC, COPIES, 1, 4);
    register(IC, COPIES, 2, 4);
    assertThat(
            aas.describeScalingActivities(b -> b.serviceNamespace("sagemaker")).scalingActivities())
        .isEmpty();
  }

  @Test
  void targetTrackingCreatesItsTwoAlarmsAsAasNamesThem() {
    register(IC, COPIES, 1, 4);
    tracking("tt", 20.0, false);
    ScalingPolicy policy =
        aas.describeScalingPolicies(b -> b.serviceNamespace("sagemaker").resourceId(IC))
            .scalingPolicies()
            .get(0);
    assertThat(policy.policyARN())
        .matches(
            "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource/sagemaker/inference-component/ic:policyName/tt");
    assertThat(policy.alarms()).hasSize(2);
    String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    assertThat(alarms())
        .hasSize(2)
        .allSatisfy(
            a -> {
              assertThat(a.alarmName())
                  .matches("TargetTracking-inference-component/ic-Alarm(High|Low)-" + uuid);
              assertThat(a.namespace()).isEqualTo("AWS/SageMaker");
              assertThat(a.metricName()).isEqualTo("InvocationsPerCopy");
              assertThat(a.dimensions().get(0).value()).isEqualTo("ic");
              assertThat(a.alarmActions().get(0)).startsWith(policy.policyARN() + ":createdBy/");
              assertThat(a.alarmDescription())
                  .startsWith(
                      "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy "
                          + policy.policyARN());
              assertThat(a.stateValueAsString()).isEqualTo("INSUFFICIENT_DATA");
            });
    assertThat(alarms())
        .anySatisfy(
            a -> {
              assertThat(a.alarmName()).contains("-AlarmHigh-");
              assertThat(a.evaluationPeriods()).isEqualTo(3);
              assertThat(a.threshold()).isEqualTo(20.0);
              assertThat(a.comparisonOperatorAsString()).isEqualTo("GreaterThanThreshold");
            });
    assertThat(alarms())
        .anySatisfy(
            a -> {
              assertThat(a.alarmName()).contains("-AlarmLow-");
              assertThat(a.evaluationPeriods()).isEqualTo(15);
              assertThat(a.threshold()).isEqualTo(18.0);
              assertThat(a.comparisonOperatorAsString()).isEqualTo("LessThanThreshold");
            });
    String high = alarms().get(0).alarmName();
    String low = alarms().get(1).alarmName();
    assertThat(high.substring(high.length() - 36)).isNotEqualTo(low.substring(low.length() - 36));
  }

  @Test
  void disabledScaleInHasNoLowAlarm() {
    register(IC, COPIES, 1, 4);
    tracking("tt", 20.0, true);
    assertThat(alarms())
        .singleElement()
        .satisfies(a -> assertThat(a.alarmName()).contains("-AlarmHigh-"));
  }

  @Test
  void changingAPolicyReplacesItsAlarmsAndDeletingItRemovesThem() {
    register(IC, COPIES, 1, 4);
    tracking("tt", 20.0, false);
    List<String> first = alarms().stream().map(MetricAlarm::alarmName).toList();
    tracking("tt", 30.0, false);
    assertThat(alarms())
        .hasSize(2)
        .noneMatch(a -> first.contains(a.alarmName()))
        .allSatisfy(a -> assertThat(a.threshold()).isIn(30.0, 27.0));
    aas.deleteScalingPolicy(
        b ->
            b.policyName("tt")
                .serviceNamespace("sagemaker")
                .resourceId(IC)
                .scalableDimension(COPIES));
    assertThat(alarms()).isEmpty();
    assertThat(aas.describeScalingPolicies(b -> b.serviceNamespace("sagemaker")).scalingPolicies())
        .isEmpty();
  }

  @Test
  void deregisteringATargetDeletesItsPoliciesAndAlarms() {
    register(IC, COPIES, 1, 4);
    register(VARIANT, INSTANCES, 1, 2);
    tracking("tt", 20.0, false);
    aas.putScalingPolicy(
        b ->
            b.policyName("step")
                .serviceNamespace("sagemaker")
                .resourceId(IC)
                .scalableDimension(COPIES)
                .policyType("StepScaling")
                .stepScalingPolicyConfiguration(
                    c ->
                        c.adjustmentType("ChangeInCapacity")
                            .cooldown(60)
                            .stepAdjustments(
                                s ->
                                    s.metricIntervalLowerBound(0.0)
                                        .metricIntervalUpperBound(1000.0)
                                        .scalingAdjustment(10),
                                s -> s.metricIntervalLowerBound(1000.0).scalingAdjustment(50))));
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
                            .predefinedMetricSpecification(
                                m ->
                                    m.predefinedMetricType(
                                        "SageMakerVariantInvocationsPerInstance"))));
    ScalingPolicy step =
        aas.describeScalingPolicies(b -> b.serviceNamespace("sagemaker").policyNames("step"))
            .scalingPolicies()
            .get(0);
    assertThat(step.stepScalingPolicyConfiguration().stepAdjustments()).hasSize(2);
    assertThat(
            step.stepScalingPolicyConfiguration()
                .stepAdjustments()
                .get(1)
                .metricIntervalUpperBound())
        .isNull();
    assertThat(alarms()).hasSize(4);
    aas.deregisterScalableTarget(
        b -> b.serviceNamespace("sagemaker").resourceId(IC).scalableDimension(COPIES));
    assertThat(aas.describeScalingPolicies(b -> b.serviceNamespace("sagemaker")).scalingPolicies())
        .extracting(ScalingPolicy::policyName)
        .containsExactly("instances");
    assertThat(alarms())
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.alarmName()).startsWith("TargetTracking-" + VARIANT + "-"));
  }

  @Test
  void activitiesAreListedNewestFirst() {
    aas.record(
        new AutoScalingTwin.Activity(
            "a1",
            "sagemaker",
            IC,
            COPIES,
            "Setting desired copy count to 2.",
            "scheduled",
            T0,
            T0,
            "Successful",
            null));
    aas.record(
        new AutoScalingTwin.Activity(
            "a2",
            "sagemaker",
            IC,
            COPIES,
            "Setting desired copy count to 3.",
            "alarm",
            T0.plusSeconds(60),
            null,
            "InProgress",
            null));
    aas.record(
        new AutoScalingTwin.Activity(
            "a3",
            "sagemaker",
            VARIANT,
            INSTANCES,
            "Setting desired instance count to 2.",
            "alarm",
            T0.plusSeconds(30),
            null,
            "Successful",
            null));
    assertThat(
            aas.describeScalingActivities(b -> b.serviceNamespace("sagemaker").resourceId(IC))
                .scalingActivities())
        .extracting(a -> a.activityId())
        .containsExactly("a2", "a1");
    assertThat(
            aas.describeScalingActivities(b -> b.serviceNamespace("sagemaker")).scalingActivities())
        .hasSize(3);
  }

  @Test
  void errorsAsAasReturnsThem() {
    assertThatThrownBy(
            () ->
                aas.deregisterScalableTarget(
                    b -> b.serviceNamespace("sagemaker").resourceId(IC).scalableDimension(COPIES)))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining(
            "No scalable target found for service namespace: sagemaker, resource ID:"
                + " inference-component/ic, scalable dimension: "
                + COPIES);
    assertThatThrownBy(() -> tracking("tt", 20.0, false))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining(
            "No scalable target registered for service namespace: sagemaker, resource ID:"
                + " inference-component/ic, scalable dimension: "
                + COPIES);
    assertThatThrownBy(() -> register("inference-component/nope", COPIES, 1, 2))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> register("endpoint/nope/variant/AllTraffic", INSTANCES, 1, 2))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> register(IC, COPIES, 4, 1))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Minimum capacity cannot be greater than maximum capacity");
    assertThatThrownBy(() -> register(IC, COPIES, null, 4))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("MinCapacity and MaxCapacity are required");
    assertThatThrownBy(() -> register(VARIANT, COPIES, 1, 2))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("expected inference-component/NAME");
    register(IC, COPIES, 1, 4);
    assertThatThrownBy(
            () ->
                aas.deleteScalingPolicy(
                    b ->
                        b.policyName("nope")
                            .serviceNamespace("sagemaker")
                            .resourceId(IC)
                            .scalableDimension(COPIES)))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining(
            "No scaling policy found for service namespace: sagemaker, resource ID:"
                + " inference-component/ic, scalable dimension: "
                + COPIES
                + ", policy name: nope");
    assertThatThrownBy(
            () ->
                aas.putScalingPolicy(
                    b ->
                        b.policyName("tt")
                            .serviceNamespace("sagemaker")
                            .resourceId(IC)
                            .scalableDimension(COPIES)
                            .policyType("TargetTrackingScaling")
                            .targetTrackingScalingPolicyConfiguration(
                                c ->
                                    c.targetValue(5.0)
                                        .predefinedMetricSpecification(
                                            m ->
                                                m.predefinedMetricType(
                                                    "SageMakerVariantInvocationsPerInstance")))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("cannot be used with scalable dimension");
    assertThatThrownBy(() -> register(IC, COPIES, -1, 4))
        .isInstanceOfSatisfying(
            ApplicationAutoScalingException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            });
  }
}
