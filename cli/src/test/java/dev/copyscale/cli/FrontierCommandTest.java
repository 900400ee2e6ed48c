package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.frontier.Frontier;
import dev.copyscale.frontier.Frontier.Point;
import dev.copyscale.json.Json;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import dev.copyscale.testing.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copyscale frontier} as a user runs it, on a short synthetic trace: once with --json,
 * --place and --report, once as text on a shorter one, and the usage errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontierCommandTest {
  /** 30 minutes: a quiet start, a rise to eight times the load for ten minutes, quiet again. */
  static final String STEP = "synthetic:step:base=1,peak=8,at=10m,length=10m,duration=30m";

  static final String ENDPOINT = spec("slo.yaml");

  @TempDir static Path reportDir;
  JsonNode json;

  static String spec(String name) {
    return RepoFiles.path("examples/simulate/" + name).toString();
  }

  @BeforeAll
  void runOnce() throws Exception {
    CliTest.Run run =
        run(
            "frontier",
            ENDPOINT,
            "--trace",
            STEP,
            "--place",
            spec("scheduled.yaml"),
            spec("native-target-tracking.yaml"),
            "--json",
            "--report",
            reportDir.toString(),
            "--no-progress");
    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    json = Json.mapper().readTree(run.out());
  }

  @Test
  void searchesTheDocumentedFamilyAndPlacesTheGivenSpecs() {
    List<String> kinds = new ArrayList<>();
    json.get("configurations").forEach(c -> kinds.add(c.get("kind").asText()));
    // ml.g5.12xlarge: 4 copies an instance, 3 instances: 5 (minimum, maximum) pairs x 2 thresholds
    // x 2 evaluations x 2 steps x 2 idle rules, 50 % steps on the 3 pairs where they differ, and
    // 5 pairs x 2 targets x 2 cooldowns of target tracking.
    assertThat(kinds.stream().filter("reactive"::equals)).hasSize(80 + 24 + 20);
    // 3 block lengths x 5 safety factors.
    assertThat(kinds.stream().filter("clairvoyant"::equals)).hasSize(15);
    assertThat(kinds.stream().filter("placed"::equals)).hasSize(2);
    assertThat(json.get("endpoint").get("copiesPerInstance").asInt()).isEqualTo(4);
    assertThat(json.get("endpoint").get("leadMinutes").asInt()).isBetween(5, 7);
  }

  @Test
  void aConfigurationOnASyntheticTraceIsItsMeanOverSeedsWithItsRange() {
    assertThat(json.get("seeds").toString()).isEqualTo("[1,2,3]");
    assertThat(json.get("seedsChangeRuns").asBoolean()).isTrue();
    boolean anyDiffers = false;
    for (JsonNode c : json.get("configurations")) {
      JsonNode over = c.get("overSeeds");
      assertThat(over.get("seeds").asInt()).isEqualTo(3);
      assertThat(c.get("costUsd").asDouble())
          .isBetween(over.get("minCostUsd").asDouble(), over.get("maxCostUsd").asDouble());
      assertThat(c.get("attainment").asDouble())
          .isBetween(over.get("minAttainment").asDouble(), over.get("maxAttainment").asDouble());
      anyDiffers |= over.get("minAttainment").asDouble() < over.get("maxAttainment").asDouble();
    }
    // Each seed draws the step trace's arrivals anew: some configuration fares differently.
    assertThat(anyDiffers).isTrue();
    assertThat(json.get("recommended").get("scoredOn").get("overSeeds").get("seeds").asInt())
        .isEqualTo(3);
  }

  @Test
  void oneSeedRunsEachConfigurationOnce() {
    CliTest.Run run =
        run(
            "frontier",
            ENDPOINT,
            "--trace",
            "synthetic:constant:rate=1,duration=6m",
            "--seeds",
            "1",
            "--json",
            "--no-progress");
    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    JsonNode one = Json.read(run.out(), JsonNode.class);
    assertThat(one.get("seeds").toString()).isEqualTo("[1]");
    assertThat(one.get("seedsChangeRuns").asBoolean()).isFalse();
    for (JsonNode c : one.get("configurations")) {
      JsonNode over = c.get("overSeeds");
      assertThat(over.get("minAttainment").asDouble())
          .isEqualTo(over.get("maxAttainment").asDouble());
      assertThat(over.get("minCostUsd").asDouble()).isEqualTo(c.get("costUsd").asDouble());
    }
  }

  @Test
  void theFrontierIsExactlyTheConfigurationsNoOtherBeats() {
    List<Point> all = points("configurations");
    List<String> frontier = new ArrayList<>();
    json.get("frontier").forEach(n -> frontier.add(n.asText()));
    assertThat(frontier).isNotEmpty();
    assertThat(frontier)
        .containsExactlyElementsOf(Frontier.pareto(all).stream().map(Point::name).toList());
    Map<String, Point> byName = byName(all);
    for (Point p : all) {
      boolean dominated = all.stream().anyMatch(q -> q.dominates(p));
      // Equal points: the first stands for them.
      if (!dominated && !frontier.contains(p.name())) {
        assertThat(frontier)
            .anyMatch(
                f ->
                    byName.get(f).costUsd() == p.costUsd()
                        && byName.get(f).attainment() == p.attainment());
      }
      if (frontier.contains(p.name())) {
        assertThat(dominated).as(p.name() + " on the frontier").isFalse();
      }
    }
    json.get("configurations")
        .forEach(
            c ->
                assertThat(c.get("onFrontier").asBoolean())
                    .isEqualTo(frontier.contains(c.get("name").asText())));
  }

  @Test
  void placedSpecsGetTheirCostOverTheCheapestFrontierPointAtTheirAttainment() {
    Map<String, Point> byName = byName(points("configurations"));
    for (JsonNode p : json.get("placed")) {
      Point cheapest = byName.get(p.get("cheapestAtThisAttainment").asText());
      assertThat(cheapest.attainment()).isGreaterThanOrEqualTo(p.get("attainment").asDouble());
      assertThat(p.get("ratio").asDouble())
          .isCloseTo(p.get("costUsd").asDouble() / cheapest.costUsd(), within(1e-6))
          .isGreaterThanOrEqualTo(1.0);
      Point best = byName.get(p.get("bestReactive").get("name").asText());
      assertThat(best).isNotNull();
    }
  }

  @Test
  void theRecommendedSpecIsChosenOnTheFirstPartOnlyAndScoredOnTheRest() {
    JsonNode r = json.get("recommended");
    List<Point> firstPart = new ArrayList<>();
    List<Point> rest = new ArrayList<>();
    for (JsonNode c : json.get("configurations")) {
      if (c.has("firstPart")) {
        firstPart.add(point(c.get("name").asText(), c.get("firstPart")));
        rest.add(point(c.get("name").asText(), c.get("rest")));
        // What the rest adds to the first part is the whole run.
        assertThat(
                c.get("firstPart").get("costUsd").asDouble()
                    + c.get("rest").get("costUsd").asDouble())
            .isCloseTo(c.get("costUsd").asDouble(), within(1e-6));
      }
    }
    assertThat(firstPart).hasSize(124);
    double objective = json.get("objective").get("attainment").asDouble();
    assertThat(r.get("name").asText()).isEqualTo(Frontier.choose(firstPart, objective).name());
    Point scored = byName(rest).get(r.get("name").asText());
    assertThat(r.get("scoredOn").get("attainment").asDouble()).isEqualTo(scored.attainment());
    assertThat(r.get("scoredOn").get("costUsd").asDouble()).isEqualTo(scored.costUsd());
    assertThat(r.get("hindsightOnRest").get("name").asText())
        .isEqualTo(Frontier.choose(rest, objective).name());
    // 30 minutes cut in half.
    assertThat(r.get("chosenOn").get("toMinute").asInt()).isEqualTo(15);
    assertThat(r.get("scoredOn").get("fromMinute").asInt()).isEqualTo(15);
  }

  @Test
  void theRecommendedSpecIsAValidSpecUnderTheEndpointsOwnNames() {
    SpecResult parsed = SpecParser.parse(json.get("recommended").get("spec"));
    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.orThrow().name()).isEqualTo("sim-slo");
    assertThat(parsed.orThrow().component().name()).isEqualTo("sim-slo-ic");
    assertThat(
            parsed.orThrow().scaling().stepPolicies().isEmpty()
                != parsed.orThrow().scaling().targetTracking().isEmpty())
        .as("step policies or target tracking")
        .isTrue();
  }

  @Test
  void theReportChartsTheFrontierAndKeepsWhatWasPrinted() throws Exception {
    String html = Files.readString(reportDir.resolve("index.html"));
    assertThat(html).contains("<svg", "frontier", "recommended reactive spec for");
    // Every configuration is a point whose tooltip names it; the frontier's are in the table.
    json.get("configurations")
        .forEach(c -> assertThat(html).contains(c.get("name").asText() + ": $"));
    json.get("frontier").forEach(n -> assertThat(html).contains(n.asText()));
    assertThat(reportDir.resolve("frontier.png")).isNotEmptyFile();
    assertThat(Json.mapper().readTree(reportDir.resolve("frontier.json").toFile()).get("frontier"))
        .isEqualTo(json.get("frontier"));
  }

  @Test
  void printsTheFrontierAndARecommendedSpecTheUserCanUse() {
    CliTest.Run run =
        run(
            "frontier",
            ENDPOINT,
            "--trace",
            "synthetic:constant:rate=1,duration=6m",
            "--choose-on",
            "0.5",
            "--no-progress");
    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    assertThat(run.out())
        .contains(
            "frontier (no configuration run is",
            "recommended reactive spec for",
            "chosen on the first 3 min");
    String yaml = run.out().substring(run.out().indexOf("# the recommended spec"));
    SpecResult parsed = SpecParser.parse(yaml);
    assertThat(parsed.problems()).isEmpty();
    // A step spec (engine orchestrated) or target tracking (Application Auto Scaling's, native).
    assertThat(parsed.orThrow().scaling().engine().name()).isIn("ORCHESTRATED", "NATIVE");
    // Three seeds of 124 reactive specs on the whole trace and its first half, and of five
    // schedules (6 minutes: one block length).
    assertThat(run.out())
        .contains(
            "seeds: 3 (1 to 3): each draws the synthetic trace anew",
            "124 reactive specs (104 step, 20 target tracking",
            (124 * 2 + 5) * 3 + " simulations");
  }

  @Test
  void refusesWhatItCannotSearchNamingTheOption() {
    CliTest.Run whole = run("frontier", ENDPOINT, "--trace", STEP, "--choose-on", "100%");
    assertThat(whole.exitCode()).isEqualTo(2);
    assertThat(whole.err()).contains("--choose-on must be a percentage above 0 and below 100");
    CliTest.Run words = run("frontier", ENDPOINT, "--trace", STEP, "--choose-on", "half");
    assertThat(words.exitCode()).isEqualTo(2);
    assertThat(words.err()).contains("--choose-on", "half");
    CliTest.Run shortTrace =
        run("frontier", ENDPOINT, "--trace", "synthetic:constant:rate=1,duration=90s");
    assertThat(shortTrace.exitCode()).isEqualTo(2);
    assertThat(shortTrace.err()).contains("--choose-on: a trace of less than two minutes");
    CliTest.Run tooFast = run("frontier", ENDPOINT, "--trace", STEP, "--slo-ttft", "1ms");
    assertThat(tooFast.exitCode()).isEqualTo(2);
    assertThat(tooFast.err()).contains("cannot search it for", "scaling.slo.ttft");
    CliTest.Run noSeed = run("frontier", ENDPOINT, "--trace", STEP, "--seeds", "0");
    assertThat(noSeed.exitCode()).isEqualTo(2);
    assertThat(noSeed.err()).contains("--seeds must be at least 1, got 0");
    CliTest.Run missing = run("frontier", ENDPOINT, "--place", "no-such.yaml");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file: no-such.yaml");
  }

  private List<Point> points(String field) {
    List<Point> all = new ArrayList<>();
    json.get(field).forEach(c -> all.add(point(c.get("name").asText(), c)));
    return all;
  }

  private static Point point(String name, JsonNode n) {
    return new Point(name, n.get("costUsd").asDouble(), n.get("attainment").asDouble());
  }

  private static Map<String, Point> byName(List<Point> points) {
    Map<String, Point> m = new HashMap<>();
    points.forEach(p -> m.put(p.name(), p));
    return m;
  }
}
