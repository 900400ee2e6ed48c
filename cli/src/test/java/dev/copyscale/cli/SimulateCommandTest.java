package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.traffic.TraceLimits;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copyscale simulate} as a user runs it: the bundled specs on the bundled Azure hour (once,
 * with --json and --report), short synthetic traces for everything else, and the usage errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulateCommandTest {
  static final List<String> SPECS =
      List.of("native-target-tracking.yaml", "orchestrated-high-res.yaml", "scheduled.yaml");
  static final List<String> NAMES = List.of("sim-native-tt", "sim-orchestrated", "sim-scheduled");
  static final String AZURE = "examples/traces/azure-llm-conv-2023.csv";
  static final int AZURE_REQUESTS = 19_366;
  static final String CONSTANT = "synthetic:constant:rate=2,duration=20m";
  static final String STEP = "synthetic:step:base=1,peak=12,at=10m,length=20m,duration=40m";
  static final Instant AZURE_FIRST_MINUTE = Instant.parse("2023-11-16T18:15:00Z");
  static final Instant SYNTHETIC_START = Instant.parse("2023-11-16T18:15:00Z");

  Path azureReport;
  CliTest.Run azure;
  JsonNode azureJson;

  static String spec(String name) {
    return RepoFiles.path("examples/simulate/" + name).toString();
  }

  static String[] args(List<String> specs, String... rest) {
    List<String> a = new ArrayList<>();
    a.add("simulate");
    specs.forEach(s -> a.add(spec(s)));
    a.addAll(List.of(rest));
    a.add("--no-progress");
    return a.toArray(String[]::new);
  }

  static JsonNode json(CliTest.Run run) throws Exception {
    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
    return Json.mapper().readTree(run.out());
  }

  /** timeline.csv as rows of column name to value, in file order. */
  static List<Map<String, String>> csv(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      assertThat(f).as("columns of %s", line).hasSameSizeAs(header);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], f[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  static List<Map<String, String>> rowsOf(List<Map<String, String>> rows, String spec) {
    return rows.stream().filter(r -> r.get("spec").equals(spec)).toList();
  }

  @BeforeAll
  void simulateTheAzureHourOnce(@TempDir Path report) throws Exception {
    azureReport = report;
    azure =
        run(
            args(
                SPECS,
                "--trace",
                RepoFiles.path(AZURE).toString(),
                "--json",
                "--report",
                azureReport.toString()));
    azureJson = json(azure);
  }

  // ------------------------------------------------------------------ 1. --json on the Azure hour

  @Test
  void jsonHoldsOneConsistentResultPerSpec() {
    assertThat(azureJson.fieldNames())
        .toIterable()
        .containsExactly("trace", "objective", "results");
    assertThat(azureJson.get("objective").get("attainment").asDouble()).isEqualTo(0.99);
    JsonNode results = azureJson.get("results");
    assertThat(results.isArray()).isTrue();
    assertThat(results).hasSize(3);
    double price =
        Catalog.bundled()
            .instanceType("ml.g5.12xlarge")
            .map(InstanceType::priceUsdPerHour)
            .orElseThrow();
    assertThat(price).isPositive();
    for (int i = 0; i < 3; i++) {
      JsonNode r = results.get(i);
      assertThat(r.fieldNames())
          .toIterable()
          .contains(
              "spec",
              "requests",
              "failedRequests",
              "latencyP50Ms",
              "latencyP95Ms",
              "latencyP99Ms",
              "ttftP95Ms",
              "sloAttainment",
              "copyHours",
              "instanceHours",
              "costUsd",
              "scalingActions",
              "verdict",
              "decisions");
      assertThat(r.get("verdict").get("kind").asText()).isIn("BEST", "MEETS", "MISSES");
      assertThat(r.get("spec").asText())
          .as("results in the order of the specs")
          .isEqualTo(NAMES.get(i));
      assertThat(r.get("requests").asLong()).isEqualTo(AZURE_REQUESTS);
      assertThat(r.get("failedRequests").asLong()).isBetween(0L, (long) AZURE_REQUESTS);
      for (String f :
          List.of(
              "latencyP50Ms",
              "latencyP95Ms",
              "latencyP99Ms",
              "ttftP95Ms",
              "sloAttainment",
              "copyHours",
              "instanceHours",
              "costUsd")) {
        assertThat(r.get(f).isNumber())
            .as("%s of %s is a number: %s", f, NAMES.get(i), r.get(f))
            .isTrue();
      }
      double p50 = r.get("latencyP50Ms").asDouble();
      double p95 = r.get("latencyP95Ms").asDouble();
      double p99 = r.get("latencyP99Ms").asDouble();
      assertThat(p50).isPositive();
      assertThat(p50).isLessThanOrEqualTo(p95);
      assertThat(p95).isLessThanOrEqualTo(p99);
      assertThat(r.get("sloAttainment").asDouble()).isBetween(0.0, 1.0);
      assertThat(r.get("scalingActions").asInt()).isNotNegative();
      double instanceHours = r.get("instanceHours").asDouble();
      // The hour and the drain after it, at least one instance held throughout.
      assertThat(instanceHours).isGreaterThanOrEqualTo(0.95);
      assertThat(r.get("copyHours").asDouble()).isPositive();
      assertThat(r.get("costUsd").asDouble()).isCloseTo(instanceHours * price, within(1e-6));
    }
    // The scheduled spec holds its eight copies through the evening peak: eight copy-hours an hour,
    // on two instances.
    JsonNode scheduled = results.get(2);
    assertThat(scheduled.get("scalingActions").asInt()).isZero();
    assertThat(scheduled.get("copyHours").asDouble())
        .isCloseTo(8 * scheduled.get("instanceHours").asDouble() / 2, within(0.05));
    assertThat(azure.out()).doesNotContain("NaN", "Infinity");
  }

  /**
   * Each result states the objective it is held to and whether it met it, the attainment of the
   * requests the model can serve, and every miss under one cause, adding up to the total; the
   * report's summary.json says the same.
   */
  @Test
  void jsonStatesTheObjectiveAndTheMissesByCause() throws Exception {
    Trace trace = Trace.azure(RepoFiles.path(AZURE), TraceLimits.DEFAULT);
    long refused = 0;
    for (int i = 0; i < trace.size(); i++) {
      // The example specs' MAX_INPUT_LENGTH and MAX_TOTAL_TOKENS.
      if (trace.promptTokens(i) > 7168 || trace.promptTokens(i) + trace.outputTokens(i) > 8192) {
        refused++;
      }
    }
    assertThat(refused).as("the Azure hour's prompts too long for the examples").isPositive();
    JsonNode summary = Json.mapper().readTree(azureReport.resolve("summary.json").toFile());
    for (int i = 0; i < 3; i++) {
      JsonNode r = azureJson.get("results").get(i);
      JsonNode o = r.get("objective");
      assertThat(o.get("source").asText()).isEqualTo("simulate");
      assertThat(o.get("ttftMs").asDouble()).isEqualTo(2000);
      assertThat(o.get("attainment").asDouble()).isEqualTo(0.99);
      double attained = o.get("attained").asDouble();
      assertThat(attained).isEqualTo(r.get("sloAttainment").asDouble());
      assertThat(o.get("met").asBoolean()).isEqualTo(attained >= 0.99);
      assertThat(o.get("met").asBoolean())
          .isEqualTo(!r.get("verdict").get("kind").asText().equals("MISSES"));
      long requests = r.get("requests").asLong();
      assertThat(o.get("servableRequests").asLong()).isEqualTo(requests - refused);
      JsonNode m = o.get("misses");
      assertThat(m.fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder(
              "tooLong",
              "noCopy",
              "riseFasterThanStartUp",
              "capacityShort",
              "timedOut",
              "modelErrors",
              "total");
      long sum = 0;
      for (String cause :
          List.of(
              "tooLong",
              "noCopy",
              "riseFasterThanStartUp",
              "capacityShort",
              "timedOut",
              "modelErrors")) {
        sum += m.get(cause).asLong();
      }
      long within = Math.round(attained * requests);
      assertThat(sum).as("causes of %s", NAMES.get(i)).isEqualTo(m.get("total").asLong());
      assertThat(sum).isEqualTo(requests - within);
      assertThat(m.get("tooLong").asLong()).isEqualTo(refused);
      assertThat(o.get("servableAttained").asDouble())
          .isCloseTo((double) within / (requests - refused), within(1e-9));
      assertThat(summary.get("results").get(i).get("objective")).isEqualTo(o);
      for (JsonNode rise : r.get("capacityRises")) {
        assertThat(rise.fieldNames())
            .toIterable()
            .containsExactly("at", "enoughAt", "metAt", "seconds");
      }
    }
  }

  /**
   * simulate --keep-world leaves each spec's world, which activities and world show answer about.
   */
  @Test
  void keptWorldsAnswerActivitiesAndWorldShow(@TempDir Path dir) throws Exception {
    Path worlds = dir.resolve("worlds");
    CliTest.Run run =
        run(
            args(
                List.of("orchestrated-high-res.yaml", "orchestrated-high-res.yaml"),
                "--trace",
                STEP,
                "--keep-world",
                worlds.toString()));
    assertThat(run.exitCode()).as(run.err()).isZero();
    Path first = worlds.resolve("sim-orchestrated.json");
    Path second = worlds.resolve("sim-orchestrated-2.json");
    assertThat(run.out())
        .contains("world (sim-orchestrated): " + first)
        .contains("world (sim-orchestrated): " + second);
    assertThat(first).isRegularFile();
    assertThat(second).isRegularFile();
    CliTest.Run activities =
        run("activities", "sim-orchestrated", "--world", first.toString(), "--json");
    assertThat(activities.exitCode()).as(activities.err()).isZero();
    JsonNode list = Json.mapper().readTree(activities.out()).get("activities");
    // The step from 1 to 12 requests/s scales out: the run's decisions are in the kept world.
    assertThat(list)
        .anySatisfy(
            a -> {
              assertThat(a.get("outcome").asText()).isEqualTo("SCALED");
              assertThat(a.get("to").asInt()).isGreaterThan(a.get("from").asInt());
            });
    CliTest.Run show = run("world", "show", "--world", first.toString());
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("sim-orchestrated");
  }

  // ------------------------------------------------------------------ 3. --report

  @Test
  void reportWritesPageChartsCsvAndSummary() throws Exception {
    assertThat(azure.err()).contains("report: " + azureReport.resolve("index.html"));
    assertThat(azure.out()).as("--json keeps stdout pure JSON").doesNotContain("report:");
    assertThat(azureReport.resolve("index.html")).isRegularFile();
    assertThat(Files.readString(azureReport.resolve("index.html")))
        .contains(NAMES.toArray(String[]::new));
    List<Path> pngs;
    try (Stream<Path> files = Files.list(azureReport)) {
      pngs = files.filter(p -> p.getFileName().toString().endsWith(".png")).toList();
    }
    assertThat(pngs).hasSizeGreaterThanOrEqualTo(3);
    for (String name : NAMES) {
      assertThat(pngs)
          .as("a chart for %s", name)
          .anyMatch(p -> p.getFileName().toString().startsWith(name));
    }
    for (Path png : pngs) {
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image).as("%s is a PNG", png).isNotNull();
      assertThat(image.getWidth()).isPositive();
    }

    JsonNode summary = Json.mapper().readTree(azureReport.resolve("summary.json").toFile());
    assertThat(summary.get("trace").asText()).contains("19,366 requests");
    assertThat(summary.get("results")).hasSize(3);

    List<Map<String, String>> rows = csv(azureReport.resolve("timeline.csv"));
    assertThat(rows.stream().map(r -> r.get("spec")).distinct().toList())
        .containsExactlyElementsOf(NAMES);
    for (int i = 0; i < 3; i++) {
      String name = NAMES.get(i);
      JsonNode result = azureJson.get("results").get(i);
      assertThat(summary.get("results").get(i).get("spec").asText()).isEqualTo(name);
      assertThat(summary.get("results").get(i).get("requests").asLong())
          .isEqualTo(result.get("requests").asLong());
      assertThat(summary.get("results").get(i).get("costUsd").asDouble())
          .isEqualTo(result.get("costUsd").asDouble());
      List<Map<String, String>> mine = rowsOf(rows, name);
      // One row a minute, no gap and no repeat, from the trace's first minute to the end of the
      // drain.
      assertThat(Instant.parse(mine.get(0).get("start"))).isEqualTo(AZURE_FIRST_MINUTE);
      for (int m = 0; m < mine.size(); m++) {
        assertThat(Instant.parse(mine.get(m).get("start")))
            .isEqualTo(AZURE_FIRST_MINUTE.plus(Duration.ofMinutes(m)));
        assertThat(mine.get(m).get("minutes")).isEqualTo("1");
      }
      // The first request arrives at 18:15:00 (--start defaults to the trace's first minute), the
      // last 58 min 22 s later.
      assertThat(mine.size()).as("minutes of %s", name).isBetween(59, 70);
      // Instance-hours are the instances held, minute by minute.
      double hours = mine.stream().mapToInt(r -> Integer.parseInt(r.get("instances"))).sum() / 60.0;
      assertThat(result.get("instanceHours").asDouble())
          .as("instance-hours of %s", name)
          .isCloseTo(hours, within(0.1));
      long arrivals = mine.stream().mapToLong(r -> Long.parseLong(r.get("arrivals"))).sum();
      long completed = mine.stream().mapToLong(r -> Long.parseLong(r.get("completed"))).sum();
      long failed = mine.stream().mapToLong(r -> Long.parseLong(r.get("failed"))).sum();
      assertThat(arrivals).isEqualTo(result.get("requests").asLong());
      assertThat(failed).isEqualTo(result.get("failedRequests").asLong());
      assertThat(completed + failed).isEqualTo(result.get("requests").asLong());
    }
    // The scheduled spec serves eight copies throughout the evening hour.
    assertThat(rowsOf(rows, "sim-scheduled"))
        .allSatisfy(r -> assertThat(r.get("desiredCopies")).isEqualTo("8"));
  }

  // ------------------------------------------------------------------ 2. the table

  @Test
  void tableShowsTheSpecsSideBySide() {
    CliTest.Run run = run(args(SPECS, "--trace", CONSTANT));
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("trace: " + CONSTANT + ": ")
        .contains("requests over 20 min");
    assertThat(lines.get(1)).isEqualTo("objective: TTFT <= 2,000 ms for 99% of requests");
    String header = lines.get(2);
    assertThat(header).startsWith(" ");
    assertThat(lines.get(3)).startsWith("verdict ");
    int a = header.indexOf(NAMES.get(0));
    int b = header.indexOf(NAMES.get(1));
    int c = header.indexOf(NAMES.get(2));
    assertThat(a).isPositive();
    assertThat(b).isGreaterThan(a);
    assertThat(c).isGreaterThan(b);
    for (String label :
        List.of(
            "requests",
            "failed requests",
            "latency p50/p95/p99",
            "TTFT p50/p95/p99",
            "SLO attainment",
            "copy-hours",
            "instance-hours",
            "cost",
            "scaling actions",
            "objective",
            "objective met",
            "attainment, requests the model can serve",
            "missed the objective",
            "  too long for the model's token limits",
            "  no copy serving",
            "  capacity short: rise faster than copies start",
            "  capacity short otherwise",
            "  timed out",
            "  model errors",
            "time to capacity")) {
      assertThat(lines).as("a row labelled %s", label).anyMatch(l -> l.startsWith(label + " "));
    }
    String requests =
        lines.stream().filter(l -> l.startsWith("requests ")).findFirst().orElseThrow();
    Matcher m = Pattern.compile("([\\d,]+)").matcher(requests);
    List<String> counts = new ArrayList<>();
    while (m.find()) {
      counts.add(m.group(1));
    }
    assertThat(counts).hasSize(3);
    assertThat(counts.get(0)).isEqualTo(counts.get(1)).isEqualTo(counts.get(2));
    // About 2 requests/s for 20 minutes.
    assertThat(Integer.parseInt(counts.get(0).replace(",", ""))).isBetween(2200, 2600);
    String cost = lines.stream().filter(l -> l.startsWith("cost ")).findFirst().orElseThrow();
    assertThat(cost.split("\\$", -1)).hasSize(4);
    assertThat(run.out()).doesNotContain("NaN").doesNotContain("report:");
  }

  // ------------------------------------------------------------------ 4. determinism

  @Test
  void aTimePerOutputTokenObjectiveIsSaidAndCountedWithTheFirstTokens() throws Exception {
    List<String> one = List.of("native-target-tracking.yaml");
    CliTest.Run ttft = run(args(one, "--trace", CONSTANT, "--json"));
    CliTest.Run both = run(args(one, "--trace", CONSTANT, "--json", "--slo-itl", "20ms"));
    assertThat(both.exitCode()).as(both.err()).isZero();
    JsonNode objective = Json.mapper().readTree(both.out()).get("objective");
    assertThat(objective.get("itlMs").asDouble()).isEqualTo(20);
    double alone =
        Json.mapper().readTree(ttft.out()).get("results").get(0).get("sloAttainment").asDouble();
    double withItl =
        Json.mapper().readTree(both.out()).get("results").get(0).get("sloAttainment").asDouble();
    assertThat(withItl).isLessThan(alone);
    CliTest.Run table = run(args(one, "--trace", CONSTANT, "--slo-itl", "20ms"));
    assertThat(table.out()).contains("(TTFT <= 2,000 ms and ITL <= 20 ms)");
    CliTest.Run zero = run(args(one, "--trace", CONSTANT, "--slo-itl", "0s"));
    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.err()).contains("--slo-itl must be above zero");
  }

  @Test
  void sameCommandSameResultAndTheSeedMatters() throws Exception {
    List<String> one = List.of("native-target-tracking.yaml");
    CliTest.Run first = run(args(one, "--trace", CONSTANT, "--json"));
    CliTest.Run second = run(args(one, "--trace", CONSTANT, "--json"));
    assertThat(first.exitCode()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    CliTest.Run seeded = run(args(one, "--trace", CONSTANT, "--json", "--seed", "2"));
    assertThat(seeded.exitCode()).isZero();
    assertThat(seeded.out()).isNotEqualTo(first.out());
    assertThat(json(seeded).get("results").get(0).get("requests").asLong())
        .isNotEqualTo(json(first).get("results").get(0).get("requests").asLong());
    // --seed 1 is the default.
    assertThat(run(args(one, "--trace", CONSTANT, "--json", "--seed", "1")).out())
        .isEqualTo(first.out());
  }

  @Test
  void azureHourIsDeterministicToo() throws Exception {
    // The same three specs on the same hour, in parallel threads: byte for byte the run of
    // @BeforeAll.
    CliTest.Run again = run(args(SPECS, "--trace", RepoFiles.path(AZURE).toString(), "--json"));
    assertThat(again.out()).isEqualTo(azure.out());
  }

  // ------------------------------------------------------------------ 5. the orchestrated spec
  // reacts

  @Test
  void orchestratedSpecScalesOutOnAStep(@TempDir Path report) throws Exception {
    CliTest.Run run =
        run(
            args(
                List.of("orchestrated-high-res.yaml"),
                "--trace",
                STEP,
                "--json",
                "--report",
                report.toString()));
    JsonNode result = json(run).get("results").get(0);
    assertThat(result.get("spec").asText()).isEqualTo("sim-orchestrated");
    assertThat(result.get("engine").asText()).contains("orchestrated");
    assertThat(result.get("scalingActions").asInt()).isGreaterThanOrEqualTo(1);
    // Its decisions are in the JSON, each from one count to another.
    JsonNode decisions = result.get("decisions");
    assertThat(decisions).isNotEmpty();
    assertThat(decisions.get(0).get("outcome").asText()).isIn("SCALED", "PENDING");
    assertThat(decisions.get(0).get("to").asInt())
        .isNotEqualTo(decisions.get(0).get("from").asInt());
    assertThat(Files.readAllLines(report.resolve("decisions.csv")))
        .hasSize(1 + decisions.size())
        .first()
        .isEqualTo("spec,at,from,to,outcome,reason");
    List<Map<String, String>> rows = csv(report.resolve("timeline.csv"));
    assertThat(rows).hasSizeGreaterThanOrEqualTo(40);
    assertThat(Instant.parse(rows.get(0).get("start"))).isEqualTo(SYNTHETIC_START);
    int[] desired = rows.stream().mapToInt(r -> Integer.parseInt(r.get("desiredCopies"))).toArray();
    int[] serving = rows.stream().mapToInt(r -> Integer.parseInt(r.get("servingCopies"))).toArray();
    int before = desired[9];
    int peak = 0;
    int peakServing = 0;
    for (int m = 10; m < 30; m++) {
      peak = Math.max(peak, desired[m]);
      peakServing = Math.max(peakServing, serving[m]);
    }
    assertThat(peak)
        .as(
            "desired copies during the step (before: %d): %s",
            before, java.util.Arrays.toString(desired))
        .isGreaterThan(before);
    assertThat(peak).isGreaterThan(2);
    assertThat(peakServing)
        .as("serving copies during the step: %s", java.util.Arrays.toString(serving))
        .isGreaterThan(serving[9]);
    // The step is where the load is: arrivals per minute rise about twelvefold.
    long baseArrivals =
        rows.subList(0, 10).stream().mapToLong(r -> Long.parseLong(r.get("arrivals"))).sum();
    long stepArrivals =
        rows.subList(10, 20).stream().mapToLong(r -> Long.parseLong(r.get("arrivals"))).sum();
    assertThat(stepArrivals).isGreaterThan(6 * baseArrivals);
  }

  @Test
  void stepFromSilenceKeepsItsStartAndDuration(@TempDir Path report) throws Exception {
    // No load before the step at 10 min and none after it ends at 15 min, 30 minutes in all.
    String trace = "synthetic:step:base=0,peak=5,at=10m,length=5m,duration=30m";
    CliTest.Run run =
        run(args(List.of("scheduled.yaml"), "--trace", trace, "--report", report.toString()));
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<Map<String, String>> rows = csv(report.resolve("timeline.csv"));
    int firstBusy = 0;
    while (Long.parseLong(rows.get(firstBusy).get("arrivals")) == 0) {
      firstBusy++;
    }
    assertThat(Instant.parse(rows.get(firstBusy).get("start")))
        .as("the step's first minute")
        .isEqualTo(SYNTHETIC_START.plus(Duration.ofMinutes(10)));
  }

  // ------------------------------------------------------------------ 6. --slo-ttft

  @Test
  void tighterSloIsAttainedLess() throws Exception {
    assertTighterSloIsAttainedLess("PT0.1S");
  }

  /** A time-to-first-token objective is naturally written in milliseconds. */
  @Test
  void sloTtftTakesMilliseconds() throws Exception {
    assertTighterSloIsAttainedLess("100ms");
  }

  void assertTighterSloIsAttainedLess(String slo) throws Exception {
    List<String> one = List.of("native-target-tracking.yaml");
    JsonNode loose = json(run(args(one, "--trace", CONSTANT, "--json"))).get("results").get(0);
    JsonNode tight =
        json(run(args(one, "--trace", CONSTANT, "--json", "--slo-ttft", slo)))
            .get("results")
            .get(0);
    assertThat(loose.get("sloTtftMs").asDouble()).isEqualTo(2000);
    assertThat(tight.get("sloTtftMs").asDouble()).isEqualTo(100);
    assertThat(tight.get("requests").asLong()).isEqualTo(loose.get("requests").asLong());
    assertThat(tight.get("latencyP95Ms").asDouble())
        .as("the objective changes no latency")
        .isEqualTo(loose.get("latencyP95Ms").asDouble());
    assertThat(tight.get("sloAttainment").asDouble())
        .isLessThan(loose.get("sloAttainment").asDouble());
  }

  // ------------------------------------------------------------------ 7. errors

  /** --report is checked before anything runs, and the error says why in the system's words. */
  @Test
  void anUnwritableReportDirectoryFailsBeforeSimulating(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    CliTest.Run run =
        run(
            args(
                SPECS,
                "--trace",
                "synthetic:constant:rate=5,duration=7d",
                "--report",
                file.resolve("report").toString()));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("--report " + file.resolve("report") + ": cannot write there: Not a directory");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void missingSpecFileIsAUsageError() {
    CliTest.Run run = run("simulate", "no-such-spec.yaml", "--trace", CONSTANT, "--no-progress");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no such file: no-such-spec.yaml");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void invalidSpecNamesTheField(@TempDir Path dir) throws Exception {
    String text =
        Files.readString(Path.of(spec("native-target-tracking.yaml")))
            .replace("  copies: 2\n", "  copies: 2\n  replicas: 3\n");
    assertThat(text).contains("replicas: 3");
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, text);
    CliTest.Run run = run("simulate", file.toString(), "--trace", CONSTANT, "--no-progress");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(file + " is not a valid spec", "component.replicas");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void specThatDoesNotFitIsRefusedByPreflight() {
    String seed = RepoFiles.path("examples/seed-llama3-8b.yaml").toString();
    CliTest.Run run =
        run(
            "simulate",
            spec("native-target-tracking.yaml"),
            seed,
            "--trace",
            CONSTANT,
            "--no-progress");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("seed-llama3-8b.yaml does not fit its instance type", "model does not fit");
    assertThat(run.out()).as("nothing simulated").isEmpty();
  }

  @Test
  void badTracesNameTheTraceOption(@TempDir Path dir) throws Exception {
    List<String> one = List.of("native-target-tracking.yaml");
    CliTest.Run missing = run(args(one, "--trace", dir.resolve("nope.csv").toString()));
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--trace", "nope.csv");

    CliTest.Run kind = run(args(one, "--trace", "synthetic:wobble:rate=2"));
    assertThat(kind.exitCode()).isEqualTo(2);
    assertThat(kind.err()).contains("--trace", "wobble");

    CliTest.Run key = run(args(one, "--trace", "synthetic:constant:rate=2,speed=3"));
    assertThat(key.exitCode()).isEqualTo(2);
    assertThat(key.err()).contains("--trace", "speed=3");

    CliTest.Run number = run(args(one, "--trace", "synthetic:constant:rate=lots,duration=10m"));
    assertThat(number.exitCode()).isEqualTo(2);
    assertThat(number.err()).contains("--trace");

    CliTest.Run zero = run(args(one, "--trace", "synthetic:constant:rate=0,duration=10m"));
    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.err()).contains("--trace");

    Path garbage = dir.resolve("garbage.csv");
    Files.writeString(
        garbage,
        "TIMESTAMP,ContextTokens,GeneratedTokens\n"
            + "2023-11-16 18:15:46.6805900,374,44\n"
            + "yesterday,1,2\n");
    CliTest.Run bad = run(args(one, "--trace", garbage.toString()));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--trace", "line 3");

    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "TIMESTAMP,ContextTokens,GeneratedTokens\n");
    CliTest.Run none = run(args(one, "--trace", empty.toString()));
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("--trace");
  }

  @Test
  void malformedServingTableIsAUsageError(@TempDir Path dir) throws Exception {
    List<String> one = List.of("native-target-tracking.yaml");
    Path table = dir.resolve("serving.csv");
    Files.writeString(
        table, "# ~550 input tokens, ~175 output tokens\nthis,is,not,the,header\n1,2,3,4,5\n");
    CliTest.Run run = run(args(one, "--trace", CONSTANT, "--serving", table.toString()));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--serving", "header");

    Path rows = dir.resolve("rows.csv");
    Files.writeString(
        rows,
        "# ~550 input tokens, ~175 output tokens\n"
            + "concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute\n"
            + "1,fast,3,4,5\n");
    CliTest.Run badRow = run(args(one, "--trace", CONSTANT, "--serving", rows.toString()));
    assertThat(badRow.exitCode()).isEqualTo(2);
    assertThat(badRow.err()).contains("--serving", "line 3");

    CliTest.Run missing =
        run(args(one, "--trace", CONSTANT, "--serving", dir.resolve("nope.csv").toString()));
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--serving", "nope.csv");
  }

  @Test
  void badRepeatAndScaleAreUsageErrors() {
    List<String> one = List.of("native-target-tracking.yaml");
    assertThat(run(args(one, "--trace", CONSTANT, "--repeat", "0")).exitCode()).isEqualTo(2);
    assertThat(run(args(one, "--trace", CONSTANT, "--scale", "0")).exitCode()).isEqualTo(2);
    assertThat(run(args(one, "--trace", CONSTANT, "--scale", "-1")).exitCode()).isEqualTo(2);
    assertThat(run(args(one, "--trace", CONSTANT, "--slo-ttft", "soon")).exitCode()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ 8. --repeat and --scale

  static final Pattern DESCRIBED =
      Pattern.compile(
          "^trace: (.*): ([\\d,]+) requests over (\\d+) min \\(([\\d.]+) requests/s\\)$",
          Pattern.MULTILINE);

  record Described(String trace, long requests, int minutes, double rate) {}

  static Described described(CliTest.Run run) {
    assertThat(run.exitCode()).as(run.err()).isZero();
    Matcher m = DESCRIBED.matcher(run.out());
    assertThat(m.find()).as("the trace line in %s", run.out()).isTrue();
    return new Described(
        m.group(1),
        Long.parseLong(m.group(2).replace(",", "")),
        Integer.parseInt(m.group(3)),
        Double.parseDouble(m.group(4)));
  }

  @Test
  void repeatDoublesTheRequestsAndScaleHalvesTheSpan(@TempDir Path dir) throws Exception {
    List<String> one = List.of("native-target-tracking.yaml");
    String trace = "synthetic:constant:rate=1,duration=20m";
    Path plainReport = dir.resolve("plain");
    Path scaledReport = dir.resolve("scaled");
    Described plain =
        described(run(args(one, "--trace", trace, "--report", plainReport.toString())));
    Described repeated = described(run(args(one, "--trace", trace, "--repeat", "2")));
    Described scaled =
        described(
            run(args(one, "--trace", trace, "--scale", "2", "--report", scaledReport.toString())));

    assertThat(plain.trace()).isEqualTo(trace);
    assertThat(plain.minutes()).isEqualTo(20);
    assertThat(repeated.trace()).isEqualTo(trace + " x2");
    assertThat(repeated.requests()).isEqualTo(2 * plain.requests());
    assertThat(repeated.minutes()).isBetween(39, 41);
    assertThat(repeated.rate()).isCloseTo(plain.rate(), within(0.05));

    assertThat(scaled.trace()).isEqualTo(trace + " at 2x rate");
    assertThat(scaled.requests()).isEqualTo(plain.requests());
    assertThat(scaled.minutes()).isEqualTo(10);
    assertThat(scaled.rate()).isCloseTo(2 * plain.rate(), within(0.05));

    int plainMinutes = csv(plainReport.resolve("timeline.csv")).size();
    int scaledMinutes = csv(scaledReport.resolve("timeline.csv")).size();
    assertThat(plainMinutes).isBetween(20, 23);
    assertThat(scaledMinutes).isBetween(10, 13);
    assertThat(plainMinutes - scaledMinutes).isBetween(9, 11);
  }

  /**
   * The orchestrated example's burst alarm needs one of its last two 10-second datapoints: it goes
   * into ALARM with the other datapoint on the good side, and must still scale (the step is sized
   * from the breaching datapoints; the per-minute tick measures the metric as it is now).
   */
  @Test
  void anAlarmOfOneOutOfTwoDatapointsScalesTheOrchestratedExample() throws Exception {
    CliTest.Run run =
        CliTest.run(
            "simulate",
            RepoFiles.path("examples/llama3-8b-orchestrated.yaml").toString(),
            "--trace",
            RepoFiles.path("examples/traces/azure-llm-conv-2023.csv").toString(),
            "--json",
            "--no-progress");
    assertThat(run.exitCode()).isZero();
    JsonNode result = Json.mapper().readTree(run.out()).get("results").get(0);
    // The Azure hour overloads its 2 starting copies from the first minute.
    assertThat(result.get("scalingActions").asInt()).isGreaterThanOrEqualTo(2);
  }
}
