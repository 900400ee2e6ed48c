package dev.copyscale.spec;

import static dev.copyscale.spec.SpecDocs.llama;
import static dev.copyscale.spec.SpecDocs.parse;
import static dev.copyscale.spec.SpecDocs.remove;
import static dev.copyscale.spec.SpecDocs.set;
import static dev.copyscale.spec.SpecDocs.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.Step;
import dev.copyscale.testing.RepoFiles;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every validation rule, each with a case that fails and one that passes. */
class SpecParserTest {

  private static List<String> problems(ObjectNode doc) {
    return parse(doc).problems().stream().map(Problem::toString).toList();
  }

  private static void assertValid(ObjectNode doc) {
    SpecResult result = parse(doc);
    assertThat(result.problems()).isEmpty();
    assertThat(result.isValid()).isTrue();
  }

  /** Exactly one problem, at this path, whose message contains the fragment. */
  private static void assertProblem(ObjectNode doc, String path, String fragment) {
    List<Problem> problems = parse(doc).problems();
    assertThat(problems).as("problems").hasSize(1);
    assertThat(problems.get(0).path()).isEqualTo(path);
    assertThat(problems.get(0).message()).contains(fragment);
  }

  @Test
  void bundledExamplesAreValid() {
    DeploymentSpec spec = SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml")).orThrow();
    assertThat(spec.name()).isEqualTo("llama3-chat");
    assertThat(spec.endpoint().variantName()).isEqualTo("AllTraffic");
    assertThat(spec.component().resources().memoryMb()).isEqualTo(40960);
    assertThat(spec.scaling().dimension()).isEqualTo(Dimension.COPIES);
    assertThat(spec.scaling().minCapacity()).isEqualTo(1);
    assertThat(spec.scaling().maxCapacity()).isEqualTo(8);
    assertThat(spec.scaling().stepPolicies().get(0).steps())
        .containsExactly(
            new Step(Optional.of(0.0), Optional.of(8.0), 1),
            new Step(Optional.of(8.0), Optional.empty(), 4));
    assertThat(spec.scaling().schedules()).hasSize(2);
    assertThat(SpecParser.parse(RepoFiles.read("examples/seed-llama3-8b.yaml")).isValid()).isTrue();
  }

  @Test
  void reportsEveryProblemAtOnceWithFieldPaths() {
    ObjectNode doc = llama();
    set(doc, "name", "bad name!");
    set(doc, "endpoint.instanceType", "ml.g5.13xlarge");
    set(doc, "component.copies", -1);
    set(doc, "component.startupHealthCheckTimeoutSeconds", 30);
    set(doc, "scaling.schedules[0].timezone", "Mars/Olympus");
    List<String> problems = problems(doc);
    assertThat(problems)
        .hasSize(5)
        .anySatisfy(p -> assertThat(p).startsWith("name: "))
        .anySatisfy(p -> assertThat(p).startsWith("endpoint.instanceType: \"ml.g5.13xlarge\""))
        .anySatisfy(p -> assertThat(p).isEqualTo("component.copies: -1 is out of range 0..1000"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "component.startupHealthCheckTimeoutSeconds: 30 is out of range 60..3600"))
        .anySatisfy(
            p -> assertThat(p).startsWith("scaling.schedules[0].timezone: \"Mars/Olympus\""));
  }

  @Test
  void orThrowListsEveryProblem() {
    ObjectNode doc = remove(remove(llama(), "executionRoleArn"), "guardrails");
    assertThatThrownBy(() -> parse(doc).orThrow())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("2 problems")
        .hasMessageContaining("executionRoleArn: is required")
        .hasMessageContaining("guardrails: is required");
  }

  @Nested
  class Structure {
    @Test
    void unknownFieldsAreNamedWithTheKnownOnes() {
      ObjectNode doc = set(llama(), "scaling.minCopy", 1);
      assertProblem(doc, "scaling.minCopy", "is not a known field here; known fields:");
      assertThat(problems(doc).get(0)).contains("minCopies");
    }

    @Test
    void wrongTypesAreNamed() {
      assertProblem(
          set(llama(), "component.copies", "four"),
          "component.copies",
          "must be a whole number, got string \"four\"");
      assertProblem(
          set(llama(), "guardrails.dryRun", "yes please"),
          "guardrails.dryRun",
          "must be true or false");
      assertProblem(
          set(llama(), "component.resources", 3), "component.resources", "must be an object");
    }

    @Test
    void wholeNumbersTooLargeForALongAreOutOfRangeNotWrapped() {
      // As a document: 2^64 + 2 used to wrap to 2 copies, 2^32 to 0.
      String example = RepoFiles.read("examples/llama3-8b.yaml");
      assertThat(
              SpecParser.parse(example.replace("  copies: 4", "  copies: 18446744073709551618"))
                  .problems())
          .singleElement()
          .hasToString("component.copies: 18446744073709551618 is out of range 0..1000");
      assertThat(
              SpecParser.parse(example.replace("maxCopies: 16", "maxCopies: 4294967296"))
                  .problems())
          .singleElement()
          .hasToString("guardrails.maxCopies: 4294967296 is out of range 0..1000");
      String json =
          dev.copyscale.json.Json.compact(SpecParser.toTree(example))
              .replace("\"copies\":4", "\"copies\":18446744073709551618");
      assertThat(SpecParser.parse(json).problems())
          .singleElement()
          .hasToString("component.copies: 18446744073709551618 is out of range 0..1000");
      assertProblem(
          set(llama(), "component.copies", new java.math.BigInteger("-18446744073709551614")),
          "component.copies",
          "out of range 0..1000");
      assertProblem(
          set(llama(), "component.copies", 1e30), "component.copies", "out of range 0..1000");
    }

    @Test
    void nonIntegersWhereWholeNumbersGoAreRefusedNamingTheField() {
      assertProblem(
          set(llama(), "component.copies", 2.5),
          "component.copies",
          "must be a whole number, got number 2.5");
      assertProblem(
          set(llama(), "component.copies", "3"),
          "component.copies",
          "must be a whole number, got string \"3\"");
      assertProblem(
          set(llama(), "component.copies", true),
          "component.copies",
          "must be a whole number, got boolean true");
      assertProblem(
          set(llama(), "scaling.schedules[1].maxCopies", 2.5),
          "scaling.schedules[1].maxCopies",
          "must be a whole number");
      // A float that is a whole number is that number.
      assertThat(parse(set(llama(), "component.copies", 3.0)).orThrow().component().copies())
          .isEqualTo(3);
    }

    @Test
    void numbersMustBeFinite() {
      assertProblem(
          set(llama(), "component.resources.cpus", Double.NaN),
          "component.resources.cpus",
          "must be a finite number, got number NaN");
      // A number beyond a double's range is refused, not read as infinity.
      String json =
          dev.copyscale.json.Json.compact(
                  SpecParser.toTree(RepoFiles.read("examples/llama3-8b.yaml")))
              .replace("\"threshold\":8", "\"threshold\":1e400");
      assertThat(SpecParser.parse(json).problems())
          .singleElement()
          .asString()
          .startsWith("scaling.stepPolicies[0].alarm.threshold: ");
      assertProblem(
          set(llama(), "component.resources.cpus", "6"),
          "component.resources.cpus",
          "must be a number, got string \"6\"");
    }

    @Test
    void apiVersionMustBeV1() {
      assertProblem(set(llama(), "apiVersion", "copyscale/v2"), "apiVersion", "use copyscale/v1");
    }

    @Test
    void malformedYamlIsOneProblemWithItsLine() {
      SpecResult result = SpecParser.parse("apiVersion: copyscale/v1\nname: [unclosed\n");
      assertThat(result.problems())
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p.message())
                      .startsWith("not valid YAML or JSON: ")
                      .contains("at line 3"));
    }

    @Test
    void duplicateKeysAreRefused() {
      SpecResult result = SpecParser.parse("apiVersion: copyscale/v1\nname: a\nname: b\n");
      assertThat(result.problems())
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p.message()).contains("the key \"name\" appears twice in one object"));
    }

    @Test
    void jsonIsReadByTheJsonParserWithTheSameRules() {
      assertThat(
              SpecParser.parse(
                      "{\"apiVersion\": \"copyscale/v1\", \"name\": \"a\", \"name\": \"b\"}")
                  .problems())
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p.message()).contains("the key \"name\" appears twice in one object"));
      assertThat(SpecParser.parse("{\"apiVersion\": \"copyscale/v1\",\n \"name\": [}").problems())
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p.message())
                      .startsWith("not valid YAML or JSON: ")
                      .contains("at line 2"));
      // The same spec as YAML and as JSON is the same spec.
      String yaml = RepoFiles.read("examples/llama3-8b.yaml");
      assertThat(
              SpecParser.parse(dev.copyscale.json.Json.compact(SpecParser.toTree(yaml))).orThrow())
          .isEqualTo(SpecParser.parse(yaml).orThrow());
    }

    @Test
    void aDocumentThatIsNotAnObjectIsRefused() {
      assertThat(SpecParser.parse("- just\n- a list\n").problems())
          .singleElement()
          .satisfies(p -> assertThat(p.message()).contains("must be an object"));
    }

    @Test
    void jsonIsAcceptedAsWell() throws Exception {
      String document =
          new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(llama());
      assertThat(document).startsWith("{\"apiVersion\"");
      assertThat(SpecParser.parse(document).isValid()).isTrue();
    }
  }

  @Nested
  class Names {
    @Test
    void deploymentNamePrefixesDerivedNamesSoItIsShort() {
      assertProblem(set(llama(), "name", "a".repeat(41)), "name", "1-40 letters");
      assertValid(set(llama(), "name", "a".repeat(40)));
      assertProblem(set(llama(), "name", "-leading"), "name", "is not valid");
    }

    @Test
    void sageMakerNamesFollowItsPattern() {
      assertProblem(set(llama(), "endpoint.name", "x".repeat(64)), "endpoint.name", "1-63 letters");
      assertValid(set(llama(), "endpoint.name", "x".repeat(63)));
      assertProblem(
          set(llama(), "component.name", "under_score"), "component.name", "is not valid");
    }

    @Test
    void roleAndSecretMustBeArns() {
      assertProblem(
          set(llama(), "executionRoleArn", "SageMakerExecutionRole"),
          "executionRoleArn",
          "an IAM role ARN");
      assertProblem(
          set(llama(), "component.hfTokenSecretArn", "hf-token"),
          "component.hfTokenSecretArn",
          "Secrets Manager secret ARN");
      assertValid(remove(llama(), "component.hfTokenSecretArn"));
    }
  }

  @Nested
  class Endpoint {
    @Test
    void instanceTypeMustBeASageMakerHostingType() {
      assertProblem(
          set(llama(), "endpoint.instanceType", "g5.12xlarge"),
          "endpoint.instanceType",
          "not a SageMaker hosting instance type");
      assertValid(set(llama(), "endpoint.instanceType", "ml.g6e.12xlarge"));
    }

    @Test
    void routingIsAnEnum() {
      assertProblem(
          set(llama(), "endpoint.routing", "ROUND_ROBIN"),
          "endpoint.routing",
          "LEAST_OUTSTANDING_REQUESTS, RANDOM");
      assertValid(set(llama(), "endpoint.routing", "RANDOM"));
    }

    @Test
    void managedInstanceScalingBounds() {
      assertProblem(
          set(
              llama(),
              "endpoint.managedInstanceScaling",
              Map.of("enabled", true, "minInstances", 3, "maxInstances", 2)),
          "endpoint.managedInstanceScaling.minInstances",
          "greater than maxInstances");
      assertProblem(
          set(llama(), "endpoint.initialInstanceCount", 3),
          "endpoint.initialInstanceCount",
          "must lie within managedInstanceScaling's 1..2");
      assertProblem(
          set(llama(), "endpoint.managedInstanceScaling.maxInstances", 5),
          "endpoint.managedInstanceScaling.maxInstances",
          "exceeds guardrails.maxInstances (4)");
      assertValid(set(llama(), "endpoint.managedInstanceScaling.maxInstances", 4));
    }

    @Test
    void initialInstancesWithinGuardrails() {
      ObjectNode doc = set(llama(), "endpoint.managedInstanceScaling", Map.of("enabled", false));
      assertProblem(
          set(doc, "endpoint.initialInstanceCount", 5),
          "endpoint.initialInstanceCount",
          "exceeds guardrails.maxInstances (4)");
      assertValid(set(doc, "endpoint.initialInstanceCount", 4));
    }
  }

  @Nested
  class Component {
    @Test
    void weightsFromAnS3PrefixAreReadAndNeedNoToken() {
      ObjectNode doc = remove(llama(), "component.hfTokenSecretArn");
      set(doc, "component.modelDataS3Uri", "s3://my-models/llama3-8b-instruct/");
      DeploymentSpec spec = parse(doc).orThrow();
      assertThat(spec.component().modelDataS3Uri()).contains("s3://my-models/llama3-8b-instruct/");
      assertThat(spec.component().hfTokenSecretArn()).isEmpty();
      // The whole bucket is a prefix too; without the field, no S3 source.
      assertValid(
          set(
              remove(llama(), "component.hfTokenSecretArn"),
              "component.modelDataS3Uri",
              "s3://my-models/"));
      assertThat(parse(llama()).orThrow().component().modelDataS3Uri()).isEmpty();
    }

    @Test
    void theS3UriMustBeAPrefix() {
      ObjectNode doc = remove(llama(), "component.hfTokenSecretArn");
      assertProblem(
          set(doc, "component.modelDataS3Uri", "s3://my-models/llama3/model.safetensors"),
          "component.modelDataS3Uri",
          "must end with /");
      assertProblem(
          set(doc, "component.modelDataS3Uri", "https://my-models.s3.amazonaws.com/llama3/"),
          "component.modelDataS3Uri",
          "is not an s3:// URI");
      assertProblem(
          set(doc, "component.modelDataS3Uri", "s3://My_Models/llama3/"),
          "component.modelDataS3Uri",
          "bucket name of 3-63 lowercase letters");
      assertProblem(
          set(doc, "component.modelDataS3Uri", "s3://my-models/llama 3/"),
          "component.modelDataS3Uri",
          "no spaces");
      assertProblem(
          set(doc, "component.modelDataS3Uri", "s3://my-models/" + "a/".repeat(600)),
          "component.modelDataS3Uri",
          "SageMaker's S3Uri allows 1024");
      assertProblem(
          set(doc, "component.modelDataS3Uri", 7), "component.modelDataS3Uri", "must be a string");
    }

    @Test
    void aTokenCannotGoWithWeightsFromS3() {
      ObjectNode doc =
          set(llama(), "component.modelDataS3Uri", "s3://my-models/llama3-8b-instruct/");
      assertProblem(doc, "component.hfTokenSecretArn", "cannot go with component.modelDataS3Uri");
    }

    @ParameterizedTest
    @ValueSource(ints = {59, 3601})
    void healthCheckTimeoutOutsideSageMakersRange(int seconds) {
      assertProblem(
          set(llama(), "component.startupHealthCheckTimeoutSeconds", seconds),
          "component.startupHealthCheckTimeoutSeconds",
          "out of range 60..3600");
    }

    @ParameterizedTest
    @ValueSource(ints = {60, 3600})
    void healthCheckTimeoutAtSageMakersLimits(int seconds) {
      assertValid(set(llama(), "component.startupHealthCheckTimeoutSeconds", seconds));
    }

    @Test
    void copyCountMayBeZeroButNotNegative() {
      assertProblem(
          set(llama(), "component.copies", -1), "component.copies", "out of range 0..1000");
      assertValid(set(set(llama(), "component.copies", 0), "scaling.minCopies", 0));
    }

    @Test
    void literalHuggingFaceTokensAreRefused() {
      assertProblem(
          set(llama(), "component.env.HF_TOKEN", "secret"),
          "component.env.HF_TOKEN",
          "literal Hugging Face token");
      assertProblem(
          set(llama(), "component.env.EXTRA_ARGS", "--token hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"),
          "component.env.EXTRA_ARGS",
          "hfTokenSecretArn");
      assertValid(set(llama(), "component.env.EXTRA_ARGS", "--trust-remote-code"));
    }

    @Test
    void modelIdComesFromItsOwnField() {
      assertProblem(
          set(llama(), "component.env.HF_MODEL_ID", "x/y"),
          "component.env.HF_MODEL_ID",
          "set by copyscale from component.modelId");
    }

    @Test
    void tgiShardsMustMatchAccelerators() {
      assertProblem(
          set(llama(), "component.env.SM_NUM_GPUS", "2"),
          "component.env.SM_NUM_GPUS",
          "must equal component.resources.accelerators (1)");
      assertValid(
          set(
              set(llama(), "component.env.SM_NUM_GPUS", "2"),
              "component.resources.accelerators",
              2));
    }

    @Test
    void tgiTokenLimitsMustBeOrdered() {
      assertProblem(
          set(llama(), "component.env.MAX_INPUT_LENGTH", "4096"),
          "component.env.MAX_INPUT_LENGTH",
          "must be less than MAX_TOTAL_TOKENS (4096)");
      assertProblem(
          set(llama(), "component.env.MAX_BATCH_TOTAL_TOKENS", "2048"),
          "component.env.MAX_BATCH_TOTAL_TOKENS",
          "must be at least MAX_TOTAL_TOKENS (4096)");
      assertProblem(
          set(llama(), "component.env.MAX_TOTAL_TOKENS", "lots"),
          "component.env.MAX_TOTAL_TOKENS",
          "must be a positive whole number");
      assertValid(set(llama(), "component.env.MAX_BATCH_TOTAL_TOKENS", "4096"));
    }

    @Test
    void quantizationMustBeKnown() {
      assertProblem(
          set(llama(), "component.env.QUANTIZE", "magic"), "component.env.QUANTIZE", "awq");
      assertValid(set(llama(), "component.env.QUANTIZE", "awq"));
    }

    @Test
    void unknownModelsAreDescribedInTheSpec() {
      ObjectNode doc =
          set(
              llama(),
              "component.model",
              yaml(
                  "{parametersBillions: 7.2, layers: 32, kvHeads: 8, headDim: 128, dtype:"
                      + " bfloat16}"));
      assertThat(parse(doc).orThrow().component().model())
          .get()
          .extracting(DeploymentSpec.Model::layers)
          .isEqualTo(32);
      assertProblem(
          set(doc, "component.model.dtype", "float12"), "component.model.dtype", "float16");
    }

    @Test
    void anUnknownModelMayNameItsChatTemplate() {
      ObjectNode doc =
          set(
              llama(),
              "component.model",
              yaml(
                  "{parametersBillions: 7.2, layers: 32, kvHeads: 8, headDim: 128, chatTemplate:"
                      + " templates/my-model.jinja}"));
      assertThat(parse(doc).orThrow().component().model().orElseThrow().chatTemplate())
          .contains("templates/my-model.jinja");
      assertValid(set(doc, "component.model.chatTemplate", "hf/tokenizer_config.json"));
      assertProblem(
          set(doc, "component.model.chatTemplate", "my template.txt"),
          "component.model.chatTemplate",
          "a .jinja file or a tokenizer_config.json");
    }
  }

  @Nested
  class Bounds {
    @Test
    void minMustNotExceedMax() {
      assertProblem(
          set(set(llama(), "scaling.minCopies", 9), "component.copies", 9),
          "scaling.minCopies",
          "greater than maxCopies (8)");
    }

    @Test
    void maxWithinGuardrails() {
      assertProblem(
          set(llama(), "scaling.maxCopies", 17),
          "scaling.maxCopies",
          "exceeds guardrails.maxCopies (16)");
      assertValid(set(llama(), "scaling.maxCopies", 16));
    }

    @Test
    void initialCopiesWithinBounds() {
      assertProblem(
          set(llama(), "component.copies", 9),
          "component.copies",
          "must lie within scaling's 1..8");
    }

    @Test
    void boundsOfTheOtherDimensionAreRefused() {
      assertProblem(
          set(llama(), "scaling.minInstances", 1),
          "scaling.minInstances",
          "does not apply with dimension: copies");
    }

    @Test
    void instanceDimensionNeedsManagedScalingOff() {
      ObjectNode doc = llama();
      set(
          doc,
          "scaling",
          yaml(
              "{dimension: instances, minInstances: 1, maxInstances: 3, engine: native,"
                  + " targetTracking: {metric: SageMakerVariantInvocationsPerInstance, target:"
                  + " 20}}"));
      assertProblem(doc, "scaling.dimension", "managedInstanceScaling is enabled");
      set(doc, "endpoint.managedInstanceScaling", Map.of("enabled", false));
      assertValid(doc);
      assertThat(parse(doc).orThrow().scaling().dimension()).isEqualTo(Dimension.INSTANCES);
    }
  }

  @Nested
  class Engines {
    @Test
    void targetTrackingIsRefusedUnderOrchestrated() {
      assertProblem(
          set(llama(), "scaling.engine", "orchestrated"),
          "scaling.targetTracking",
          "engine: native");
      ObjectNode orchestrated =
          remove(set(llama(), "scaling.engine", "orchestrated"), "scaling.targetTracking");
      assertValid(orchestrated);
      assertThat(parse(orchestrated).orThrow().scaling().stepPolicies().get(0).engine())
          .isEqualTo(Engine.ORCHESTRATED);
    }

    @Test
    void twoDynamicEnginesOnOneTargetAreRefused() {
      assertProblem(
          set(llama(), "scaling.stepPolicies[0].engine", "orchestrated"),
          "scaling.stepPolicies[0].engine",
          "two dynamic engines on one target");
      assertValid(set(llama(), "scaling.stepPolicies[0].engine", "native"));
    }

    @Test
    void targetTrackingMetricMustMeasureTheDimension() {
      assertProblem(
          set(llama(), "scaling.targetTracking.metric", "SageMakerVariantInvocationsPerInstance"),
          "scaling.targetTracking.metric",
          "does not measure the copies dimension");
      assertValid(
          set(
              llama(),
              "scaling.targetTracking.metric",
              "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution"));
    }
  }

  @Nested
  class Steps {
    private ObjectNode withSteps(String steps) {
      return set(llama(), "scaling.stepPolicies[0].steps", yaml(steps));
    }

    @Test
    void overlappingStepsAreRefused() {
      assertProblem(
          withSteps("[{lower: 0, upper: 10, adjustment: 1}, {lower: 8, adjustment: 4}]"),
          "scaling.stepPolicies[0].steps[1]",
          "overlaps step 0");
    }

    @Test
    void gapsAreRefused() {
      assertProblem(
          withSteps("[{lower: 0, upper: 5, adjustment: 1}, {lower: 8, adjustment: 4}]"),
          "scaling.stepPolicies[0].steps[1]",
          "leaves a gap after step 0: no step covers 5 to 8");
    }

    @Test
    void aStepNeedsABound() {
      assertProblem(
          withSteps("[{adjustment: 1}]"),
          "scaling.stepPolicies[0].steps[0]",
          "needs a lower or an upper bound");
    }

    @Test
    void lowerMustBeBelowUpper() {
      assertProblem(
          withSteps("[{lower: 5, upper: 5, adjustment: 1}, {lower: 5, adjustment: 2}]"),
          "scaling.stepPolicies[0].steps[0]",
          "lower (5) must be less than upper (5)");
    }

    @Test
    void everyBreachAboveTheThresholdMustMatchAStep() {
      assertProblem(
          withSteps("[{lower: 2, adjustment: 1}]"),
          "scaling.stepPolicies[0].steps",
          "no step covers breaches from 0 to 2");
      assertProblem(
          withSteps("[{lower: 0, upper: 8, adjustment: 1}]"),
          "scaling.stepPolicies[0].steps",
          "no step covers breaches above 8");
      assertValid(withSteps("[{upper: 8, adjustment: 1}, {lower: 8, adjustment: 4}]"));
    }

    @Test
    void everyBreachBelowTheThresholdMustMatchAStep() {
      ObjectNode doc =
          set(
              withSteps("[{upper: -5, adjustment: -2}]"),
              "scaling.stepPolicies[0].alarm.comparison",
              "LessThanThreshold");
      assertProblem(doc, "scaling.stepPolicies[0].steps", "no step covers breaches from -5 to 0");
      assertValid(
          set(
              doc,
              "scaling.stepPolicies[0].steps",
              yaml("[{upper: -5, adjustment: -2}, {lower: -5, upper: 0, adjustment: -1}]")));
    }

    @Test
    void exactCapacityCannotBeNegative() {
      ObjectNode doc =
          set(
              withSteps("[{lower: 0, adjustment: -1}]"),
              "scaling.stepPolicies[0].adjustmentType",
              "ExactCapacity");
      assertProblem(doc, "scaling.stepPolicies[0].steps[0].adjustment", "cannot be negative");
    }

    @Test
    void minAdjustmentMagnitudeOnlyWithPercent() {
      ObjectNode doc = set(llama(), "scaling.stepPolicies[0].minAdjustmentMagnitude", 2);
      assertProblem(
          doc, "scaling.stepPolicies[0].minAdjustmentMagnitude", "PercentChangeInCapacity");
      assertValid(set(doc, "scaling.stepPolicies[0].adjustmentType", "PercentChangeInCapacity"));
    }

    @Test
    void simpleScalingIsOneStepFromTheThreshold() {
      ObjectNode doc =
          remove(
              remove(
                  remove(llama(), "scaling.stepPolicies[0].steps"),
                  "scaling.stepPolicies[0].cooldownSeconds"),
              "scaling.stepPolicies[0].adjustmentType");
      set(doc, "scaling.stepPolicies[0].simple", yaml("{adjustment: 10, cooldownSeconds: 300}"));
      DeploymentSpec.StepPolicy policy = parse(doc).orThrow().scaling().stepPolicies().get(0);
      assertThat(policy.steps()).containsExactly(new Step(Optional.of(0.0), Optional.empty(), 10));
      assertThat(policy.cooldownSeconds()).isEqualTo(300);
      assertThat(
              problems(
                  set(doc, "scaling.stepPolicies[0].steps", yaml("[{lower: 0, adjustment: 1}]"))))
          .containsExactly("scaling.stepPolicies[0].simple: give either simple or steps, not both");
    }

    @Test
    void policiesNeedStepsOrSimple() {
      assertProblem(
          remove(llama(), "scaling.stepPolicies[0].steps"),
          "scaling.stepPolicies[0].steps",
          "is required (or give simple");
    }

    @Test
    void policyNamesAreUnique() {
      ObjectNode doc = llama();
      ((com.fasterxml.jackson.databind.node.ArrayNode) doc.get("scaling").get("stepPolicies"))
          .add(doc.get("scaling").get("stepPolicies").get(0).deepCopy());
      assertProblem(doc, "scaling.stepPolicies[1].name", "is used by another step policy");
    }
  }

  @Nested
  class Alarms {
    @Test
    void highResolutionPeriodsNeedAHighResolutionMetric() {
      assertProblem(
          set(llama(), "scaling.stepPolicies[0].alarm.metric", "InvocationsPerCopy"),
          "scaling.stepPolicies[0].alarm.periodSeconds",
          "published every minute");
      assertValid(
          set(
              set(llama(), "scaling.stepPolicies[0].alarm.metric", "InvocationsPerCopy"),
              "scaling.stepPolicies[0].alarm.periodSeconds",
              60));
    }

    @Test
    void periodsAreCloudWatchPeriods() {
      assertProblem(
          set(llama(), "scaling.stepPolicies[0].alarm.periodSeconds", 90),
          "scaling.stepPolicies[0].alarm.periodSeconds",
          "multiple of 60");
      assertValid(set(llama(), "scaling.stepPolicies[0].alarm.periodSeconds", 30));
    }

    @Test
    void datapointsCannotExceedEvaluationPeriods() {
      assertProblem(
          set(llama(), "scaling.stepPolicies[0].alarm.datapointsToAlarm", 3),
          "scaling.stepPolicies[0].alarm.datapointsToAlarm",
          "cannot exceed evaluationPeriods (2)");
    }

    @Test
    void evaluationRangeIsAtMostOneDay() {
      ObjectNode doc =
          set(
              set(llama(), "scaling.stepPolicies[0].alarm.periodSeconds", 3600),
              "scaling.stepPolicies[0].alarm.evaluationPeriods",
              25);
      assertProblem(
          doc, "scaling.stepPolicies[0].alarm.evaluationPeriods", "exceeds CloudWatch's 86400 s");
    }

    @Test
    void metricsAndComparisonsAreKnown() {
      assertProblem(
          set(llama(), "scaling.stepPolicies[0].alarm.metric", "Vibes"),
          "scaling.stepPolicies[0].alarm.metric",
          "NoCapacityInvocationFailures");
      assertProblem(
          set(llama(), "scaling.stepPolicies[0].alarm.comparison", "GreaterThanUpperThreshold"),
          "scaling.stepPolicies[0].alarm.comparison",
          "is not one of the allowed values");
    }
  }

  @Nested
  class Schedules {
    @Test
    void cronMustBeEventBridgeSchedulerSyntax() {
      assertProblem(
          set(llama(), "scaling.schedules[0].cron", "0 8 * * 1-5"),
          "scaling.schedules[0].cron",
          "needs 6 fields");
      assertProblem(
          set(llama(), "scaling.schedules[0].cron", "0 8 * * MON-FRI *"),
          "scaling.schedules[0].cron",
          "must be '?'");
      assertProblem(
          set(llama(), "scaling.schedules[0].cron", "0 25 ? * MON-FRI *"),
          "scaling.schedules[0].cron",
          "not an EventBridge Scheduler cron");
      assertValid(set(llama(), "scaling.schedules[0].cron", "cron(30 7 ? * MON-FRI *)"));
    }

    @Test
    void timeZoneMustBeIana() {
      assertProblem(
          set(llama(), "scaling.schedules[0].timezone", "CET+1"),
          "scaling.schedules[0].timezone",
          "not an IANA time zone");
      assertValid(set(llama(), "scaling.schedules[0].timezone", "America/New_York"));
    }

    @Test
    void scheduleBoundsAreOrderedAndGuarded() {
      assertProblem(
          set(llama(), "scaling.schedules[0].minCopies", 9),
          "scaling.schedules[0].minCopies",
          "greater than maxCopies (8)");
      assertProblem(
          set(llama(), "scaling.schedules[0].maxCopies", 17),
          "scaling.schedules[0].maxCopies",
          "exceeds guardrails.maxCopies (16)");
    }

    @Test
    void scheduleNamesAreUnique() {
      assertProblem(
          set(llama(), "scaling.schedules[1].name", "business-hours"),
          "scaling.schedules[1].name",
          "is used by another schedule");
    }
  }
}
