package dev.copyscale.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fit, capacity and cost against figures computed by hand, on a small catalog whose numbers the
 * test controls (so a price update in the bundled catalog cannot move them).
 */
class PreflightTest {
  private static final double GIB = 1024.0 * 1024 * 1024;

  /** Llama 3 8B: 8.03 B parameters, 32 layers, 8 KV heads of 128. */
  private static final ModelProfile LLAMA3_8B =
      new ModelProfile(
          "meta-llama/Meta-Llama-3-8B-Instruct",
          List.of(),
          8.03,
          32,
          8,
          128,
          "bfloat16",
          8192,
          "llama3",
          "test");

  private static final InstanceType A10G_X4 =
      new InstanceType("ml.g5.12xlarge", "NVIDIA A10G", 4, 24, 48, 192, 10.0, "test");
  private static final InstanceType V100_X4 =
      new InstanceType("ml.p3.8xlarge", "NVIDIA V100", 4, 16, 32, 244, 20.0, "test");
  private static final InstanceType A10G_X1 =
      new InstanceType("ml.g5.4xlarge", "NVIDIA A10G", 1, 24, 16, 64, 3.0, "test");
  private static final InstanceType L4_X1_SMALL =
      new InstanceType("ml.g6.xlarge", "NVIDIA L4", 1, 24, 4, 16, 1.0, "test");

  private static final Catalog CATALOG =
      new Catalog(List.of(L4_X1_SMALL, A10G_X1, A10G_X4, V100_X4), List.of(LLAMA3_8B));
  private static final Preflight PREFLIGHT = new Preflight(CATALOG, 1.0);
  private static final YAMLMapper YAML = new YAMLMapper();

  private static ObjectNode doc(String example) throws Exception {
    return (ObjectNode) YAML.readTree(RepoFiles.read("examples/" + example));
  }

  private static DeploymentSpec spec(ObjectNode doc) {
    return SpecParser.parse(doc).orThrow();
  }

  private static ObjectNode component(ObjectNode doc) {
    return (ObjectNode) doc.get("component");
  }

  @Test
  void llama3WeightsKvCacheAndRuntimeByHand() throws Exception {
    PreflightReport report = PREFLIGHT.run(spec(doc("llama3-8b.yaml")));
    GpuMemory need = report.model().orElseThrow().required();
    // 8.03e9 weights x 2 bytes = 16.06 GB = 14.957 GiB
    assertThat(need.weightsGiB())
        .isCloseTo(8.03e9 * 2 / GIB, within(1e-9))
        .isCloseTo(14.957, within(0.001));
    assertThat(need.weightsGB()).isCloseTo(16.06, within(1e-9));
    // 2 (K, V) x 32 layers x 8 heads x 128 dims x 2 bytes = 131072 bytes a token; x 8192 tokens = 1
    // GiB
    assertThat(need.kvCacheGiB()).isEqualTo(1.0);
    assertThat(need.kvTokens()).isEqualTo(8192);
    assertThat(need.runtimeGiB()).isEqualTo(1.0);
    assertThat(need.totalGiB()).isCloseTo(16.957, within(0.001));
    assertThat(report.model().orElseThrow().availableGiB()).isEqualTo(24.0);
    assertThat(report.fits()).isTrue();
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void seedDoesNotFitOneV100AndGetsSuggestions() throws Exception {
    PreflightReport report = PREFLIGHT.run(spec(doc("seed-llama3-8b.yaml")));
    assertThat(report.fits()).isFalse();
    assertThat(report.model().orElseThrow().availableGiB()).isEqualTo(16.0);
    assertThat(report.problems())
        .singleElement()
        .asString()
        .startsWith("component.resources.accelerators: model does not fit")
        .contains("1 x NVIDIA V100 has 16.00 GiB");
    // Cheapest first, for 4 copies of 1 GPU / 6 CPUs / 40 GiB: one g5.12xlarge ($10) beats four
    // g5.4xlarge ($12); g6.xlarge has too few vCPUs; p3.8xlarge fits at 2 V100 per copy (2 x $20).
    assertThat(report.suggestedInstanceTypes())
        .extracting(
            Suggestion::instanceType,
            Suggestion::acceleratorsPerCopy,
            Suggestion::copiesPerInstance,
            Suggestion::instancesForCopies,
            Suggestion::costPerHourAtCopies)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ml.g5.12xlarge", 1, 4, 1, 10.0),
            org.assertj.core.groups.Tuple.tuple("ml.g5.4xlarge", 1, 1, 4, 12.0),
            org.assertj.core.groups.Tuple.tuple("ml.p3.8xlarge", 2, 2, 2, 40.0));
  }

  @Test
  void capacityPlanAndCostByHand() throws Exception {
    PreflightReport report = PREFLIGHT.run(spec(doc("llama3-8b.yaml")));
    CapacityPlan plan = report.instance().orElseThrow().plan();
    // per instance: min(4 GPUs / 1, 48 vCPUs / 6 = 8, 196608 MiB / 40960 = 4.8) = 4
    assertThat(plan.copiesPerInstance()).isEqualTo(4);
    assertThat(plan.limitedBy()).isEqualTo("accelerators");
    assertThat(plan.instancesForCopies()).isEqualTo(1);
    assertThat(plan.instancesForMaxCopies()).isEqualTo(2);
    PreflightReport.Cost cost = report.cost().orElseThrow();
    assertThat(cost.usdPerHourAtCopies()).isEqualTo(10.0);
    assertThat(cost.usdPerHourAtMax()).isEqualTo(20.0);
  }

  @Test
  void cpusCanBeTheLimit() throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    ((ObjectNode) component(doc).get("resources")).put("cpus", 16);
    CapacityPlan plan = PREFLIGHT.run(spec(doc)).instance().orElseThrow().plan();
    // 48 / 16 = 3 copies per instance: 4 copies need 2 instances, 8 need 3 (more than managed max
    // 2)
    assertThat(plan.copiesPerInstance()).isEqualTo(3);
    assertThat(plan.limitedBy()).isEqualTo("cpus");
    PreflightReport report = PREFLIGHT.run(spec(doc));
    assertThat(report.fits()).isFalse();
    assertThat(report.problems())
        .singleElement()
        .asString()
        .startsWith(
            "endpoint.managedInstanceScaling.maxInstances: 8 copies (the maximum) need 3"
                + " instances");
  }

  @Test
  void aCopyTooBigForTheInstanceIsNamed() throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    ((ObjectNode) component(doc).get("resources")).put("memoryMb", 200_000);
    PreflightReport report = PREFLIGHT.run(spec(doc));
    assertThat(report.fits()).isFalse();
    assertThat(report.problems())
        .singleElement()
        .asString()
        .contains("one copy does not fit on ml.g5.12xlarge")
        .contains("(memory is short)");
  }

  @Test
  void quantizationShrinksWeightsAndFp8ShrinksKvCache() throws Exception {
    ObjectNode doc = doc("seed-llama3-8b.yaml");
    ((ObjectNode) component(doc).get("env"))
        .put("QUANTIZE", "awq")
        .put("KV_CACHE_DTYPE", "fp8_e5m2");
    PreflightReport report = PREFLIGHT.run(spec(doc));
    GpuMemory need = report.model().orElseThrow().required();
    assertThat(need.weightsGiB()).isCloseTo(8.03e9 * 0.5 / GIB, within(1e-9));
    assertThat(need.kvCacheGiB()).isEqualTo(0.5);
    assertThat(report.fits()).isTrue();
  }

  @Test
  void withoutBatchTokensTheKvCacheHoldsOneFullRequest() throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    ((ObjectNode) component(doc).get("env")).remove("MAX_BATCH_TOTAL_TOKENS");
    PreflightReport report = PREFLIGHT.run(spec(doc));
    assertThat(report.model().orElseThrow().required().kvTokens()).isEqualTo(4096);
    assertThat(report.assumptions())
        .anySatisfy(a -> assertThat(a).startsWith("MAX_BATCH_TOTAL_TOKENS is not set"));
  }

  @Test
  void contextLongerThanTheModelsIsAProblem() throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    ((ObjectNode) component(doc).get("env"))
        .put("MAX_TOTAL_TOKENS", "16384")
        .put("MAX_BATCH_TOTAL_TOKENS", "16384");
    assertThat(PREFLIGHT.run(spec(doc)).problems())
        .singleElement()
        .asString()
        .contains("exceeds the context of meta-llama/Meta-Llama-3-8B-Instruct (8192 tokens)");
  }

  @Test
  void withManagedScalingOffCopiesNeedTheInitialInstances() throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    ((ObjectNode) doc.get("endpoint"))
        .set("managedInstanceScaling", YAML.valueToTree(Map.of("enabled", false)));
    PreflightReport nativeEngine = PREFLIGHT.run(spec(doc));
    assertThat(nativeEngine.problems())
        .singleElement()
        .asString()
        .contains("nothing adds more under engine: native");

    ObjectNode scaling = (ObjectNode) doc.get("scaling");
    scaling.put("engine", "orchestrated").remove("targetTracking");
    PreflightReport orchestrated = PREFLIGHT.run(spec(doc));
    assertThat(orchestrated.fits()).isTrue();
    assertThat(orchestrated.warnings())
        .filteredOn(w -> !w.startsWith("component.hfTokenSecretArn"))
        .singleElement()
        .asString()
        .contains("copyscale raises the instance count");

    component(doc).put("copies", 5);
    assertThat(PREFLIGHT.run(spec(doc)).problems())
        .singleElement()
        .asString()
        .contains("5 copies need 2 instances but the endpoint starts with 1");
  }

  @Test
  void scalingInstancesOnAnInferenceComponentEndpointWarnsThatAddedInstancesStayEmpty()
      throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    // The registration the seed tutorial makes: sagemaker:variant:DesiredInstanceCount, 1 to 3
    // instances.
    ((ObjectNode) doc.get("endpoint"))
        .set("managedInstanceScaling", YAML.valueToTree(Map.of("enabled", false)));
    doc.set(
        "scaling",
        YAML.readTree(
            "{dimension: instances, minInstances: 1, maxInstances: 3, engine: native,"
                + " targetTracking: {metric: SageMakerVariantInvocationsPerInstance, target:"
                + " 20}}"));
    PreflightReport report = PREFLIGHT.run(spec(doc));
    // A warning, not a problem: the spec is valid and fits, the scaling just adds nothing that
    // serves.
    assertThat(report.fits()).isTrue();
    assertThat(report.problems()).isEmpty();
    // 4 copies of 1 GPU fill one 4-GPU ml.g5.12xlarge; instances 2 and 3 would stay empty.
    assertThat(report.warnings())
        .filteredOn(w -> w.startsWith("scaling.dimension"))
        .singleElement()
        .asString()
        .startsWith(
            "scaling.dimension: instances scales the variant's DesiredInstanceCount on an"
                + " inference-component endpoint")
        .contains("SageMaker places copies only when the inference component's copy count rises")
        .contains(
            "(the copies stay at component.copies, 4, which fill 1 instance(s) at 4 per instance)")
        .contains("instances added up to scaling.maxInstances (3) stay empty unless copies follow");

    // An instance type the catalog does not know: the warning stands, without the packing.
    ((ObjectNode) doc.get("endpoint")).put("instanceType", "ml.m5.xlarge");
    assertThat(PREFLIGHT.run(spec(doc)).warnings())
        .filteredOn(w -> w.startsWith("scaling.dimension"))
        .singleElement()
        .asString()
        .contains(
            "(the copies stay at component.copies, 4), so instances added up to"
                + " scaling.maxInstances (3) stay empty");
  }

  @Test
  void scalingCopiesDoesNotWarnAboutEmptyInstances() throws Exception {
    assertThat(PREFLIGHT.run(spec(doc("llama3-8b.yaml"))).warnings())
        .noneSatisfy(w -> assertThat(w).contains("stay empty"));
    assertThat(PREFLIGHT.run(spec(doc("seed-llama3-8b.yaml"))).warnings())
        .noneSatisfy(w -> assertThat(w).contains("stay empty"));
  }

  @Test
  void instancesBeyondGuardrailsAreAProblem() throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    ((ObjectNode) doc.get("guardrails")).put("maxInstances", 2).put("maxCopies", 16);
    ((ObjectNode) doc.get("scaling")).put("maxCopies", 12);
    PreflightReport report = PREFLIGHT.run(spec(doc));
    assertThat(report.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("guardrails.maxInstances: 12 copies (the maximum) need 3"));
  }

  @Test
  void zeroCopiesCostNothingWhenManagedScalingMayReleaseEveryInstance() throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    component(doc).put("copies", 0);
    ((ObjectNode) doc.get("scaling")).put("minCopies", 0);
    ((ObjectNode) doc.get("endpoint").get("managedInstanceScaling")).put("minInstances", 0);
    PreflightReport.Cost cost = PREFLIGHT.run(spec(doc)).cost().orElseThrow();
    assertThat(cost.instancesAtCopies()).isZero();
    assertThat(cost.usdPerHourAtCopies()).isZero();
  }

  @Test
  void unknownModelsAndInstanceTypesAreNamed() throws Exception {
    ObjectNode doc = doc("llama3-8b.yaml");
    component(doc).put("modelId", "acme/secret-model");
    assertThat(PREFLIGHT.run(spec(doc)).problems())
        .singleElement()
        .asString()
        .startsWith("component.modelId: acme/secret-model is not in copyscale's catalog");

    component(doc)
        .set(
            "model",
            YAML.readTree(
                "{parametersBillions: 3, layers: 28, kvHeads: 8, headDim: 128, dtype: bfloat16,"
                    + " maxContextTokens: 8192}"));
    PreflightReport described = PREFLIGHT.run(spec(doc));
    assertThat(described.fits()).isTrue();
    assertThat(described.model().orElseThrow().profileSource()).isEqualTo("spec component.model");
    assertThat(described.model().orElseThrow().required().weightsGiB())
        .isCloseTo(3e9 * 2 / GIB, within(1e-9));

    ((ObjectNode) doc.get("endpoint")).put("instanceType", "ml.m5.xlarge");
    assertThat(PREFLIGHT.run(spec(doc)).problems())
        .singleElement()
        .asString()
        .startsWith("endpoint.instanceType: ml.m5.xlarge is not in copyscale's catalog");
  }

  @Test
  void anInvalidSpecDoesNotFitAndListsItsProblems() {
    PreflightReport report = PREFLIGHT.run(SpecParser.parse("apiVersion: copyscale/v1\n"));
    assertThat(report.fits()).isFalse();
    assertThat(report.problems()).contains("name: is required", "guardrails: is required");
  }

  @Test
  void bundledCatalogRejectsTheSeedAndAcceptsTheFittingExample() {
    Preflight bundled = new Preflight(Catalog.bundled(), Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB);
    PreflightReport seed =
        bundled.run(SpecParser.parse(RepoFiles.read("examples/seed-llama3-8b.yaml")));
    assertThat(seed.fits()).isFalse();
    assertThat(seed.suggestedInstanceTypes())
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.instanceType()).isNotEqualTo("ml.p3.2xlarge"));
    assertThat(seed.suggestedInstanceTypes())
        .extracting(Suggestion::costPerHourAtCopies)
        .isSorted();
    for (Suggestion s : seed.suggestedInstanceTypes()) {
      InstanceType t = Catalog.bundled().instanceType(s.instanceType()).orElseThrow();
      assertThat(s.acceleratorsPerCopy() * t.gpuMemoryGiB()).isGreaterThanOrEqualTo(16.957);
    }
    assertThat(bundled.run(SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml"))).fits())
        .isTrue();
  }

  @Test
  void aTokenInTheModelsEnvironmentIsSaidPlainlyWithTheS3Path() throws Exception {
    PreflightReport withToken = PREFLIGHT.run(spec(doc("llama3-8b.yaml")));
    assertThat(withToken.fits()).isTrue();
    assertThat(withToken.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "component.hfTokenSecretArn: the Hugging Face token will be visible in the"
                            + " model's container environment")
                    .contains("sagemaker:DescribeModel", "component.modelDataS3Uri"));

    ObjectNode doc = doc("llama3-8b.yaml");
    component(doc).remove("hfTokenSecretArn");
    component(doc).put("modelDataS3Uri", "s3://my-models/llama3-8b-instruct/");
    PreflightReport fromS3 = PREFLIGHT.run(spec(doc));
    assertThat(fromS3.fits()).isTrue();
    assertThat(fromS3.warnings()).noneSatisfy(w -> assertThat(w).contains("hfTokenSecretArn"));
  }
}
