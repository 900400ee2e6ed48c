package dev.copyscale.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.serving.RequestShape;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Preflight with the serving model's figures (the bundled catalog's GPUs): the concurrency a copy's
 * KV cache holds, TGI's reading of MAX_BATCH_TOTAL_TOKENS, and the cost of tensor parallelism over
 * PCIe, each the same figure {@code copyscale profile --predict} gives.
 */
class PreflightServingTest {
  static final Preflight PREFLIGHT =
      new Preflight(Catalog.bundled(), Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB);

  static ObjectNode example() throws Exception {
    return (ObjectNode) new YAMLMapper().readTree(RepoFiles.read("examples/llama3-8b.yaml"));
  }

  static PreflightReport run(ObjectNode doc) {
    return PREFLIGHT.run(SpecParser.parse(doc).orThrow());
  }

  static ObjectNode on(ObjectNode doc, String model, String instanceType, int accelerators) {
    ((ObjectNode) doc.get("component")).put("modelId", model);
    ((ObjectNode) doc.get("component").get("resources")).put("accelerators", accelerators);
    ((ObjectNode) doc.get("component").get("env")).put("SM_NUM_GPUS", "" + accelerators);
    ((ObjectNode) doc.get("endpoint")).put("instanceType", instanceType);
    return doc;
  }

  @Test
  void theExamplesCopyHoldsWhatItsMemoryHoldsNotWhatMaxBatchTotalTokensSays() throws Exception {
    PreflightReport r = run(example());
    PreflightReport.ServingFit s = r.serving().orElseThrow();
    ProfilePrediction.Prediction predicted =
        ProfilePrediction.predict(
                new ProfilePrediction.Question(
                    Catalog.bundled(),
                    "meta-llama/Meta-Llama-3-8B-Instruct",
                    Optional.empty(),
                    "ml.g5.12xlarge",
                    Optional.of(1),
                    Map.of(),
                    RequestShape.BUNDLED_TABLE))
            .prediction()
            .orElseThrow();
    assertThat(s.kvCacheTokens()).isEqualTo(predicted.capacity().kvCacheTokens());
    assertThat(s.concurrency()).isEqualTo(predicted.capacity().requests());
    assertThat(s.concurrency()).isBetween(80L, 90L);
    assertThat(s.tokensPerRequest()).isEqualTo(736);
    assertThat(s.gpus()).isEqualTo(1);
    assertThat(s.interconnect()).isNull();
    assertThat(r.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "component.env.MAX_BATCH_TOTAL_TOKENS: MAX_BATCH_TOTAL_TOKENS 8192 is not"
                            + " what TGI uses")
                    .contains("62,593 tokens"));
    assertThat(r.warnings()).noneMatch(w -> w.contains("tensor parallelism"));
    assertThat(r.fits()).isTrue();
  }

  @Test
  void shardingAModelThatFitsOneGpuOverPcieIsWarnedWithItsCost() throws Exception {
    PreflightReport r =
        run(on(example(), "meta-llama/Meta-Llama-3-8B-Instruct", "ml.g5.12xlarge", 2));
    PreflightReport.ServingFit s = r.serving().orElseThrow();
    assertThat(s.gpus()).isEqualTo(2);
    assertThat(s.interconnect()).isEqualTo("PCIe");
    assertThat(s.decodeAllReduceMs()).isPositive().isLessThan(s.decodeStepMs());
    assertThat(r.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "component.resources.accelerators: tensor parallelism over PCIe:"
                            + " ml.g5.12xlarge has no NVLink")
                    .contains("2 copies of one GPU each avoid it"));
  }

  @Test
  void aSeventyBillionModelOnEightA10gsNeedsThemAllAndOnlyNvlinkAvoidsTheCost() throws Exception {
    ObjectNode doc = on(example(), "meta-llama/Meta-Llama-3-70B-Instruct", "ml.g5.48xlarge", 8);
    ((ObjectNode) doc.get("component").get("resources")).put("cpus", 48);
    ((ObjectNode) doc.get("component").get("resources")).put("memoryMb", 400000);
    ((ObjectNode) doc.get("component")).put("copies", 1);
    ((ObjectNode) doc.get("scaling")).put("maxCopies", 1);
    ((ObjectNode) doc.get("scaling")).put("minCopies", 1);
    ((ObjectNode) doc.get("scaling")).remove("schedules");
    PreflightReport r = run(doc);
    assertThat(r.model().orElseThrow().fits()).isTrue();
    assertThat(r.serving().orElseThrow().interconnect()).isEqualTo("PCIe");
    assertThat(r.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("tensor parallelism over PCIe", "only an instance with NVLink"));
    // The same model over NVLink: the all-reduces cost little, and nothing is said.
    ObjectNode p4d = on(example(), "meta-llama/Meta-Llama-3-70B-Instruct", "ml.p4d.24xlarge", 4);
    ((ObjectNode) p4d.get("component").get("resources")).put("cpus", 24);
    ((ObjectNode) p4d.get("component")).put("copies", 1);
    PreflightReport nvlink = run(p4d);
    assertThat(nvlink.serving().orElseThrow().interconnect()).isEqualTo("NVLink");
    assertThat(nvlink.warnings()).noneMatch(w -> w.contains("tensor parallelism"));
    assertThat(nvlink.serving().orElseThrow().decodeAllReduceMs())
        .isLessThan(r.serving().orElseThrow().decodeAllReduceMs());
  }

  @Test
  void anImageWhoseTgiLaunchesEveryPassFromPythonIsWarnedWhereTheCpuOutlastsTheGpus()
      throws Exception {
    String tgi103 =
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
            + "2.0.1-tgi1.0.3-gpu-py39-cu118-ubuntu20.04";
    ObjectNode doc = on(example(), "meta-llama/Meta-Llama-3-70B-Instruct", "ml.p4d.24xlarge", 4);
    ((ObjectNode) doc.get("component").get("resources")).put("cpus", 24);
    ((ObjectNode) doc.get("component")).put("copies", 1);
    ((ObjectNode) doc.get("component")).put("image", tgi103);
    PreflightReport eager = run(doc);
    assertThat(eager.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "component.image: TGI 1.0.3 (image) predates CUDA graphs: every pass"
                            + " eager: launching a pass's kernels from Python takes the CPU about"
                            + " 35.0 ms (80 layers)")
                    .contains("TGI 2.0 and later replay CUDA graphs"));
    // The examples' TGI 2.0 image: nothing to say.
    ObjectNode tgi2 = on(example(), "meta-llama/Meta-Llama-3-70B-Instruct", "ml.p4d.24xlarge", 4);
    ((ObjectNode) tgi2.get("component").get("resources")).put("cpus", 24);
    ((ObjectNode) tgi2.get("component")).put("copies", 1);
    assertThat(run(tgi2).warnings()).noneMatch(w -> w.startsWith("component.image"));
    // Llama 3 8B on one A10G: the GPU's 29 ms outlast the 13 ms of launches, eager or not.
    ObjectNode small = example();
    ((ObjectNode) small.get("component")).put("image", tgi103);
    assertThat(run(small).warnings()).noneMatch(w -> w.startsWith("component.image"));
  }

  @Test
  void aModelThatDoesNotFitHasNoServingFigures() throws Exception {
    PreflightReport r =
        run(on(example(), "meta-llama/Meta-Llama-3-70B-Instruct", "ml.g5.12xlarge", 1));
    assertThat(r.fits()).isFalse();
    assertThat(r.serving()).isEmpty();
  }
}
