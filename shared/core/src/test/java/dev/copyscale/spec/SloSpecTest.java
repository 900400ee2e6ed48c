package dev.copyscale.spec;

import static dev.copyscale.spec.SpecDocs.example;
import static dev.copyscale.spec.SpecDocs.parse;
import static dev.copyscale.spec.SpecDocs.remove;
import static dev.copyscale.spec.SpecDocs.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.Slo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * engine: slo in the spec: what a user must write, the expert settings, and every refusal with its
 * field.
 */
class SloSpecTest {
  private static ObjectNode slo() {
    return example("simulate/slo.yaml");
  }

  private static List<Problem> problems(ObjectNode doc) {
    return parse(doc).problems();
  }

  private static void assertOneProblem(ObjectNode doc, String path, String fragment) {
    assertThat(problems(doc))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo(path);
              assertThat(p.message()).contains(fragment);
            });
  }

  @Test
  void theObjectiveIsAllAUserWritesAndTheRestHasDefaults() {
    DeploymentSpec spec = parse(slo()).orThrow();
    assertThat(spec.scaling().engine()).isEqualTo(Engine.SLO);
    Slo slo = spec.scaling().slo().orElseThrow();
    assertThat(slo.ttft()).contains(Duration.ofSeconds(2));
    assertThat(slo.attainment()).isEqualTo(0.99);
    assertThat(slo.headroom()).isZero();
    assertThat(slo.scaleInWindow()).isEqualTo(Slo.DEFAULT_SCALE_IN_WINDOW);
    assertThat(slo.forecast()).isTrue();
    assertThat(slo.leadTime()).isEmpty();
    assertThat(slo.servingProfile()).isEmpty();
    assertThat(slo.requestTail()).isEmpty();
  }

  @Test
  void expertSettingsAreRead() {
    ObjectNode doc = slo();
    set(
        doc,
        "scaling.slo",
        Map.of(
            "ttft",
            "1500ms",
            "attainment",
            "99.5%",
            "headroom",
            "10%",
            "scaleInWindow",
            "45m",
            "forecast",
            false,
            "leadTime",
            "8m",
            "requestTail",
            2.5));
    Slo slo = parse(doc).orThrow().scaling().slo().orElseThrow();
    assertThat(slo.ttft()).contains(Duration.ofMillis(1500));
    assertThat(slo.attainment()).isEqualTo(0.995);
    assertThat(slo.headroom()).isEqualTo(0.10);
    assertThat(slo.scaleInWindow()).isEqualTo(Duration.ofMinutes(45));
    assertThat(slo.forecast()).isFalse();
    assertThat(slo.leadTime()).contains(Duration.ofMinutes(8));
    assertThat(slo.requestTail()).contains(2.5);
  }

  @Test
  void aRequestTailBelowTheMedianIsRefused() {
    ObjectNode doc = slo();
    set(doc, "scaling.slo.requestTail", 0.5);
    assertThat(problems(doc))
        .singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("scaling.slo.requestTail"));
    set(doc, "scaling.slo.requestTail", 1);
    assertThat(problems(doc)).isEmpty();
  }

  @Test
  void anObjectiveBelowTheProfilesFloorIsRefusedWithTheFloor() {
    ObjectNode doc = slo();
    set(doc, "scaling.slo.ttft", "100ms");
    assertOneProblem(doc, "scaling.slo.ttft", "the achievable floor is 139 ms");
    set(doc, "scaling.slo.ttft", "139ms");
    assertThat(problems(doc)).isEmpty();
  }

  @Test
  void anyModelTheCatalogDescribesIsPlannedWithoutATable() {
    ObjectNode doc = slo();
    set(doc, "component.modelId", "mistralai/Mistral-7B-Instruct-v0.2");
    assertThat(problems(doc)).isEmpty();
    set(doc, "component.modelId", "meta-llama/Meta-Llama-3-8B-Instruct");
    set(doc, "component.resources.accelerators", 2);
    set(doc, "component.env.SM_NUM_GPUS", "2");
    assertThat(problems(doc)).isEmpty();
  }

  @Test
  void aModelNothingDescribesIsRefusedNamingHowToDescribeIt() {
    ObjectNode doc = slo();
    set(doc, "component.modelId", "acme/house-model-13b");
    assertOneProblem(doc, "component.modelId", "component.model.config");
    assertThat(problems(doc).get(0).message()).contains("scaling.slo.servingProfile");
  }

  @Test
  void timePerOutputTokenIsAnObjectiveAloneOrWithTimeToFirstToken() {
    ObjectNode doc = slo();
    set(doc, "scaling.slo.itl", "80ms");
    Slo both = parse(doc).orThrow().scaling().slo().orElseThrow();
    assertThat(both.ttft()).contains(Duration.ofSeconds(2));
    assertThat(both.itl()).contains(Duration.ofMillis(80));
    remove(doc, "scaling.slo.ttft");
    Slo alone = parse(doc).orThrow().scaling().slo().orElseThrow();
    assertThat(alone.ttft()).isEmpty();
    assertThat(alone.itl()).contains(Duration.ofMillis(80));
  }

  @Test
  void aTimePerOutputTokenBelowWhatOneRequestGetsIsRefusedWithTheFloor() {
    ObjectNode doc = slo();
    set(doc, "scaling.slo.itl", "5ms");
    assertOneProblem(doc, "scaling.slo.itl", "per output token after the first");
    assertThat(problems(doc).get(0).message()).contains("the achievable floor is");
    set(doc, "scaling.slo.itl", "ten");
    assertOneProblem(doc, "scaling.slo.itl", "not a duration");
  }

  @Test
  void aSpecsOwnServingTableIsUsedAndAMalformedOneNamed() {
    ObjectNode doc = slo();
    set(doc, "component.modelId", "mistralai/Mistral-7B-Instruct-v0.2");
    set(
        doc,
        "scaling.slo.servingProfile",
        "# ~500 input tokens, ~200 output tokens\n"
            + "concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute\n"
            + "1,300,30,30,10\n"
            + "16,900,250,45,80\n");
    assertThat(problems(doc)).isEmpty();
    set(doc, "scaling.slo.ttft", "250ms");
    assertOneProblem(doc, "scaling.slo.ttft", "the achievable floor is 300 ms");
    set(doc, "scaling.slo.servingProfile", "concurrency,ttft\n1,2\n");
    assertThat(problems(doc))
        .anySatisfy(p -> assertThat(p.path()).isEqualTo("scaling.slo.servingProfile"));
  }

  @Test
  void attainmentIsAPercentageOfAtLeastHalf() {
    ObjectNode doc = slo();
    set(doc, "scaling.slo.attainment", "100%");
    assertOneProblem(doc, "scaling.slo.attainment", "a percentage below 100");
    set(doc, "scaling.slo.attainment", 0.99);
    assertOneProblem(doc, "scaling.slo.attainment", "must be a string");
    set(doc, "scaling.slo.attainment", "40%");
    assertOneProblem(doc, "scaling.slo.attainment", "at least 50%");
  }

  @Test
  void ttftMustBeADuration() {
    ObjectNode doc = slo();
    set(doc, "scaling.slo.ttft", "fast");
    assertOneProblem(doc, "scaling.slo.ttft", "not a duration");
    remove(doc, "scaling.slo.ttft");
    assertOneProblem(doc, "scaling.slo.ttft", "is required unless itl is given");
  }

  @Test
  void engineSloOwnsTheCopyCountAlone() {
    ObjectNode doc = slo();
    remove(doc, "scaling.slo");
    assertOneProblem(doc, "scaling.slo", "is required with engine: slo");

    ObjectNode withPolicies = slo();
    set(
        withPolicies,
        "scaling.targetTracking",
        Map.of("metric", "SageMakerInferenceComponentInvocationsPerCopy", "target", 20));
    assertOneProblem(withPolicies, "scaling.targetTracking", "does not apply with engine: slo");

    ObjectNode elsewhere = example("simulate/orchestrated-high-res.yaml");
    set(elsewhere, "scaling.slo", Map.of("ttft", "2s", "attainment", "99%"));
    assertOneProblem(elsewhere, "scaling.slo", "applies only with scaling.engine: slo");
  }
}
