package dev.copyscale.twin.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.twin.account.AccountFixture;
import dev.copyscale.twin.account.TwinAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.sagemaker.model.CreateInferenceComponentRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentSpecification;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** The twin's SageMaker on its own: timings, image caching, placement, updates, and its errors. */
class SageMakerTwinTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  static final String ROLE = "arn:aws:iam::123456789012:role/r";
  static final String IMAGE =
      "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-tgi2.0-gpu-py310-cu121-ubuntu22.04";
  static final String IMAGE_2 =
      "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4-tgi2.3-gpu-py311-cu124-ubuntu22.04";
  static final String ARN = "arn:aws:sagemaker:us-east-1:123456789012:";

  TwinAccount world;
  SageMakerTwin sm;
  TwinTimings t;

  @BeforeEach
  void world() {
    world = new TwinAccount(T0);
    sm = world.sageMaker();
    t = world.timings();
    sm.createModel(
        b -> b.modelName("m").executionRoleArn(ROLE).primaryContainer(c -> c.image(IMAGE)));
  }

  /** An endpoint config "c" on ml.g5.12xlarge (4 A10G GPUs: 4 seed-sized copies per instance). */
  void config(String name, int initial, Integer minInstances, Integer maxInstances) {
    sm.createEndpointConfig(
        b ->
            b.endpointConfigName(name)
                .executionRoleArn(ROLE)
                .productionVariants(
                    v -> {
                      v.variantName("AllTraffic")
                          .instanceType("ml.g5.12xlarge")
                          .initialInstanceCount(initial);
                      if (maxInstances != null) {
                        v.managedInstanceScaling(
                            m ->
                                m.status("ENABLED")
                                    .minInstanceCount(minInstances)
                                    .maxInstanceCount(maxInstances));
                      }
                    }));
  }

  /** Endpoint "e" InService: created and its instances provisioned. */
  void endpoint(int initial, Integer minInstances, Integer maxInstances) {
    config("c", initial, minInstances, maxInstances);
    sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c"));
    world.pause(t.instanceProvisioning());
  }

  /** The seed's component shape: 1 GPU, 6 CPUs, 40 GiB per copy. */
  static Consumer<InferenceComponentSpecification.Builder> seedSpec(String model) {
    return s ->
        s.modelName(model)
            .computeResourceRequirements(
                r ->
                    r.numberOfAcceleratorDevicesRequired(1f)
                        .numberOfCpuCoresRequired(6f)
                        .minMemoryRequiredInMb(40960))
            .startupParameters(
                p ->
                    p.modelDataDownloadTimeoutInSeconds(600)
                        .containerStartupHealthCheckTimeoutInSeconds(300));
  }

  void component(int copies) {
    component(b -> b.specification(seedSpec("m")).runtimeConfig(r -> r.copyCount(copies)));
  }

  void component(Consumer<CreateInferenceComponentRequest.Builder> change) {
    sm.createInferenceComponent(
        b -> {
          b.inferenceComponentName("ic").endpointName("e").variantName("AllTraffic");
          change.accept(b);
        });
  }

  DescribeInferenceComponentResponse ic() {
    return sm.describeInferenceComponent(b -> b.inferenceComponentName("ic"));
  }

  DescribeEndpointResponse ep() {
    return sm.describeEndpoint(b -> b.endpointName("e"));
  }

  int current() {
    return ic().runtimeConfig().currentCopyCount();
  }

  void copies(int count) {
    sm.updateInferenceComponentRuntimeConfig(
        b -> b.inferenceComponentName("ic").desiredRuntimeConfig(r -> r.copyCount(count)));
  }

  /**
   * The time one copy of model "m" (not in the catalog: its assumed size) takes once its instance
   * is ready and holds the image: download, then load.
   */
  Duration uncached() {
    return t.download(t.unknownModelGigabytes(), false).plus(t.load(t.unknownModelGigabytes()));
  }

  @Nested
  class EndpointLifecycle {
    @Test
    void creatingUntilItsInstancesAreProvisioned() {
      config("c", 2, null, null);
      sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c"));
      assertThat(ep().endpointStatusAsString()).isEqualTo("Creating");
      assertThat(ep().productionVariants().get(0).currentInstanceCount()).isZero();
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(2);
      world.pause(t.instanceProvisioning().minusSeconds(1));
      assertThat(ep().endpointStatusAsString()).isEqualTo("Creating");
      world.pause(Duration.ofSeconds(1));
      assertThat(ep().endpointStatusAsString()).isEqualTo("InService");
      assertThat(ep().productionVariants().get(0).currentInstanceCount()).isEqualTo(2);
      assertThat(ep().endpointArn()).isEqualTo(ARN + "endpoint/e");
    }

    @Test
    void instancesAddedByHandAreAnUpdate() {
      endpoint(1, null, null);
      sm.updateEndpointWeightsAndCapacities(
          b ->
              b.endpointName("e")
                  .desiredWeightsAndCapacities(
                      d -> d.variantName("AllTraffic").desiredInstanceCount(3)));
      assertThat(ep().endpointStatusAsString()).isEqualTo("Updating");
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(3);
      assertThat(ep().productionVariants().get(0).currentInstanceCount()).isEqualTo(1);
      world.pause(t.instanceProvisioning());
      assertThat(ep().productionVariants().get(0).currentInstanceCount()).isEqualTo(3);
      // SageMaker finishes the update a little after the instances are up; copy changes are refused
      // meanwhile.
      assertThat(ep().endpointStatusAsString()).isEqualTo("Updating");
      world.pause(t.updateSettle());
      assertThat(ep().endpointStatusAsString()).isEqualTo("InService");
    }

    @Test
    void updateEndpointProvisionsANewFleetAndRetiresTheOldOnceCopiesServeOnIt() {
      endpoint(1, null, null);
      component(2);
      world.pause(Duration.ofMinutes(10));
      sm.createEndpointConfig(
          b ->
              b.endpointConfigName("c2")
                  .executionRoleArn(ROLE)
                  .productionVariants(
                      v ->
                          v.variantName("AllTraffic")
                              .instanceType("ml.g6e.12xlarge")
                              .initialInstanceCount(1)));
      sm.updateEndpoint(b -> b.endpointName("e").endpointConfigName("c2"));
      assertThat(ep().endpointStatusAsString()).isEqualTo("Updating");
      assertThat(ep().endpointConfigName()).isEqualTo("c");
      assertThat(ep().pendingDeploymentSummary().endpointConfigName()).isEqualTo("c2");
      assertThat(ep().pendingDeploymentSummary().productionVariants().get(0).instanceTypeAsString())
          .isEqualTo("ml.g6e.12xlarge");
      // the old copies keep serving while the new fleet provisions and its copies start (no image
      // there yet)
      Duration newCopies = t.instanceProvisioning().plus(uncached()).plus(t.copyStagger());
      world.pause(newCopies.minusSeconds(1));
      assertThat(current()).isEqualTo(2);
      assertThat(ep().endpointStatusAsString()).isEqualTo("Updating");
      world.pause(Duration.ofSeconds(1));
      assertThat(ep().endpointStatusAsString()).isEqualTo("InService");
      assertThat(ep().endpointConfigName()).isEqualTo("c2");
      assertThat(ep().pendingDeploymentSummary()).isNull();
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(1);
      assertThat(current()).isEqualTo(2);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
      assertThat(sm.state().endpoints().get("e").instances())
          .allSatisfy(i -> assertThat(i.instanceType()).isEqualTo("ml.g6e.12xlarge"));
    }

    @Test
    void anEndpointKeepsRunningOnAConfigDeletedUnderIt() {
      endpoint(1, 1, 2);
      sm.deleteEndpointConfig(b -> b.endpointConfigName("c"));
      assertThat(sm.listEndpointConfigs(b -> {}).endpointConfigs()).isEmpty();
      component(6);
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(2);
      world.pause(Duration.ofMinutes(20));
      assertThat(current()).isEqualTo(6);
      assertThat(ep().endpointConfigName()).isEqualTo("c");
      sm.deleteInferenceComponent(b -> b.inferenceComponentName("ic"));
      world.pause(t.componentDeletion());
      sm.deleteEndpoint(b -> b.endpointName("e"));
      world.pause(t.endpointDeletion());
      assertThat(sm.state().deletedConfigsInUse()).isEmpty();
    }

    @Test
    void deletingTakesTimeThenTheEndpointIsGone() {
      endpoint(1, null, null);
      sm.deleteEndpoint(b -> b.endpointName("e"));
      assertThat(ep().endpointStatusAsString()).isEqualTo("Deleting");
      assertThat(sm.listEndpoints(b -> b.statusEquals("Deleting")).endpoints()).hasSize(1);
      world.pause(t.endpointDeletion());
      assertThat(sm.listEndpoints(b -> {}).endpoints()).isEmpty();
      assertThatThrownBy(this::describe).hasMessageContaining("Could not find endpoint");
    }

    private void describe() {
      ep();
    }
  }

  @Nested
  class CopyStartUp {
    @Test
    void copiesComeUpOneByOneAndNeverBeforeTheirStartUpTime() {
      endpoint(1, 1, 2);
      component(3);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("Creating");
      world.pause(uncached().minusSeconds(1));
      assertThat(current()).isZero();
      assertThat(ic().runtimeConfig().desiredCopyCount()).isEqualTo(3);
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(1);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("Creating");
      world.pause(t.copyStagger().minusSeconds(1));
      assertThat(current()).isEqualTo(1);
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(2);
      world.pause(t.copyStagger());
      assertThat(current()).isEqualTo(3);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
    }

    @Test
    void theDefaultsAreTheMeasuredFigures() {
      // AWS's container-caching post: Qwen3-8B (16.4 GB) on a new ml.g6.2xlarge served after 258 s
      // with the
      // image cached (77 s of it the download) and after 525 s pulling it (333 s pull beside a 168
      // s download).
      double qwen = 16.4;
      Duration cached = t.instanceProvisioning().plus(t.download(qwen, false)).plus(t.load(qwen));
      assertThat(t.download(qwen, false).toSeconds()).isBetween(76L, 77L);
      assertThat(t.download(qwen, true).toSeconds()).isBetween(165L, 170L);
      assertThat(cached.toSeconds()).isBetween(255L, 261L);
      Duration pulled = t.instanceProvisioning().plus(t.imagePull()).plus(t.load(qwen));
      assertThat(pulled.toSeconds()).isBetween(500L, 530L);
      // A 15.7 GB image and no weights served after 134 s on a new ml.g4dn.xlarge.
      assertThat(t.instanceProvisioning().plus(t.load(0))).isEqualTo(Duration.ofSeconds(134));
      assertThat(t.imageCached()).isTrue();
      assertThat(t.copyStagger()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anInstanceHoldingTheImageSkipsThePull() {
      world = new TwinAccount(T0, TwinTimings.defaults().uncached());
      sm = world.sageMaker();
      t = world.timings();
      sm.createModel(
          b -> b.modelName("m").executionRoleArn(ROLE).primaryContainer(c -> c.image(IMAGE)));
      endpoint(1, 1, 2);
      component(1);
      world.pause(Duration.ofMinutes(10));
      copies(2);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("Updating");
      world.pause(uncached().minusSeconds(1));
      assertThat(current()).isEqualTo(1);
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(2);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
    }

    @Test
    void aNewInstanceFindsTheImageCached() {
      endpoint(1, 1, 2);
      component(4);
      world.pause(Duration.ofMinutes(10));
      copies(
          5); // the fifth copy needs a second instance: provisioning, then the download (the image
      // is cached), then the load
      world.pause(t.instanceProvisioning().plus(uncached()).minusSeconds(1));
      assertThat(current()).isEqualTo(4);
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(5);
    }

    @Test
    void everyTimingCanBeChanged() {
      // 16 GB (model "m": the assumed size) at 1600 MB/s is 10 s; 30 s to start and 10 s to load:
      // 50 s.
      TwinTimings fast =
          new TwinTimings(
              Duration.ofMinutes(1),
              Duration.ofSeconds(30),
              true,
              Duration.ofSeconds(20),
              1600,
              800,
              0.625,
              Duration.ofSeconds(600),
              16,
              Duration.ZERO,
              Duration.ofSeconds(5),
              Duration.ofSeconds(5),
              Duration.ZERO,
              java.util.List.of(),
              Duration.ofSeconds(2),
              false);
      world = new TwinAccount(T0, fast);
      sm = world.sageMaker();
      t = world.timings();
      sm.createModel(
          b -> b.modelName("m").executionRoleArn(ROLE).primaryContainer(c -> c.image(IMAGE)));
      endpoint(1, null, null);
      component(2);
      world.pause(Duration.ofSeconds(49));
      assertThat(current()).isZero();
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(2);
    }

    @Test
    void aContainerInTheSpecificationNeedsNoModel() {
      endpoint(1, null, null);
      component(
          b ->
              b.specification(
                      s ->
                          s.container(
                                  c ->
                                      c.image(IMAGE_2)
                                          .environment(
                                              java.util.Map.of(
                                                  "HF_MODEL_ID",
                                                  "meta-llama/Meta-Llama-3-8B-Instruct")))
                              .computeResourceRequirements(
                                  r ->
                                      r.numberOfAcceleratorDevicesRequired(1f)
                                          .minMemoryRequiredInMb(1024)))
                  .runtimeConfig(r -> r.copyCount(1)));
      assertThat(ic().specification().container().deployedImage().specifiedImage())
          .isEqualTo(IMAGE_2);
      assertThat(ic().specification().container().environment())
          .containsEntry("HF_MODEL_ID", "meta-llama/Meta-Llama-3-8B-Instruct");
      double llama =
          ModelWeights.of(
                  java.util.Map.of("HF_MODEL_ID", "meta-llama/Meta-Llama-3-8B-Instruct"), 1, t)
              .gigabytes();
      assertThat(llama).isBetween(16.0, 16.1); // 8.03 B parameters in bfloat16
      world.pause(t.download(llama, false).plus(t.load(llama)).minusSeconds(1));
      assertThat(current()).isZero();
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(1);
    }
  }

  @Nested
  class OutOfCapacity {
    @BeforeEach
    void noG5s() {
      world =
          new TwinAccount(
              T0, TwinTimings.defaults().withOutOfCapacity(java.util.List.of("ml.g5.12xlarge")));
      sm = world.sageMaker();
      t = world.timings();
      sm.createModel(
          b -> b.modelName("m").executionRoleArn(ROLE).primaryContainer(c -> c.image(IMAGE)));
    }

    @Test
    void anEndpointWithNoCapacityFailsToCreate() {
      config("c", 1, null, null);
      sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c"));
      assertThat(ep().endpointStatusAsString()).isEqualTo("Failed");
      assertThat(ep().failureReason())
          .contains("InsufficientInstanceCapacity")
          .contains("ml.g5.12xlarge");
      sm.deleteEndpoint(b -> b.endpointName("e"));
    }

    @Test
    void aScaleOutWithNoCapacityLeavesTheCopiesPendingAndSaysWhy() {
      world = new TwinAccount(T0);
      sm = world.sageMaker();
      sm.createModel(
          b -> b.modelName("m").executionRoleArn(ROLE).primaryContainer(c -> c.image(IMAGE)));
      endpoint(1, 1, 2);
      component(4);
      world.pause(Duration.ofMinutes(10));
      // capacity runs out after the endpoint was created: a world file edited, as the CLI's world
      // settings do
      TwinAccount dry = reload(world, "ml.g5.12xlarge");
      sm = dry.sageMaker();
      world = dry;
      copies(5);
      world.pause(Duration.ofMinutes(15));
      assertThat(current()).isEqualTo(4);
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(1);
      assertThat(ep().endpointStatusAsString()).isEqualTo("InService");
      assertThat(ep().failureReason()).contains("InsufficientInstanceCapacity");
    }

    TwinAccount reload(TwinAccount w, String type) {
      return AccountFixture.reloaded(
          w,
          saved ->
              ((com.fasterxml.jackson.databind.node.ObjectNode) saved.get("timings"))
                  .putArray("outOfCapacity")
                  .add(type));
    }
  }

  @Nested
  class DataCaching {
    void cachingComponent(boolean cache, int copies) {
      component(
          b ->
              b.specification(
                      s ->
                          s.modelName("m")
                              .dataCacheConfig(d -> d.enableCaching(cache))
                              .computeResourceRequirements(
                                  r ->
                                      r.numberOfAcceleratorDevicesRequired(1f)
                                          .numberOfCpuCoresRequired(6f)
                                          .minMemoryRequiredInMb(40960)))
                  .runtimeConfig(r -> r.copyCount(copies)));
    }

    @Test
    void withDataCachingACopyOnAnInstanceHoldingTheWeightsSkipsTheDownload() {
      endpoint(1, null, null);
      cachingComponent(true, 1);
      assertThat(ic().specification().dataCacheConfig().enableCaching()).isTrue();
      world.pause(Duration.ofMinutes(10));
      copies(2);
      Duration loadOnly = t.load(t.unknownModelGigabytes());
      world.pause(loadOnly.minusSeconds(1));
      assertThat(current()).isEqualTo(1);
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(2);
    }

    @Test
    void withoutItEveryCopyDownloads() {
      endpoint(1, null, null);
      cachingComponent(false, 1);
      world.pause(Duration.ofMinutes(10));
      copies(2);
      world.pause(uncached().minusSeconds(1));
      assertThat(current()).isEqualTo(1);
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(2);
    }
  }

  @Nested
  class CopyPlacement {
    @Test
    void withManagedScalingInstancesAreAddedUpToItsMaximum() {
      endpoint(1, 1, 2);
      component(10); // 4 copies per ml.g5.12xlarge (4 GPUs): 2 instances hold 8
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(2);
      assertThat(ep().productionVariants().get(0).managedInstanceScaling().maxInstanceCount())
          .isEqualTo(2);
      world.pause(Duration.ofMinutes(30));
      assertThat(current()).isEqualTo(8);
      assertThat(ic().runtimeConfig().desiredCopyCount()).isEqualTo(10);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
    }

    @Test
    void withoutItCopiesThatDoNotFitStayPending() {
      endpoint(1, null, null);
      component(6);
      world.pause(Duration.ofMinutes(30));
      assertThat(current()).isEqualTo(4);
      assertThat(ic().runtimeConfig().desiredCopyCount()).isEqualTo(6);
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(1);
      // raising the instance count makes room: the pending copies start there when it is ready
      sm.updateEndpointWeightsAndCapacities(
          b ->
              b.endpointName("e")
                  .desiredWeightsAndCapacities(
                      d -> d.variantName("AllTraffic").desiredInstanceCount(2)));
      world.pause(t.instanceProvisioning().plus(uncached()).plus(t.copyStagger()));
      assertThat(current()).isEqualTo(6);
    }

    @Test
    void cpusAndMemoryLimitToo() {
      endpoint(1, null, null);
      // 20 CPUs each: two fit on 48 vCPUs although four GPUs are free
      component(
          b ->
              b.specification(
                      s ->
                          s.modelName("m")
                              .computeResourceRequirements(
                                  r ->
                                      r.numberOfAcceleratorDevicesRequired(1f)
                                          .numberOfCpuCoresRequired(20f)
                                          .minMemoryRequiredInMb(1024)))
                  .runtimeConfig(r -> r.copyCount(3)));
      world.pause(Duration.ofMinutes(10));
      assertThat(current()).isEqualTo(2);
    }

    @Test
    void emptyInstancesAreReleasedDownToTheMinimum() {
      endpoint(1, 1, 2);
      component(8);
      world.pause(Duration.ofMinutes(30));
      copies(2);
      world.pause(Duration.ofMinutes(1));
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(1);
    }

    @Test
    void aMinimumOfZeroScalesTheEndpointToZeroInstancesAndBack() {
      endpoint(1, 0, 2);
      component(1);
      world.pause(Duration.ofMinutes(10));
      copies(0);
      world.pause(Duration.ofMinutes(1));
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isZero();
      assertThat(ep().endpointStatusAsString()).isEqualTo("InService");
      copies(1);
      assertThat(ep().productionVariants().get(0).desiredInstanceCount()).isEqualTo(1);
      world.pause(t.instanceProvisioning().plus(uncached()).minusSeconds(1));
      assertThat(current()).isZero();
      world.pause(Duration.ofSeconds(1));
      assertThat(current()).isEqualTo(1);
    }
  }

  @Nested
  class ComponentUpdates {
    @Test
    void copiesAreRemovedAtOnce() {
      endpoint(1, null, null);
      component(3);
      world.pause(Duration.ofMinutes(10));
      copies(1);
      assertThat(current()).isEqualTo(1);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
    }

    @Test
    void aNewSpecificationIsBlueGreenByDefault() {
      endpoint(1, 1, 2);
      component(2);
      world.pause(Duration.ofMinutes(10));
      sm.createModel(
          b -> b.modelName("m2").executionRoleArn(ROLE).primaryContainer(c -> c.image(IMAGE_2)));
      sm.updateInferenceComponent(
          b -> b.inferenceComponentName("ic").specification(seedSpec("m2")));
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("Updating");
      // the new copies start beside the old ones (new image: pulled first), which serve meanwhile
      world.pause(uncached().plus(t.copyStagger()).minusSeconds(1));
      assertThat(current()).isEqualTo(2);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("Updating");
      world.pause(Duration.ofSeconds(1));
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
      assertThat(ic().specification().modelName()).isEqualTo("m2");
      assertThat(sm.state().components().get("ic").copies())
          .hasSize(2)
          .allSatisfy(c -> assertThat(c.generation()).isEqualTo(2));
    }

    @Test
    void aRollingUpdateReplacesBatchByBatch() {
      endpoint(1, null, null);
      component(4); // the instance is full: every batch is replaced in place
      world.pause(Duration.ofMinutes(10));
      sm.updateInferenceComponent(
          b ->
              b.inferenceComponentName("ic")
                  .specification(seedSpec("m"))
                  .deploymentConfig(
                      d ->
                          d.rollingUpdatePolicy(
                              p ->
                                  p.maximumBatchSize(s -> s.type("COPY_COUNT").value(2))
                                      .waitIntervalInSeconds(60))));
      assertThat(current()).isEqualTo(2);
      assertThat(ic().lastDeploymentConfig().rollingUpdatePolicy().waitIntervalInSeconds())
          .isEqualTo(60);
      Duration batch = uncached().plus(t.copyStagger());
      world.pause(batch);
      assertThat(current()).isEqualTo(4);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("Updating");
      world.pause(
          Duration.ofSeconds(60)); // baked: the second batch replaces the last two old copies
      assertThat(current()).isEqualTo(2);
      world.pause(batch.plusSeconds(60));
      assertThat(current()).isEqualTo(4);
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
      assertThat(sm.state().components().get("ic").copies())
          .allSatisfy(c -> assertThat(c.generation()).isEqualTo(2));
    }
  }

  @Nested
  class Errors {
    void fails(Executable call, String message) {
      assertThatThrownBy(call::execute)
          .isInstanceOfSatisfying(
              SageMakerException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                assertThat(e.awsErrorDetails().serviceName()).isEqualTo("SageMaker");
                assertThat(e.awsErrorDetails().errorMessage()).contains(message);
              });
    }

    @Test
    void unknownNames() {
      fails(
          () -> sm.describeEndpoint(b -> b.endpointName("nope")),
          "Could not find endpoint \"" + ARN + "endpoint/nope\".");
      fails(
          () -> sm.describeEndpointConfig(b -> b.endpointConfigName("nope")),
          "Could not find endpoint configuration \"" + ARN + "endpoint-config/nope\".");
      fails(
          () -> sm.describeModel(b -> b.modelName("nope")),
          "Could not find model \"" + ARN + "model/nope\".");
      fails(
          () -> sm.describeInferenceComponent(b -> b.inferenceComponentName("nope")),
          "Could not find inference component \"" + ARN + "inference-component/nope\".");
      fails(
          () -> sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("nope")),
          "Could not find endpoint configuration");
      fails(
          () -> sm.deleteInferenceComponent(b -> b.inferenceComponentName("nope")),
          "Could not find inference component");
    }

    @Test
    void duplicateNames() {
      endpoint(1, null, null);
      component(1);
      fails(
          () -> sm.createModel(b -> b.modelName("m").primaryContainer(c -> c.image(IMAGE))),
          "Cannot create already existing model \"" + ARN + "model/m\".");
      fails(
          () -> config("c", 1, null, null),
          "Cannot create already existing endpoint configuration \""
              + ARN
              + "endpoint-config/c\".");
      fails(
          () -> sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c")),
          "Cannot create already existing endpoint \"" + ARN + "endpoint/e\".");
      fails(
          () -> component(1),
          "Cannot create already existing inference component \""
              + ARN
              + "inference-component/ic\".");
    }

    @Test
    void namesOutsideSageMakersPattern() {
      fails(
          () -> sm.createModel(b -> b.modelName("bad_name").primaryContainer(c -> c.image(IMAGE))),
          "Value 'bad_name' at 'modelName' failed to satisfy constraint: Member must satisfy"
              + " regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
      fails(
          () -> sm.createEndpoint(b -> b.endpointName("-e").endpointConfigName("c")),
          "at 'endpointName'");
      fails(
          () ->
              sm.createModel(
                  b -> b.modelName("m".repeat(64)).primaryContainer(c -> c.image(IMAGE))),
          "regular expression pattern");
    }

    @Test
    void copyUpdatesWhileOneIsInProgress() {
      endpoint(1, null, null);
      component(2);
      fails(
          () -> copies(3),
          "Cannot update inference component \""
              + ARN
              + "inference-component/ic\" while it is in state CREATE_IN_PROGRESS.");
      world.pause(Duration.ofMinutes(10));
      copies(3);
      fails(
          () -> copies(4),
          "Cannot update inference component \""
              + ARN
              + "inference-component/ic\" while it is in state UPDATE_RC_IN_PROGRESS.");
      fails(
          () ->
              sm.updateInferenceComponent(
                  b -> b.inferenceComponentName("ic").specification(seedSpec("m"))),
          "UPDATE_RC_IN_PROGRESS");
      world.pause(uncached());
      copies(4);
    }

    @Test
    void changesToAnEndpointThatIsStillChanging() {
      config("c", 1, null, null);
      sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c"));
      String inProgress = "Cannot update in-progress endpoint \"" + ARN + "endpoint/e\".";
      fails(() -> sm.deleteEndpoint(b -> b.endpointName("e")), inProgress);
      fails(() -> sm.updateEndpoint(b -> b.endpointName("e").endpointConfigName("c")), inProgress);
      fails(
          () ->
              sm.updateEndpointWeightsAndCapacities(
                  b ->
                      b.endpointName("e")
                          .desiredWeightsAndCapacities(
                              d -> d.variantName("AllTraffic").desiredInstanceCount(2))),
          inProgress);
      fails(() -> component(1), "is not in InService status");
      world.pause(t.instanceProvisioning());
      config("c2", 1, null, null);
      sm.updateEndpoint(b -> b.endpointName("e").endpointConfigName("c2"));
      fails(() -> sm.updateEndpoint(b -> b.endpointName("e").endpointConfigName("c2")), inProgress);
    }

    @Test
    void copyChangesWhileTheEndpointIsUpdatingAreRefused() {
      endpoint(1, null, null);
      component(1);
      world.pause(Duration.ofMinutes(10));
      sm.updateEndpointWeightsAndCapacities(
          b ->
              b.endpointName("e")
                  .desiredWeightsAndCapacities(
                      d -> d.variantName("AllTraffic").desiredInstanceCount(2)));
      String inProgress = "Cannot update in-progress endpoint \"" + ARN + "endpoint/e\".";
      fails(() -> copies(2), inProgress);
      world.pause(t.instanceProvisioning());
      fails(
          () -> copies(2),
          inProgress); // still Updating: SageMaker finishes the update after the instances are up
      fails(
          () ->
              sm.updateEndpointWeightsAndCapacities(
                  b ->
                      b.endpointName("e")
                          .desiredWeightsAndCapacities(
                              d -> d.variantName("AllTraffic").desiredInstanceCount(3))),
          inProgress);
      world.pause(t.updateSettle());
      copies(2);
      assertThat(ic().runtimeConfig().desiredCopyCount()).isEqualTo(2);
    }

    @Test
    void invalidValues() {
      fails(
          () ->
              sm.createEndpointConfig(
                  b ->
                      b.endpointConfigName("x")
                          .executionRoleArn(ROLE)
                          .productionVariants(
                              v ->
                                  v.variantName("AllTraffic")
                                      .instanceType("ml.m5.xlarge")
                                      .initialInstanceCount(1))),
          "ml.m5.xlarge");
      fails(
          () ->
              sm.createEndpointConfig(
                  b ->
                      b.endpointConfigName("x")
                          .executionRoleArn(ROLE)
                          .productionVariants(
                              v ->
                                  v.variantName("AllTraffic")
                                      .instanceType("ml.g5.12xlarge")
                                      .initialInstanceCount(0))),
          "Value '0' at 'productionVariants.1.member.initialInstanceCount' failed to satisfy"
              + " constraint: Member must have value greater than or equal to 1");
      fails(
          () ->
              sm.createEndpointConfig(
                  b ->
                      b.endpointConfigName("x")
                          .productionVariants(
                              v ->
                                  v.variantName("AllTraffic")
                                      .instanceType("ml.g5.12xlarge")
                                      .initialInstanceCount(1))),
          "needs an ExecutionRoleArn");
      endpoint(1, null, null);
      fails(
          () -> component(0),
          "Value '0' at 'runtimeConfig.copyCount' failed to satisfy constraint: Member must have"
              + " value greater than or equal to 1");
      fails(
          () ->
              component(
                  b ->
                      b.specification(
                              s ->
                                  s.modelName("m")
                                      .computeResourceRequirements(
                                          r ->
                                              r.numberOfAcceleratorDevicesRequired(1f)
                                                  .minMemoryRequiredInMb(1024))
                                      .startupParameters(
                                          p -> p.containerStartupHealthCheckTimeoutInSeconds(30)))
                          .runtimeConfig(r -> r.copyCount(1))),
          "Value '30' at"
              + " 'specification.startupParameters.containerStartupHealthCheckTimeoutInSeconds'"
              + " failed to satisfy constraint: Member must have value greater than or equal to"
              + " 60");
      fails(
          () ->
              component(
                  b ->
                      b.specification(
                              s ->
                                  s.modelName("m")
                                      .computeResourceRequirements(
                                          r ->
                                              r.numberOfAcceleratorDevicesRequired(1f)
                                                  .minMemoryRequiredInMb(1024))
                                      .startupParameters(
                                          p -> p.modelDataDownloadTimeoutInSeconds(3601)))
                          .runtimeConfig(r -> r.copyCount(1))),
          "Member must have value less than or equal to 3600");
      fails(
          () ->
              component(
                  b ->
                      b.specification(
                              s ->
                                  s.modelName("m")
                                      .computeResourceRequirements(
                                          r -> r.minMemoryRequiredInMb(64)))
                          .runtimeConfig(r -> r.copyCount(1))),
          "Member must have value greater than or equal to 128");
      fails(
          () ->
              component(
                  b ->
                      b.specification(
                              s ->
                                  s.modelName("m")
                                      .computeResourceRequirements(
                                          r ->
                                              r.numberOfAcceleratorDevicesRequired(8f)
                                                  .minMemoryRequiredInMb(1024)))
                          .runtimeConfig(r -> r.copyCount(1))),
          "exceed what a ml.g5.12xlarge has");
      fails(
          () ->
              component(
                  b ->
                      b.specification(seedSpec("m"))
                          .variantName("Other")
                          .runtimeConfig(r -> r.copyCount(1))),
          "Variant \"Other\" does not exist");
      component(1);
      world.pause(Duration.ofMinutes(10));
      fails(
          () -> copies(-1),
          "Value '-1' at 'desiredRuntimeConfig.copyCount' failed to satisfy constraint: Member must"
              + " have value greater than or equal to 0");
      fails(
          () ->
              sm.updateInferenceComponent(
                  b ->
                      b.inferenceComponentName("ic")
                          .deploymentConfig(
                              d ->
                                  d.rollingUpdatePolicy(
                                      p ->
                                          p.maximumBatchSize(s -> s.type("COPY_COUNT").value(1))
                                              .waitIntervalInSeconds(4000)))),
          "Member must have value less than or equal to 3600");
      fails(
          () -> sm.deleteEndpoint(b -> b.endpointName("e")), "because it has inference components");
      fails(
          () ->
              sm.updateEndpointWeightsAndCapacities(
                  b ->
                      b.endpointName("e")
                          .desiredWeightsAndCapacities(
                              d -> d.variantName("Other").desiredInstanceCount(2))),
          "The variant name(s) \"Other\" is/are not present within endpoint configuration \"c\".");
    }

    @Test
    void copyCountZeroIsAcceptedByAnUpdate() {
      endpoint(1, null, null);
      component(1);
      world.pause(Duration.ofMinutes(10));
      copies(0);
      assertThat(ic().runtimeConfig().desiredCopyCount()).isZero();
      assertThat(current()).isZero();
      assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("InService");
    }
  }

  @Test
  void listFilters() {
    endpoint(1, null, null);
    component(1);
    assertThat(sm.listInferenceComponents(b -> b.endpointNameEquals("e")).inferenceComponents())
        .hasSize(1);
    assertThat(sm.listInferenceComponents(b -> b.endpointNameEquals("other")).inferenceComponents())
        .isEmpty();
    assertThat(sm.listInferenceComponents(b -> b.nameContains("i")).inferenceComponents())
        .hasSize(1);
    assertThat(sm.listInferenceComponents(b -> b.statusEquals("Creating")).inferenceComponents())
        .hasSize(1);
    assertThat(sm.listInferenceComponents(b -> b.statusEquals("InService")).inferenceComponents())
        .isEmpty();
    assertThat(sm.listEndpoints(b -> b.nameContains("e")).endpoints()).hasSize(1);
    sm.deleteInferenceComponent(b -> b.inferenceComponentName("ic"));
    assertThat(ic().inferenceComponentStatusAsString()).isEqualTo("Deleting");
    world.pause(t.componentDeletion());
    assertThat(sm.listInferenceComponents(b -> {}).inferenceComponents()).isEmpty();
  }
}
