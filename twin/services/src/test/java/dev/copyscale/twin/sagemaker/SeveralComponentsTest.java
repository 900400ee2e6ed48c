package dev.copyscale.twin.sagemaker;

import static dev.copyscale.twin.sagemaker.SageMakerTwinTest.ARN;
import static dev.copyscale.twin.sagemaker.SageMakerTwinTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.scaling.arbiter.CopyResources;
import dev.copyscale.scaling.arbiter.FirstFit;
import dev.copyscale.scaling.arbiter.PlannedInstance;
import dev.copyscale.twin.account.AccountFixture;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.sagemaker.SageMakerState.Component;
import dev.copyscale.twin.sagemaker.SageMakerState.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.CreateInferenceComponentRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentSummary;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * Several inference components on one endpoint, as SageMaker hosts them: copies of every component
 * share the instances first fit (by core's {@link FirstFit}, the arbiter's rule), managed instance
 * scaling adds and releases instances for all of them, one component that cannot start leaves the
 * others alone, and adapter components are served by their base's copies.
 */
class SeveralComponentsTest {
  static final String TYPE = "ml.g5.12xlarge"; // 4 GPUs, 48 vCPUs, 192 GiB

  TwinAccount world;
  SageMakerTwin sm;
  TwinTimings t;

  @BeforeEach
  void world() {
    start(TwinTimings.defaults());
  }

  void start(TwinTimings timings) {
    world = new TwinAccount(T0, timings);
    sm = world.sageMaker();
    t = world.timings();
  }

  /**
   * Model "m" and endpoint "e" on ml.g5.12xlarge, InService; managed instance scaling when {@code
   * max} is set.
   */
  void endpoint(int initial, Integer min, Integer max) {
    AccountFixture.endpoint(
        world,
        TYPE,
        initial,
        v -> {
          if (max != null) {
            v.managedInstanceScaling(
                m -> m.status("ENABLED").minInstanceCount(min).maxInstanceCount(max));
          }
        });
  }

  void component(String name, CopyResources size, int copies) {
    component(name, size, copies, s -> {});
  }

  void component(
      String name,
      CopyResources size,
      int copies,
      Consumer<
              software.amazon.awssdk.services.sagemaker.model.InferenceComponentStartupParameters
                  .Builder>
          startup) {
    sm.createInferenceComponent(
        b ->
            b.inferenceComponentName(name)
                .endpointName("e")
                .variantName("AllTraffic")
                .specification(
                    s ->
                        s.modelName("m")
                            .computeResourceRequirements(
                                r ->
                                    r.numberOfAcceleratorDevicesRequired(
                                            (float) size.accelerators())
                                        .numberOfCpuCoresRequired((float) size.cpus())
                                        .minMemoryRequiredInMb((int) size.memoryMb()))
                            .startupParameters(startup))
                .runtimeConfig(r -> r.copyCount(copies)));
  }

  void copies(String name, int count) {
    sm.updateInferenceComponentRuntimeConfig(
        b -> b.inferenceComponentName(name).desiredRuntimeConfig(r -> r.copyCount(count)));
  }

  DescribeInferenceComponentResponse ic(String name) {
    return sm.describeInferenceComponent(b -> b.inferenceComponentName(name));
  }

  int instances() {
    return sm.describeEndpoint(b -> b.endpointName("e"))
        .productionVariants()
        .get(0)
        .desiredInstanceCount();
  }

  /** The copies on each instance of "e", per component, instances oldest first. */
  List<Map<String, Integer>> placement() {
    sm.settle();
    List<Map<String, Integer>> out = new ArrayList<>();
    for (Instance i : sm.state().endpoints().get("e").instances()) {
      Map<String, Integer> on = new TreeMap<>();
      for (Component c : sm.state().components().values()) {
        long n = c.copies().stream().filter(x -> x.instanceId().equals(i.id())).count();
        if (n > 0) {
          on.put(c.name(), (int) n);
        }
      }
      out.add(on);
    }
    return out;
  }

  /** The ids of the copies on each instance. */
  List<List<String>> copyIds() {
    sm.settle();
    List<List<String>> out = new ArrayList<>();
    for (Instance i : sm.state().endpoints().get("e").instances()) {
      List<String> on = new ArrayList<>();
      sm.state().components().values().stream()
          .flatMap(c -> c.copies().stream())
          .filter(x -> x.instanceId().equals(i.id()))
          .forEach(x -> on.add(x.id()));
      out.add(on);
    }
    return out;
  }

  static final CopyResources CHAT = new CopyResources(2, 12, 65536);
  static final CopyResources EMBED = new CopyResources(1, 4, 16384);

  @Nested
  class SharedInstances {
    /**
     * chat (2 GPUs) and embed (1 GPU) on ml.g5.12xlarge (4 GPUs): one instance holding chat 1 and
     * embed 2, a second one holding chat 1 and embed 1.
     */
    void twoSharing() {
      endpoint(1, 1, 4);
      component("chat", CHAT, 1);
      component("embed", EMBED, 2);
      // 2 + 1 + 1 GPUs: both fit the one instance, no instance added
      assertThat(placement()).containsExactly(Map.of("chat", 1, "embed", 2));
      assertThat(instances()).isEqualTo(1);
      world.pause(Duration.ofMinutes(20));

      copies("chat", 2); // fits nowhere: managed instance scaling adds an instance for it
      assertThat(placement()).containsExactly(Map.of("chat", 1, "embed", 2), Map.of("chat", 1));
      world.pause(Duration.ofMinutes(20));
      copies("embed", 3); // the first instance is full; the second has 2 GPUs free
      assertThat(placement())
          .containsExactly(Map.of("chat", 1, "embed", 2), Map.of("chat", 1, "embed", 1));
      assertThat(instances()).isEqualTo(2);
      world.pause(Duration.ofMinutes(20));
    }

    @Test
    void twoComponentsWithDifferentResourcesShareInstancesFirstFit() {
      twoSharing();
      assertThat(ic("chat").runtimeConfig().currentCopyCount()).isEqualTo(2);
      assertThat(ic("embed").runtimeConfig().currentCopyCount()).isEqualTo(3);
      assertThat(ic("chat").inferenceComponentStatusAsString()).isEqualTo("InService");
      assertThat(ic("embed").inferenceComponentStatusAsString()).isEqualTo("InService");
    }

    @Test
    void anInstanceIsReleasedOnlyWhenItHoldsNoCopyOfAnyComponentAndCopiesNeverMove() {
      twoSharing();
      List<String> first = copyIds().get(0);

      copies("chat", 1); // the newest chat copy goes; the second instance still holds embed's
      world.pause(Duration.ofMinutes(1));
      assertThat(placement()).containsExactly(Map.of("chat", 1, "embed", 2), Map.of("embed", 1));
      assertThat(instances()).isEqualTo(2);

      copies("embed", 2); // now the second instance holds nothing: IDLE_RELEASE lets it go
      world.pause(Duration.ofMinutes(1));
      assertThat(placement()).containsExactly(Map.of("chat", 1, "embed", 2));
      assertThat(instances()).isEqualTo(1);
      assertThat(copyIds().get(0)).isEqualTo(first);
    }

    @Test
    void onceTheLastComponentIsDeletedItsIdleInstancesGoDownToTheMinimum() {
      endpoint(1, 0, 4);
      component("chat", CHAT, 2);
      world.pause(Duration.ofMinutes(20));
      component("embed", EMBED, 1);
      world.pause(Duration.ofMinutes(20));
      assertThat(instances()).isEqualTo(2);
      sm.deleteInferenceComponent(b -> b.inferenceComponentName("chat"));
      sm.deleteInferenceComponent(b -> b.inferenceComponentName("embed"));
      world.pause(t.componentDeletion());
      assertThat(sm.state().components()).isEmpty();
      assertThat(instances()).isZero();
    }

    @Test
    void aRunningCopyIsNeverMovedToFreeAnInstance() {
      endpoint(1, 1, 4);
      component("chat", CHAT, 2); // one instance: 2 + 2 GPUs
      component("embed", EMBED, 1); // fits nowhere: a second instance
      world.pause(Duration.ofMinutes(20));
      copies("chat", 1); // the newest chat copy (first instance) goes: embed could now fit there
      world.pause(Duration.ofMinutes(5));
      assertThat(placement()).containsExactly(Map.of("chat", 1), Map.of("embed", 1));
      assertThat(instances()).isEqualTo(2);
    }

    /**
     * The twin's SageMaker and the arbiter place by the same rule: copies created component after
     * component land exactly where core's FirstFit.plan puts them from an empty endpoint.
     */
    @Test
    void placementIsCoreFirstFitsPlan() {
      InstanceType type = Catalog.bundled().instanceType(TYPE).orElseThrow();
      Random random = new Random(23);
      for (int trial = 0; trial < 40; trial++) {
        start(TwinTimings.defaults());
        endpoint(1, 0, 30);
        // the endpoint's first instance, then as many as the copies need
        LinkedHashMap<String, Integer> wanted = new LinkedHashMap<>();
        Map<String, CopyResources> sizes = new LinkedHashMap<>();
        int components = 2 + random.nextInt(3);
        for (int k = 0; k < components; k++) {
          CopyResources size =
              new CopyResources(
                  1 + random.nextInt(4), 1 + random.nextInt(24), 1024L * (1 + random.nextInt(96)));
          int copies = 1 + random.nextInt(6);
          String name = "c" + k;
          component(name, size, copies);
          // SageMaker takes no new component while the endpoint is Updating (adding instances)
          world.pause(Duration.ofMinutes(30));
          wanted.put(name, copies);
          sizes.put(name, size);
        }
        List<Map<String, Integer>> plan =
            FirstFit.plan(
                    type,
                    List.of(new dev.copyscale.scaling.arbiter.RunningInstance("i-1", Map.of())),
                    sizes,
                    wanted,
                    0)
                .stream()
                .map(PlannedInstance::copies)
                .toList();
        assertThat(placement()).as("trial %d, %s of %s", trial, wanted, sizes).isEqualTo(plan);
      }
    }
  }

  @Nested
  class ACopyLargerThanAnInstance {
    static final CopyResources HUGE = new CopyResources(8, 12, 65536); // ml.g5.12xlarge has 4 GPUs

    @Test
    void isRefusedByDefault() {
      endpoint(1, 1, 4);
      assertThatThrownBy(() -> component("huge", HUGE, 1))
          .isInstanceOf(SageMakerException.class)
          .hasMessageContaining("The compute resource requirements of one copy")
          .hasMessageContaining("exceed what a ml.g5.12xlarge has");
      assertThat(sm.state().components()).isEmpty();
    }

    @Test
    void withTheSettingItIsCreatedStaysPendingAndAddsNoInstance() {
      start(TwinTimings.defaults().withOversizedCopiesPending(true));
      endpoint(1, 1, 4);
      component("huge", HUGE, 2);
      component("embed", EMBED, 1);
      world.pause(Duration.ofMinutes(30));
      assertThat(ic("huge").inferenceComponentStatusAsString()).isEqualTo("Creating");
      assertThat(ic("huge").runtimeConfig().currentCopyCount()).isZero();
      assertThat(ic("huge").runtimeConfig().desiredCopyCount()).isEqualTo(2);
      assertThat(ic("embed").inferenceComponentStatusAsString()).isEqualTo("InService");
      assertThat(instances()).isEqualTo(1);
    }
  }

  @Nested
  class FailureIsolation {
    /** 16 GB of weights load in 34 + 46 s: longer than a 60 s health check allows. */
    final Consumer<
            software.amazon.awssdk.services.sagemaker.model.InferenceComponentStartupParameters
                .Builder>
        tooShort = p -> p.containerStartupHealthCheckTimeoutInSeconds(60);

    @Test
    void aComponentThatCannotStartDoesNotStallAnothersCopies() {
      endpoint(1, 1, 3);
      component("broken", CHAT, 2, tooShort);
      component("ok", EMBED, 3);
      world.pause(Duration.ofMinutes(20));
      assertThat(ic("broken").inferenceComponentStatusAsString()).isEqualTo("Failed");
      assertThat(ic("broken").failureReason()).contains("did not pass the ping health check");
      assertThat(ic("ok").inferenceComponentStatusAsString()).isEqualTo("InService");
      assertThat(ic("ok").runtimeConfig().currentCopyCount()).isEqualTo(3);
      // the failed component's copies are gone, and the instances only they held with them
      assertThat(placement()).containsExactly(Map.of("ok", 3));
      assertThat(instances()).isEqualTo(1);
    }

    @Test
    void theRoomAFailedComponentHeldGoesToTheOthers() {
      endpoint(1, null, null); // one instance, no managed instance scaling
      component("broken", CHAT, 2, tooShort); // all 4 GPUs
      component("ok", EMBED, 1);
      assertThat(placement()).containsExactly(Map.of("broken", 2));
      world.pause(Duration.ofMinutes(20));
      assertThat(ic("broken").inferenceComponentStatusAsString()).isEqualTo("Failed");
      assertThat(ic("ok").inferenceComponentStatusAsString()).isEqualTo("InService");
      assertThat(placement()).containsExactly(Map.of("ok", 1));
    }
  }

  // ---- adapter inference components ------------------------------------------------------

  static final String ADAPTER_URL = "s3://bucket/adapters/sql/adapter.tar.gz";

  void adapter(String name, String base) {
    adapter(
        name,
        b ->
            b.specification(
                s ->
                    s.baseInferenceComponentName(base).container(c -> c.artifactUrl(ADAPTER_URL))));
  }

  void adapter(String name, Consumer<CreateInferenceComponentRequest.Builder> change) {
    sm.createInferenceComponent(
        b -> {
          b.inferenceComponentName(name).endpointName("e").variantName("AllTraffic");
          change.accept(b);
        });
  }

  String status(String name) {
    return ic(name).inferenceComponentStatusAsString();
  }

  @Nested
  class Adapters {
    @Test
    void anAdapterServesOnceItsBaseServesAndItsArtifactIsLoaded() {
      endpoint(1, 1, 2);
      component("base", CHAT, 1);
      adapter("sql", "base");
      assertThat(status("sql")).isEqualTo("Creating");
      world.pause(Duration.ofMinutes(20));
      Component base = sm.state().components().get("base");
      assertThat(base.firstInService()).isNotNull();
      assertThat(sm.state().components().get("sql").firstInService())
          .isEqualTo(base.firstInService().plus(t.adapterLoad()));
      assertThat(status("sql")).isEqualTo("InService");

      adapter("legal", "base"); // on a base already serving: loaded after adapterLoad
      assertThat(status("legal")).isEqualTo("Creating");
      world.pause(t.adapterLoad().minusMillis(1));
      assertThat(status("legal")).isEqualTo("Creating");
      world.pause(Duration.ofMillis(1));
      assertThat(status("legal")).isEqualTo("InService");
    }

    @Test
    void describeShowsItsBaseAndArtifactAndNoResourcesOfItsOwn() {
      endpoint(1, 1, 2);
      component("base", CHAT, 1);
      adapter("sql", "base");
      DescribeInferenceComponentResponse d = ic("sql");
      assertThat(d.specification().baseInferenceComponentName()).isEqualTo("base");
      assertThat(d.specification().container().artifactUrl()).isEqualTo(ADAPTER_URL);
      assertThat(d.specification().computeResourceRequirements()).isNull();
      assertThat(d.runtimeConfig()).isNull();
      assertThat(d.endpointName()).isEqualTo("e");
      assertThat(d.inferenceComponentArn()).isEqualTo(ARN + "inference-component/sql");
      assertThat(ic("base").specification().baseInferenceComponentName()).isNull();
      assertThat(
              sm
                  .listInferenceComponents(b -> b.endpointNameEquals("e"))
                  .inferenceComponents()
                  .stream()
                  .map(InferenceComponentSummary::inferenceComponentName))
          .containsExactly("base", "sql");
    }

    @Test
    void anAdapterHoldsNoInstanceRoom() {
      endpoint(1, 1, 2);
      component("base", CHAT, 2); // the whole instance
      for (int i = 0; i < 4; i++) {
        adapter("a" + i, "base");
      }
      world.pause(Duration.ofMinutes(20));
      assertThat(placement()).containsExactly(Map.of("base", 2));
      assertThat(instances()).isEqualTo(1);
      assertThat(sm.state().components().get("a0").copies()).isEmpty();
    }

    void refused(Consumer<CreateInferenceComponentRequest.Builder> change, String message) {
      assertThatThrownBy(() -> adapter("bad", change))
          .isInstanceOfSatisfying(
              SageMakerException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
              })
          .hasMessageContaining(message);
      assertThat(sm.state().components()).doesNotContainKey("bad");
    }

    @Test
    void invalidAdaptersAreRefusedAsSageMakerRefusesThem() {
      endpoint(1, 1, 2);
      component("base", CHAT, 1);
      adapter("sql", "base");
      refused(
          b ->
              b.specification(
                  s ->
                      s.baseInferenceComponentName("nope")
                          .container(c -> c.artifactUrl(ADAPTER_URL))),
          "Could not find inference component \"" + ARN + "inference-component/nope\".");
      refused(
          b ->
              b.specification(
                  s ->
                      s.baseInferenceComponentName("no_such base")
                          .container(c -> c.artifactUrl(ADAPTER_URL))),
          "Value 'no_such base' at 'specification.baseInferenceComponentName' failed to satisfy"
              + " constraint: Member must satisfy regular expression pattern");
      refused(
          b ->
              b.specification(
                  s ->
                      s.baseInferenceComponentName("sql")
                          .container(c -> c.artifactUrl(ADAPTER_URL))),
          "is itself an adapter inference component");
      refused(
          b ->
              b.specification(
                  s ->
                      s.baseInferenceComponentName("base")
                          .container(c -> c.artifactUrl(ADAPTER_URL))
                          .computeResourceRequirements(r -> r.minMemoryRequiredInMb(1024))),
          "ComputeResourceRequirements must be omitted for an adapter inference component");
      refused(
          b ->
              b.specification(
                      s ->
                          s.baseInferenceComponentName("base")
                              .container(c -> c.artifactUrl(ADAPTER_URL)))
                  .runtimeConfig(r -> r.copyCount(1)),
          "RuntimeConfig must be omitted for an adapter inference component");
      refused(
          b -> b.specification(s -> s.baseInferenceComponentName("base")),
          "Value null at 'specification.container.artifactUrl'");
      refused(
          b ->
              b.specification(
                  s ->
                      s.baseInferenceComponentName("base")
                          .container(c -> c.artifactUrl("bucket/adapter.tar.gz"))),
          "Value 'bucket/adapter.tar.gz' at 'specification.container.artifactUrl' failed to"
              + " satisfy constraint: Member must satisfy regular expression pattern:"
              + " ^(https|s3)://([^/]+)/?(.*)$");
      refused(
          b ->
              b.specification(
                  s ->
                      s.baseInferenceComponentName("base")
                          .modelName("m")
                          .container(c -> c.artifactUrl(ADAPTER_URL))),
          "omit ModelName and Container.Image");
    }

    @Test
    void theBaseMustBeOnTheSameEndpoint() {
      endpoint(1, 1, 2);
      component("base", CHAT, 1);
      sm.createEndpoint(b -> b.endpointName("other").endpointConfigName("c"));
      world.pause(t.instanceProvisioning());
      assertThatThrownBy(
              () ->
                  sm.createInferenceComponent(
                      b ->
                          b.inferenceComponentName("sql")
                              .endpointName("other")
                              .specification(
                                  s ->
                                      s.baseInferenceComponentName("base")
                                          .container(c -> c.artifactUrl(ADAPTER_URL)))))
          .isInstanceOf(SageMakerException.class)
          .hasMessageContaining("an adapter inference component must be on its base's endpoint");
    }

    @Test
    void anAdapterHasNoCopiesToChange() {
      endpoint(1, 1, 2);
      component("base", CHAT, 1);
      adapter("sql", "base");
      world.pause(Duration.ofMinutes(20));
      assertThatThrownBy(() -> copies("sql", 2))
          .isInstanceOf(SageMakerException.class)
          .hasMessageContaining("is an adapter inference component: it has no copies of its own");
      assertThatThrownBy(
              () ->
                  world
                      .autoScaling()
                      .registerScalableTarget(
                          b ->
                              b.serviceNamespace("sagemaker")
                                  .resourceId("inference-component/sql")
                                  .scalableDimension(
                                      "sagemaker:inference-component:DesiredCopyCount")
                                  .minCapacity(1)
                                  .maxCapacity(4)))
          .hasMessageContaining("is an adapter inference component")
          .hasMessageContaining("register inference-component/base instead");
    }

    @Test
    void aNewArtifactIsLoadedWhileTheAdapterIsUpdating() {
      endpoint(1, 1, 2);
      component("base", CHAT, 1);
      adapter("sql", "base");
      world.pause(Duration.ofMinutes(20));
      String v2 = "s3://bucket/adapters/sql-v2/adapter.tar.gz";
      sm.updateInferenceComponent(
          b ->
              b.inferenceComponentName("sql")
                  .specification(
                      s -> s.baseInferenceComponentName("base").container(c -> c.artifactUrl(v2))));
      assertThat(status("sql")).isEqualTo("Updating");
      world.pause(t.adapterLoad());
      assertThat(status("sql")).isEqualTo("InService");
      assertThat(ic("sql").specification().container().artifactUrl()).isEqualTo(v2);
      assertThatThrownBy(
              () ->
                  sm.updateInferenceComponent(
                      b ->
                          b.inferenceComponentName("sql")
                              .specification(
                                  s ->
                                      s.baseInferenceComponentName("other")
                                          .container(c -> c.artifactUrl(v2)))))
          .hasMessageContaining("Could not find inference component");
    }

    @Test
    void aBaseWithAdaptersCannotBeDeletedAndDeletingAnAdapterFreesNothing() {
      endpoint(1, 1, 2);
      component("base", CHAT, 1);
      adapter("sql", "base");
      adapter("legal", "base");
      world.pause(Duration.ofMinutes(20));
      assertThatThrownBy(() -> sm.deleteInferenceComponent(b -> b.inferenceComponentName("base")))
          .isInstanceOf(SageMakerException.class)
          .extracting(e -> ((SageMakerException) e).awsErrorDetails().errorMessage())
          .isEqualTo(
              "Cannot delete inference component \""
                  + ARN
                  + "inference-component/base\" because adapter inference components use it as"
                  + " their base (legal, sql); delete them first.");
      List<Map<String, Integer>> before = placement();
      sm.deleteInferenceComponent(b -> b.inferenceComponentName("sql"));
      sm.deleteInferenceComponent(b -> b.inferenceComponentName("legal"));
      assertThat(status("sql")).isEqualTo("Deleting");
      world.pause(t.componentDeletion());
      assertThat(sm.state().components()).containsOnlyKeys("base");
      assertThat(placement()).isEqualTo(before);
      sm.deleteInferenceComponent(b -> b.inferenceComponentName("base"));
    }
  }
}
