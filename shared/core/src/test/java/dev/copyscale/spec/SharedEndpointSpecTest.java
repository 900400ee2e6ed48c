package dev.copyscale.spec;

import static dev.copyscale.spec.SpecDocs.example;
import static dev.copyscale.spec.SpecDocs.llama;
import static dev.copyscale.spec.SpecDocs.parse;
import static dev.copyscale.spec.SpecDocs.remove;
import static dev.copyscale.spec.SpecDocs.set;
import static dev.copyscale.spec.SpecDocs.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.spec.DeploymentSpec.Adapter;
import dev.copyscale.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Several components on one endpoint (docs/spec.md): the list form, and each rule of the endpoint
 * as a whole with a case that fails it, naming the field.
 */
class SharedEndpointSpecTest {
  static ObjectNode shared() {
    return example("shared-endpoint.yaml");
  }

  /** Exactly one problem, at this path, whose message contains the fragment. */
  private static void assertProblem(ObjectNode doc, String path, String fragment) {
    List<Problem> problems = parse(doc).problems();
    assertThat(problems).as("problems").hasSize(1);
    assertThat(problems.get(0).path()).isEqualTo(path);
    assertThat(problems.get(0).message()).contains(fragment);
  }

  private static ArrayNode components(ObjectNode doc) {
    return (ArrayNode) doc.get("components");
  }

  @Test
  void theExampleListsTwoComponentsAndEightAdaptersOnChat() {
    DeploymentSpec spec = parse(shared()).orThrow();
    assertThat(spec.shared()).isTrue();
    assertThat(spec.components())
        .extracting(DeploymentSpec.Member::name)
        .containsExactly("chat", "code");
    assertThat(spec.component().name()).isEqualTo("chat");
    assertThat(spec.component().priority()).isEqualTo(10);
    assertThat(spec.components().get(1).component().priority()).isZero();
    assertThat(spec.component().adapters())
        .hasSize(8)
        .first()
        .isEqualTo(new Adapter("chat-sql", "s3://my-adapters/sql/"));
    assertThat(spec.endpoint().budget()).contains(21.27);
    assertThat(spec.scaling().maxCapacity()).isEqualTo(8);
  }

  @Test
  void everyBundledExampleSpecIsValid() throws IOException {
    List<Path> specs;
    try (Stream<Path> top = Files.list(RepoFiles.path("examples"));
        Stream<Path> simulate = Files.list(RepoFiles.path("examples/simulate"))) {
      specs =
          Stream.concat(top, simulate)
              .filter(p -> p.toString().endsWith(".yaml"))
              .sorted()
              .toList();
    }
    assertThat(specs).extracting(p -> p.getFileName().toString()).contains("shared-endpoint.yaml");
    for (Path p : specs) {
      assertThat(SpecParser.parse(Files.readString(p)).problems()).as(p.toString()).isEmpty();
    }
  }

  /**
   * The single form names its resources as it always has (the names main computed for these
   * examples before the list form existed): a deployed endpoint does not churn.
   */
  @Test
  void theSingleFormKeepsItsNames() {
    ResourceNames n = ResourceNames.of(parse(llama()).orThrow());
    assertThat(List.of(n.model(), n.endpointConfig(), n.scalableResourceId(), n.policy("burst")))
        .containsExactly(
            "llama3-chat-3aa0fca365",
            "llama3-chat-eeed77eebe",
            "inference-component/llama3-chat-ic",
            "copyscale-llama3-chat-burst");
    assertThat(n.targetTrackingPolicy()).isEqualTo("copyscale-llama3-chat-target-tracking");
    ResourceNames slo = ResourceNames.of(parse(example("simulate/slo.yaml")).orThrow());
    assertThat(List.of(slo.model(), slo.endpointConfig()))
        .containsExactly("sim-slo-7253e5412f", "sim-slo-76789e176d");
  }

  /** A list of one is the single form: the same spec, the same names. */
  @Test
  void aListOfOneIsTheSingleForm() {
    ObjectNode single = llama();
    ObjectNode listed = llama();
    ObjectNode entry = (ObjectNode) listed.remove("component");
    entry.set("scaling", listed.remove("scaling"));
    listed.putArray("components").add(entry);
    DeploymentSpec a = parse(single).orThrow();
    DeploymentSpec b = parse(listed).orThrow();
    assertThat(b).isEqualTo(a);
    assertThat(ResourceNames.of(b)).isEqualTo(ResourceNames.of(a));
    // ... and its problems name the entry.
    set(listed, "components[0].scaling.minCopies", 9);
    assertThat(parse(listed).problems())
        .extracting(Problem::path)
        .contains("components[0].scaling.minCopies");
  }

  @Test
  void componentAndComponentsTogetherAreRefused() {
    ObjectNode doc = shared();
    doc.set("component", components(doc).get(0).deepCopy());
    List<Problem> problems = parse(doc).problems();
    assertThat(problems).extracting(Problem::path).contains("component");
    assertThat(problems.get(0).message()).contains("not both");
  }

  @Test
  void neitherFormIsRefusedNamingTheSingleForm() {
    ObjectNode doc = remove(shared(), "components");
    assertThat(parse(doc).problems())
        .extracting(Problem::toString)
        .contains("component: is required", "scaling: is required");
  }

  @Test
  void anEmptyListIsRefused() {
    ObjectNode doc = shared();
    doc.putArray("components");
    assertProblem(doc, "components", "needs at least one component");
  }

  @Test
  void moreThanTenComponentsAreRefused() {
    ObjectNode doc = shared();
    for (int i = 0; i < 10; i++) {
      ObjectNode extra = (ObjectNode) components(doc).get(1).deepCopy();
      extra.put("name", "code-" + i);
      components(doc).add(extra);
    }
    List<Problem> problems = parse(doc).problems();
    assertThat(problems).extracting(Problem::path).contains("components");
    assertThat(problems)
        .filteredOn(p -> p.path().equals("components"))
        .first()
        .satisfies(p -> assertThat(p.message()).contains("lists 12 components", "at most 10"));
  }

  @Test
  void aComponentWithoutScalingIsNamed() {
    ObjectNode doc = shared();
    ((ObjectNode) components(doc).get(1)).remove("scaling");
    assertProblem(doc, "components[1].scaling", "is required");
  }

  @Test
  void problemsOfAComponentNameItsEntry() {
    assertProblem(
        set(shared(), "components[1].scaling.minCopies", 5),
        "components[1].scaling.minCopies",
        "(5) is greater than maxCopies (4)");
    assertProblem(
        set(shared(), "components[1].env.SM_NUM_GPUS", "2"),
        "components[1].env.SM_NUM_GPUS",
        "must equal");
    assertProblem(
        set(shared(), "components[1].scaling.maxCopies", 13),
        "components[1].scaling.maxCopies",
        "exceeds guardrails.maxCopies (12)");
  }

  @Test
  void componentNamesAreUnique() {
    assertProblem(
        set(shared(), "components[1].name", "chat"),
        "components[1].name",
        "is also components[0].name");
  }

  @Test
  void anAdapterMayNotTakeAComponentsOrAnotherAdaptersName() {
    assertProblem(
        set(shared(), "components[0].adapters[1].name", "chat-sql"),
        "components[0].adapters[1].name",
        "is also components[0].adapters[0].name");
    assertProblem(
        set(shared(), "components[0].adapters[0].name", "code"),
        "components[1].name",
        "is also components[0].adapters[0].name");
  }

  @Test
  void adapterNamesAreSageMakerNames() {
    assertProblem(
        set(shared(), "components[0].adapters[0].name", "sql_adapter"),
        "components[0].adapters[0].name",
        "1-63 letters, digits and hyphens");
    assertProblem(
        set(shared(), "components[0].adapters[0].name", "a".repeat(64)),
        "components[0].adapters[0].name",
        "1-63 letters");
  }

  @Test
  void anAdaptersWeightsAreAnS3Location() {
    assertProblem(
        set(shared(), "components[0].adapters[0].artifactUrl", "https://example.com/sql/"),
        "components[0].adapters[0].artifactUrl",
        "is not an s3:// URI");
    assertProblem(
        set(shared(), "components[0].adapters[0].artifactUrl", "s3://My_Bucket/sql/"),
        "components[0].adapters[0].artifactUrl",
        "bucket name of 3-63 lowercase");
    assertProblem(
        set(shared(), "components[0].adapters[0].artifactUrl", "s3://b/" + "x".repeat(1100)),
        "components[0].adapters[0].artifactUrl",
        "SageMaker's S3Uri allows 1024");
    assertProblem(
        remove(shared(), "components[0].adapters[0].artifactUrl"),
        "components[0].adapters[0].artifactUrl",
        "is required");
    // A single archive is an S3 location too.
    assertThat(
            parse(
                    set(
                        shared(),
                        "components[0].adapters[0].artifactUrl",
                        "s3://my-adapters/sql.tar.gz"))
                .problems())
        .isEmpty();
  }

  @Test
  void anAdapterHasNoComputeCopiesOrScalingOfItsOwn() {
    for (String own : List.of("resources", "copies", "scaling")) {
      ObjectNode doc = shared();
      ((ObjectNode) doc.at("/components/0/adapters/0")).set(own, yaml("{minCopies: 1}"));
      List<Problem> problems = parse(doc).problems();
      assertThat(problems).extracting(Problem::path).contains("components[0].adapters[0]." + own);
      assertThat(problems.get(0).message()).contains("InferenceComponentSpecification omits");
    }
  }

  @Test
  void atMostFiftyAdaptersOnOneBase() {
    ObjectNode doc = shared();
    ArrayNode adapters = (ArrayNode) doc.at("/components/0/adapters");
    for (int i = 8; i < 51; i++) {
      adapters
          .addObject()
          .put("name", "chat-extra-" + i)
          .put("artifactUrl", "s3://my-adapters/x" + i + "/");
    }
    assertProblem(doc, "components[0].adapters", "lists 51 adapters");
    adapters.remove(50);
    assertThat(parse(doc).problems()).isEmpty();
  }

  @Test
  void adaptersAndPriorityWorkInTheSingleFormToo() {
    ObjectNode doc = llama();
    ((ObjectNode) doc.get("component")).put("priority", 3);
    ((ObjectNode) doc.get("component"))
        .set("adapters", yaml("[{name: sql, artifactUrl: 's3://my-adapters/sql/'}]"));
    DeploymentSpec spec = parse(doc).orThrow();
    assertThat(spec.shared()).isFalse();
    assertThat(spec.component().priority()).isEqualTo(3);
    assertThat(spec.component().adapters())
        .containsExactly(new Adapter("sql", "s3://my-adapters/sql/"));
    assertProblem(
        set(doc, "component.adapters[0].name", "llama3-chat-ic"),
        "component.adapters[0].name",
        "is also component.name");
  }

  @Test
  void severalComponentsScaleCopiesOnly() {
    ObjectNode doc = shared();
    ObjectNode scaling = (ObjectNode) doc.at("/components/1/scaling");
    scaling.removeAll();
    scaling.setAll((ObjectNode) yaml("{dimension: instances, minInstances: 1, maxInstances: 3}"));
    List<Problem> problems = parse(doc).problems();
    assertThat(problems).extracting(Problem::path).containsOnly("components[1].scaling.dimension");
  }

  @Test
  void severalComponentsNeedManagedInstanceScaling() {
    ObjectNode doc = remove(shared(), "endpoint.managedInstanceScaling");
    remove(doc, "endpoint.budget");
    assertProblem(
        doc, "endpoint.managedInstanceScaling", "must be enabled when several components");
  }

  @Test
  void theBudgetIsPositiveAndBuysMinInstances() {
    assertProblem(set(shared(), "endpoint.budget", 0), "endpoint.budget", "out of range");
    assertProblem(
        set(shared(), "endpoint.budget", 7.0),
        "endpoint.budget",
        "$7.00/h does not buy managedInstanceScaling.minInstances 1 ml.g5.12xlarge at $7.09/h");
    assertThat(parse(set(shared(), "endpoint.budget", 7.09)).problems()).isEmpty();
  }

  @Test
  void aBudgetNeedsAnInstanceTypeWithAPrice() {
    ObjectNode doc = set(llama(), "endpoint.budget", 100);
    assertThat(parse(doc).problems()).isEmpty();
    set(doc, "endpoint.instanceType", "ml.c5.xlarge");
    assertProblem(doc, "endpoint.budget", "the catalog has no price for it");
  }

  /** The arbiter's rule: the minimum copies of all components must fit maxInstances. */
  @Test
  void theMinimumCopiesOfAllComponentsMustFitMaxInstances() {
    ObjectNode doc = shared();
    set(doc, "endpoint.managedInstanceScaling.maxInstances", 1);
    set(doc, "components[0].copies", 3);
    set(doc, "components[0].scaling.minCopies", 3);
    set(doc, "components[1].copies", 2);
    set(doc, "components[1].scaling.minCopies", 2);
    assertProblem(
        doc,
        "components",
        "the minimum copies of chat (minCopies 3 × 1 accelerator, 6 CPUs, 40960 MiB) and code"
            + " (minCopies 2 × 1 accelerator, 6 CPUs, 40960 MiB) need 2 ml.g5.12xlarge instances,"
            + " but maxInstances 1 allows 1");
    set(doc, "components[1].copies", 1);
    set(doc, "components[1].scaling.minCopies", 1);
    assertThat(parse(doc).problems()).isEmpty();
  }

  /** Each component's schedules, as its own scaling has them. */
  private static void schedules(ObjectNode doc, int component, String yamlList) {
    ((ObjectNode) doc.at("/components/" + component + "/scaling")).set("schedules", yaml(yamlList));
  }

  @Test
  void schedulesOfDifferentComponentsNeedNamesOfTheirOwn() {
    ObjectNode doc = shared();
    schedules(doc, 0, "[{name: nights, cron: '0 20 ? * * *', minCopies: 1, maxCopies: 2}]");
    schedules(doc, 1, "[{name: nights, cron: '0 21 ? * * *', minCopies: 1, maxCopies: 2}]");
    assertProblem(
        doc,
        "components[1].scaling.schedules[0].name",
        "\"nights\" is also a schedule of components[0]");
    schedules(doc, 1, "[{name: code-nights, cron: '0 21 ? * * *', minCopies: 1, maxCopies: 2}]");
    assertThat(parse(doc).problems()).isEmpty();
  }

  /** A schedule's minimum is held beside the other components' own minimums. */
  @Test
  void aSchedulesMinimumMustFitBesideTheOtherComponents() {
    ObjectNode doc = shared();
    // 3 instances of 4 GPUs hold 12 copies; chat's minimum holds 1.
    schedules(doc, 1, "[{name: launch, cron: '0 8 ? * * *', minCopies: 12, maxCopies: 12}]");
    set(doc, "components[1].scaling.maxCopies", 12);
    List<Problem> problems = parse(doc).problems();
    assertThat(problems)
        .extracting(Problem::path)
        .containsExactly("components[1].scaling.schedules[0].minCopies");
    assertThat(problems.get(0).message())
        .startsWith("(12) cannot be held beside the other components' minCopies: ");
    schedules(doc, 1, "[{name: launch, cron: '0 8 ? * * *', minCopies: 11, maxCopies: 12}]");
    assertThat(parse(doc).problems()).isEmpty();
  }

  @Test
  void theMinimumCopiesOfAllComponentsMustFitTheBudget() {
    ObjectNode doc = shared();
    set(doc, "endpoint.budget", 10);
    set(doc, "components[0].copies", 3);
    set(doc, "components[0].scaling.minCopies", 3);
    set(doc, "components[1].copies", 2);
    set(doc, "components[1].scaling.minCopies", 2);
    List<Problem> problems = parse(doc).problems();
    assertThat(problems).extracting(Problem::path).containsExactly("components");
    assertThat(problems.get(0).message()).contains("need 2 ml.g5.12xlarge", "budget $10.00/h");
  }

  @Test
  void theEndpointsInstancesAreCappedByTheGuardrail() {
    assertProblem(
        set(shared(), "guardrails.maxInstances", 2),
        "endpoint.managedInstanceScaling.maxInstances",
        "exceeds guardrails.maxInstances (2)");
  }
}
