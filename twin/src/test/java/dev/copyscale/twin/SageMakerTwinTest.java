package dev.copyscale.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** The twin's SageMaker on its own: timings, placement, managed instance scaling, and its errors. */
class SageMakerTwinTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  static final String IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-tgi2.0-gpu-py310-cu121-ubuntu22.04";

  TwinWorld world;
  SageMakerTwin sm;

  @BeforeEach
  void world() {
    world = TwinWorld.fresh(T0);
    sm = world.sageMaker();
    sm.createModel(b -> b.modelName("m").executionRoleArn("arn:aws:iam::123456789012:role/r").primaryContainer(c -> c.image(IMAGE)));
  }

  void endpoint(boolean managed, int initial, int max) {
    sm.createEndpointConfig(b -> b.endpointConfigName("c").executionRoleArn("arn:aws:iam::123456789012:role/r").productionVariants(v -> {
      v.variantName("AllTraffic").instanceType("ml.g5.12xlarge").initialInstanceCount(initial);
      if (managed) {
        v.managedInstanceScaling(m -> m.status("ENABLED").minInstanceCount(1).maxInstanceCount(max));
      }
    }));
    sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c"));
    world.pause(world.timings().instanceProvisioning());
  }

  void component(int copies) {
    sm.createInferenceComponent(b -> b.inferenceComponentName("ic").endpointName("e").variantName("AllTraffic")
        .specification(s -> s.modelName("m").computeResourceRequirements(r -> r.numberOfAcceleratorDevicesRequired(1f).numberOfCpuCoresRequired(6f).minMemoryRequiredInMb(40960)))
        .runtimeConfig(r -> r.copyCount(copies)));
  }

  DescribeInferenceComponentResponse ic() {
    return sm.describeInferenceComponent(b -> b.inferenceComponentName("ic"));
  }

  @Test
  void anEndpointIsCreatingUntilItsInstancesAreProvisioned() {
    sm.createEndpointConfig(b -> b.endpointConfigName("c").executionRoleArn("arn:aws:iam::123456789012:role/r")
        .productionVariants(v -> v.variantName("AllTraffic").instanceType("ml.g5.12xlarge").initialInstanceCount(1)));
    sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c"));
    world.pause(world.timings().instanceProvisioning().minusSeconds(1));
    assertThat(sm.describeEndpoint(b -> b.endpointName("e")).endpointStatusAsString()).isEqualTo("Creating");
    world.pause(Duration.ofSeconds(1));
    assertThat(sm.describeEndpoint(b -> b.endpointName("e")).endpointStatusAsString()).isEqualTo("InService");
  }

  @Test
  void copiesComeUpOneByOneAndNeverBeforeTheirStartUpTime() {
    endpoint(true, 1, 2);
    component(3);
    TwinTimings t = world.timings();
    Duration first = t.imagePull().plus(t.modelLoad());
    world.pause(first.minusSeconds(1));
    assertThat(ic().runtimeConfig().currentCopyCount()).isZero();
    assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("Creating");
    world.pause(Duration.ofSeconds(1));
    assertThat(ic().runtimeConfig().currentCopyCount()).isEqualTo(1);
    world.pause(t.copyStagger());
    assertThat(ic().runtimeConfig().currentCopyCount()).isEqualTo(2);
    world.pause(t.copyStagger());
    assertThat(ic().runtimeConfig().currentCopyCount()).isEqualTo(3);
    assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
  }

  @Test
  void aCachedImageSkipsThePull() {
    endpoint(true, 1, 2);
    component(1);
    world.pause(Duration.ofMinutes(10));
    sm.updateInferenceComponentRuntimeConfig(b -> b.inferenceComponentName("ic").desiredRuntimeConfig(r -> r.copyCount(2)));
    world.pause(world.timings().modelLoad().minusSeconds(1));
    assertThat(ic().runtimeConfig().currentCopyCount()).isEqualTo(1);
    world.pause(Duration.ofSeconds(1));
    assertThat(ic().runtimeConfig().currentCopyCount()).isEqualTo(2);
  }

  @Nested
  class Placement {
    @Test
    void withManagedScalingInstancesAreAddedUpToItsMaximum() {
      endpoint(true, 1, 2);
      component(10); // 4 copies per ml.g5.12xlarge (4 GPUs): 2 instances hold 8
      assertThat(sm.describeEndpoint(b -> b.endpointName("e")).productionVariants().get(0).desiredInstanceCount()).isEqualTo(2);
      world.pause(Duration.ofMinutes(30));
      assertThat(ic().runtimeConfig().currentCopyCount()).isEqualTo(8);
      assertThat(ic().runtimeConfig().desiredCopyCount()).isEqualTo(10);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
    }

    @Test
    void withoutItCopiesThatDoNotFitStayPending() {
      endpoint(false, 1, 1);
      component(6);
      world.pause(Duration.ofMinutes(30));
      assertThat(ic().runtimeConfig().currentCopyCount()).isEqualTo(4);
      assertThat(ic().runtimeConfig().desiredCopyCount()).isEqualTo(6);
      // raising the instance count makes room: the pending copies are placed when it is ready
      sm.updateEndpointWeightsAndCapacities(b -> b.endpointName("e").desiredWeightsAndCapacities(d -> d.variantName("AllTraffic").desiredInstanceCount(2)));
      world.pause(Duration.ofMinutes(15));
      assertThat(ic().runtimeConfig().currentCopyCount()).isEqualTo(6);
    }

    @Test
    void emptyInstancesAreReleasedWithManagedScaling() {
      endpoint(true, 1, 2);
      component(8);
      world.pause(Duration.ofMinutes(30));
      sm.updateInferenceComponentRuntimeConfig(b -> b.inferenceComponentName("ic").desiredRuntimeConfig(r -> r.copyCount(2)));
      world.pause(Duration.ofMinutes(1));
      assertThat(sm.describeEndpoint(b -> b.endpointName("e")).productionVariants().get(0).desiredInstanceCount()).isEqualTo(1);
    }
  }

  @Nested
  class Errors {
    @Test
    void unknownAndDuplicateNames() {
      assertThatThrownBy(() -> sm.describeEndpoint(b -> b.endpointName("nope")))
          .isInstanceOf(SageMakerException.class).hasMessageContaining("Could not find endpoint \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/nope\"");
      assertThatThrownBy(() -> sm.createModel(b -> b.modelName("m").primaryContainer(c -> c.image(IMAGE))))
          .hasMessageContaining("Cannot create already existing model");
      assertThatThrownBy(() -> sm.createModel(b -> b.modelName("bad_name").primaryContainer(c -> c.image(IMAGE))))
          .hasMessageContaining("failed to satisfy constraint");
    }

    @Test
    void changesWhileSomethingIsInProgressAreRefused() {
      endpoint(true, 1, 2);
      component(2);
      assertThatThrownBy(() -> sm.updateInferenceComponentRuntimeConfig(b -> b.inferenceComponentName("ic").desiredRuntimeConfig(r -> r.copyCount(3))))
          .hasMessageContaining("an update is already in progress");
      sm.createEndpointConfig(b -> b.endpointConfigName("c2").executionRoleArn("arn:aws:iam::123456789012:role/r")
          .productionVariants(v -> v.variantName("AllTraffic").instanceType("ml.g5.12xlarge").initialInstanceCount(2)));
      world.pause(Duration.ofMinutes(10));
      sm.updateEndpoint(b -> b.endpointName("e").endpointConfigName("c2"));
      assertThatThrownBy(() -> sm.updateEndpoint(b -> b.endpointName("e").endpointConfigName("c2")))
          .hasMessageContaining("Cannot update in-progress endpoint");
    }

    @Test
    void invalidValues() {
      endpoint(true, 1, 2);
      assertThatThrownBy(() -> component(0)).hasMessageContaining("copyCount");
      component(1);
      world.pause(Duration.ofMinutes(10));
      assertThatThrownBy(() -> sm.updateInferenceComponentRuntimeConfig(b -> b.inferenceComponentName("ic").desiredRuntimeConfig(r -> r.copyCount(-1))))
          .hasMessageContaining("greater than or equal to 0");
      assertThatThrownBy(() -> sm.deleteEndpoint(b -> b.endpointName("e"))).hasMessageContaining("has inference components");
    }
  }

  @Nested
  class AutoScaling {
    @Test
    void targetsNeedTheResourceAndKeepUnchangedFields() {
      assertThatThrownBy(() -> world.autoScaling().registerScalableTarget(b -> b.serviceNamespace("sagemaker")
          .resourceId("inference-component/ic").scalableDimension("sagemaker:inference-component:DesiredCopyCount").minCapacity(1).maxCapacity(4)))
          .hasMessageContaining("does not exist");
      endpoint(true, 1, 2);
      component(1);
      world.autoScaling().registerScalableTarget(b -> b.serviceNamespace("sagemaker").resourceId("inference-component/ic")
          .scalableDimension("sagemaker:inference-component:DesiredCopyCount").minCapacity(1).maxCapacity(4));
      world.autoScaling().registerScalableTarget(b -> b.serviceNamespace("sagemaker").resourceId("inference-component/ic")
          .scalableDimension("sagemaker:inference-component:DesiredCopyCount").maxCapacity(6));
      var target = world.autoScaling().describeScalableTargets(b -> b.serviceNamespace("sagemaker")).scalableTargets().get(0);
      assertThat(target.minCapacity()).isEqualTo(1);
      assertThat(target.maxCapacity()).isEqualTo(6);
      world.autoScaling().registerScalableTarget(b -> b.serviceNamespace("sagemaker").resourceId("endpoint/e/variant/AllTraffic")
          .scalableDimension("sagemaker:variant:DesiredInstanceCount").minCapacity(1).maxCapacity(2));
      assertThat(world.autoScaling().describeScalableTargets(b -> b.serviceNamespace("sagemaker")).scalableTargets()).hasSize(2);
    }

    @Test
    void targetTrackingCreatesAndDeletesItsAlarms() {
      endpoint(true, 1, 2);
      component(1);
      world.autoScaling().registerScalableTarget(b -> b.serviceNamespace("sagemaker").resourceId("inference-component/ic")
          .scalableDimension("sagemaker:inference-component:DesiredCopyCount").minCapacity(1).maxCapacity(4));
      world.autoScaling().putScalingPolicy(b -> b.policyName("tt").serviceNamespace("sagemaker").resourceId("inference-component/ic")
          .scalableDimension("sagemaker:inference-component:DesiredCopyCount").policyType("TargetTrackingScaling")
          .targetTrackingScalingPolicyConfiguration(c -> c.targetValue(20.0).predefinedMetricSpecification(m -> m.predefinedMetricType("SageMakerInferenceComponentInvocationsPerCopy"))));
      var alarms = world.cloudWatch().describeAlarms(b -> { }).metricAlarms();
      assertThat(alarms).hasSize(2);
      assertThat(alarms).anySatisfy(a -> {
        assertThat(a.alarmName()).contains("AlarmHigh");
        assertThat(a.evaluationPeriods()).isEqualTo(3);
        assertThat(a.threshold()).isEqualTo(20.0);
      });
      assertThat(alarms).anySatisfy(a -> {
        assertThat(a.alarmName()).contains("AlarmLow");
        assertThat(a.evaluationPeriods()).isEqualTo(15);
        assertThat(a.threshold()).isEqualTo(18.0);
      });
      world.autoScaling().deregisterScalableTarget(b -> b.serviceNamespace("sagemaker").resourceId("inference-component/ic")
          .scalableDimension("sagemaker:inference-component:DesiredCopyCount"));
      assertThat(world.cloudWatch().describeAlarms(b -> { }).metricAlarms()).isEmpty();
      assertThat(world.autoScaling().describeScalingPolicies(b -> b.serviceNamespace("sagemaker")).scalingPolicies()).isEmpty();
    }
  }
}
