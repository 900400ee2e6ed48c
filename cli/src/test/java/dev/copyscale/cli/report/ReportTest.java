package dev.copyscale.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.cli.Main;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.sim.CapacityRise;
import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.sim.Input.Provenance;
import dev.copyscale.twin.sim.MinutePoint;
import dev.copyscale.twin.sim.Misses;
import dev.copyscale.twin.sim.ObjectiveOutcome;
import dev.copyscale.twin.sim.ServingSummary;
import dev.copyscale.twin.sim.SimulationResult;
import dev.copyscale.twin.sim.Summary;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The report's files from synthetic results: two specs, 120 minutes, NaN gaps, every provenance.
 */
class ReportTest {
  static final Instant START = Instant.parse("2024-05-01T11:47:00Z");
  static final int MINUTES = 120;

  static SimulationResult result(String spec, int lagMinutes, boolean failing) {
    return result(spec, lagMinutes, failing, START, MINUTES);
  }

  static SimulationResult result(
      String spec, int lagMinutes, boolean failing, Instant start, int minutes) {
    List<MinutePoint> timeline = new ArrayList<>();
    int desired = 1;
    int serving = 1;
    for (int m = 0; m < minutes; m++) {
      long arrivals =
          m < 10 || (m >= 100 && m < 105)
              ? 0
              : (long) (60 + 50 * Math.sin(m / 12.0) + (m > 40 && m < 70 ? 120 : 0));
      int need = (int) Math.max(1, Math.ceil(arrivals / 60.0));
      desired = need;
      serving = m % lagMinutes == 0 ? desired : serving;
      long failed = failing && serving < need ? (need - serving) * 7L : 0;
      long completed = arrivals - failed;
      double p50 =
          completed == 0 ? Double.NaN : 800 + 40 * (need - serving) + 20 * Math.sin(m / 3.0);
      double p95 = completed == 0 ? Double.NaN : p50 * (serving < need ? 6 : 1.8);
      double ttft = completed == 0 ? Double.NaN : p95 * 0.3;
      timeline.add(
          new MinutePoint(
              start.plusSeconds(60L * m),
              arrivals,
              completed,
              failed,
              desired,
              serving,
              (serving + 1) / 2,
              arrivals / 60.0 / serving,
              p50,
              p95,
              ttft,
              failed + (serving < need ? 5 : 0)));
    }
    Map<String, Long> failures = new LinkedHashMap<>();
    if (failing) {
      failures.put("ModelError: timeout", 311L);
      failures.put("ThrottlingException <429>", 17L);
    }
    Summary summary =
        new Summary(
            spec,
            "examples/" + spec + ".yaml",
            failing ? "native" : "orchestrated",
            "ml.g5.2xlarge",
            12_345,
            failing ? 328 : 0,
            failures,
            912.4,
            4_321.9,
            9_876.5,
            210,
            1_200,
            Double.NaN,
            2_000,
            0,
            failing ? 0.873 : 0.991,
            10.25,
            5.5,
            8.31,
            failing ? 14 : 9,
            List.of(
                new CapacityRise(
                    START.plusSeconds(2400),
                    START.plusSeconds(2400 + 60L * lagMinutes),
                    START.plusSeconds(2460 + 60L * lagMinutes),
                    60.0 * lagMinutes + 60),
                new CapacityRise(START.plusSeconds(6000), null, null, Double.NaN)),
            60.0 * lagMinutes,
            failing ? Double.NaN : 60.0 * lagMinutes,
            new ServingSummary(
                "meta-llama/Meta-Llama-3-8B-Instruct on 1 x NVIDIA A10G 24 GB",
                "derived from: model figures <catalog>, GPU figures (datasheet), calibration"
                    + " (table)",
                1366,
                240,
                380,
                31.6,
                22,
                1.4),
            objective(failing));
    List<Input> inputs =
        List.of(
            new Input(
                "tokens per second per copy",
                "1,850",
                Provenance.MEASURED,
                "serving table <row 12>"),
            new Input("target value", "4 & up", Provenance.SPEC, "examples/" + spec + ".yaml"),
            new Input("copy start time", "95 s", Provenance.ASSUMED, "--copy-start-seconds"));
    return new SimulationResult(summary, timeline, inputs);
  }

  /**
   * The objective a spec stated and what came of it: 12,345 requests, of which 87.3 % (failing) or
   * 99.1 % met it; the misses by cause add up to the rest.
   */
  static ObjectiveOutcome objective(boolean failing) {
    Misses misses =
        failing ? new Misses(100, 0, 700, 440, 311, 17) : new Misses(60, 0, 40, 11, 0, 0);
    long within = 12_345 - misses.total();
    return new ObjectiveOutcome(
        failing ? "simulate" : "scaling.slo",
        2_000,
        0,
        0.99,
        within / 12_345.0,
        12_345 - misses.tooLong(),
        within / (12_345.0 - misses.tooLong()),
        !failing,
        misses);
  }

  static List<SimulationResult> results() {
    return List.of(result("native step/policy", 7, true), result("orchestrated", 2, false));
  }

  @Test
  void writesAllFiles(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("nested/report");
    Report.write(out, "synthetic <trace> & 120 minutes", results());

    for (String file : List.of("index.html", "timeline.csv", "summary.json")) {
      assertThat(out.resolve(file)).isRegularFile();
    }
    for (String spec : List.of("native_step_policy", "orchestrated")) {
      for (String kind : Report.KINDS) {
        assertThat(out.resolve(spec + "-" + kind + ".png")).isRegularFile();
      }
    }
  }

  @Test
  void htmlIsSelfContainedWithChartsAndValues(@TempDir Path dir) throws Exception {
    Report.write(dir, "synthetic <trace> & 120 minutes", results());
    String html = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);

    assertThat(html)
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("@import");
    Matcher refs = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
    while (refs.find()) {
      assertThat(refs.group(1)).doesNotContain("//").doesNotContain(":");
    }
    assertThat(Pattern.compile("<svg class=\"chart\"").matcher(html).results().count())
        .isEqualTo(2 * Report.KINDS.size());
    assertThat(html).containsOnlyOnce("<svg class=\"tradeoff\"");
    assertThat(html)
        .contains("synthetic &lt;trace&gt; &amp; 120 minutes")
        .doesNotContain("<trace>")
        .contains(
            "12,345",
            "328",
            "912 ms",
            "4,322 ms",
            "9,877 ms",
            "87.30%",
            "99.10%",
            "TTFT &lt;= 2,000 ms")
        .contains(
            "<th scope=\"row\">ModelError: timeout</th><td>311 (2.52%)</td>",
            "ThrottlingException &lt;429&gt;</th><td>17 (0.14%)</td><td>0</td>")
        .contains(
            "10.25",
            "5.50",
            "$8.31",
            "7 min / -",
            "2 min / 2 min",
            "2 (1 never met the objective again)")
        // The objective each spec is held to, met or not, and the misses by cause.
        .contains(
            "<th scope=\"row\">objective</th><td>TTFT &lt;= 2,000 ms for 99%</td>"
                + "<td>TTFT &lt;= 2,000 ms for 99% (scaling.slo)</td>",
            "<th scope=\"row\">objective met</th><td>no: 87.30%</td><td>yes: 99.10%</td>",
            "<th scope=\"row\">missed the objective</th><td>1,568 (12.70%)</td><td>111 (0.90%)",
            "too long for the model&#39;s token limits</th><td>100 (0.81%)</td><td>60 (0.49%)",
            "capacity short: rise faster than copies start</th><td>700 (5.67%)</td>",
            "<th scope=\"row\">timed out</th><td>311 (2.52%)</td><td>0</td>",
            "its objective, TTFT &lt;= 2,000 ms for 99% (scaling.slo), met")
        // Both specs meet 87%? No: 99% is the objective; one meets it, and is the best.
        .contains("<tr class=\"verdict\"><th scope=\"row\">verdict</th>")
        .contains("misses 99%: 87.30%", "best: cheapest to meet 99%")
        .contains("Measured and assumed inputs", "MEASURED", "SPEC", "ASSUMED")
        // Listed once: the same figure of both specs is one row, naming who has which value.
        .containsOnlyOnce("<td>tokens per second per copy</td>")
        .contains(
            "4 &amp; up</td><td>examples/native step/policy.yaml<br>examples/orchestrated.yaml")
        .contains("serving table &lt;row 12&gt;", "4 &amp; up", "--copy-start-seconds")
        .contains("href=\"native_step_policy-latency.png\"");
    // The y scales are shared: both specs' load charts carry the same tick labels.
    String[] panels = html.split("<section class=\"panel\">");
    assertThat(panels).hasSize(3);
    assertThat(yTickLabels(panels[1])).isEqualTo(yTickLabels(panels[2]));
    // The trade-off chart: a point per configuration, the best ringed.
    assertThat(Pattern.compile("<circle class=\"config").matcher(html).results().count())
        .isEqualTo(2);
    assertThat(html).containsOnlyOnce("<circle class=\"config best\"");
  }

  private static List<String> yTickLabels(String panel) {
    List<String> labels = new ArrayList<>();
    Matcher m = Pattern.compile("text-anchor=\"end\">([^<]*)<").matcher(panel);
    while (m.find()) {
      labels.add(m.group(1));
    }
    return labels;
  }

  @Test
  void pngsDecodeAtTheirSizeAndAreDrawn(@TempDir Path dir) throws Exception {
    Report.write(dir, "synthetic", results());
    for (String kind : Report.KINDS) {
      BufferedImage image = ImageIO.read(dir.resolve("orchestrated-" + kind + ".png").toFile());
      assertThat(image).isNotNull();
      assertThat(image.getWidth()).isEqualTo(Chart.WIDTH * Report.PNG_SCALE);
      assertThat(image.getHeight()).isEqualTo(Chart.HEIGHT * Report.PNG_SCALE);
      int background = image.getRGB(0, 0);
      long drawn = 0;
      long coloured = 0;
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int rgb = image.getRGB(x, y);
          drawn += rgb != background ? 1 : 0;
          int r = (rgb >> 16) & 0xff;
          int g = (rgb >> 8) & 0xff;
          int b = rgb & 0xff;
          coloured += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 ? 1 : 0;
        }
      }
      assertThat(drawn).as(kind + " drawn pixels").isGreaterThan(2_000);
      assertThat(coloured).as(kind + " series pixels").isGreaterThan(500);
    }
  }

  @Test
  void csvHasAHeaderAndARowPerSpecPerMinute(@TempDir Path dir) throws Exception {
    Report.write(dir, "synthetic", results());
    List<String> lines = Files.readAllLines(dir.resolve("timeline.csv"), StandardCharsets.UTF_8);
    assertThat(lines.get(0))
        .isEqualTo(
            "spec,start,minutes,arrivals,completed,failed,desiredCopies,servingCopies,instances,"
                + "concurrencyPerCopy,latencyP50Ms,latencyP95Ms,ttftP95Ms,missedObjective");
    assertThat(lines).hasSize(1 + 2 * MINUTES);
    assertThat(lines.get(1))
        .isEqualTo("native step/policy,2024-05-01T11:47:00Z,1,0,0,0,1,1,1,0,,,,0");
    assertThat(lines.get(1).split(",", -1)).hasSize(14);
    // The requests that missed the objective, minute by minute, as the timeline has them.
    long missed = 0;
    for (String line : lines.subList(1, 1 + MINUTES)) {
      missed += Long.parseLong(line.substring(line.lastIndexOf(',') + 1));
    }
    assertThat(missed)
        .isEqualTo(
            results().get(0).timeline().stream().mapToLong(MinutePoint::missedObjective).sum())
        .isPositive();
    assertThat(lines.get(1 + MINUTES)).startsWith("orchestrated,");
  }

  @Test
  void summaryJsonParsesWithNullForNaN(@TempDir Path dir) throws Exception {
    Report.write(dir, "synthetic", results());
    String json = Files.readString(dir.resolve("summary.json"));
    assertThat(json).doesNotContain("NaN");
    JsonNode root = Json.mapper().readTree(json);
    assertThat(root.path("trace").asText()).isEqualTo("synthetic");
    assertThat(root.path("results")).hasSize(2);
    JsonNode first = root.path("results").get(0);
    assertThat(first.path("spec").asText()).isEqualTo("native step/policy");
    assertThat(first.path("requests").asLong()).isEqualTo(12_345);
    assertThat(first.has("ttftP99Ms")).isTrue();
    assertThat(first.path("ttftP99Ms").isNull()).isTrue();
    assertThat(first.path("capacityRises").get(0).path("at").asText())
        .isEqualTo("2024-05-01T12:27:00Z");
    assertThat(first.path("inputs")).hasSize(3);
    // The objective the spec is held to, whether it met it, and the misses by cause with their
    // total.
    JsonNode objective = first.path("objective");
    assertThat(objective.path("source").asText()).isEqualTo("simulate");
    assertThat(objective.path("met").asBoolean()).isFalse();
    assertThat(objective.path("servableRequests").asLong()).isEqualTo(12_245);
    JsonNode misses = objective.path("misses");
    assertThat(misses.path("tooLong").asLong()).isEqualTo(100);
    assertThat(misses.path("riseFasterThanStartUp").asLong()).isEqualTo(700);
    assertThat(misses.path("capacityShort").asLong()).isEqualTo(440);
    assertThat(misses.path("timedOut").asLong()).isEqualTo(311);
    assertThat(misses.path("modelErrors").asLong()).isEqualTo(17);
    assertThat(misses.path("noCopy").asLong()).isZero();
    assertThat(misses.path("total").asLong()).isEqualTo(1_568);
    assertThat(first.path("capacityRises").get(0).path("metAt").asText())
        .isEqualTo("2024-05-01T12:35:00Z");
    assertThat(root.path("results").get(1).path("objective").path("source").asText())
        .isEqualTo("scaling.slo");
    assertThat(first.path("inputs").get(2).path("provenance").asText()).isEqualTo("ASSUMED");
  }

  @Test
  void longAndShortTracesGetSensibleTicks() {
    Chart.Axis y = Chart.Axis.linear(1, true, "count");
    Chart twoDays =
        new Chart("t", Instant.parse("2024-05-01T22:10:00Z"), 2 * 1440, y, List.of(), List.of());
    assertThat(twoDays.xTicks()).hasSizeBetween(3, 8).allMatch(m -> (m + 22 * 60 + 10) % 360 == 0);
    Chart fiveMinutes = new Chart("t", START, 5, y, List.of(), List.of());
    assertThat(fiveMinutes.xTicks()).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(y.ticks()).containsExactly(0.0, 1.0);
    assertThat(Chart.Axis.log(150, 9_000, "ms", Report::duration).ticks())
        .containsExactly(100.0, 200.0, 500.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0);
    assertThat(Chart.Axis.log(15, 90_000, "ms", Report::duration).ticks())
        .containsExactly(10.0, 100.0, 1_000.0, 10_000.0, 100_000.0);
  }

  @Test
  void copesWithNoResultsAndClashingNames(@TempDir Path dir) throws Exception {
    Report.write(dir.resolve("empty"), "nothing", List.of());
    assertThat(dir.resolve("empty/index.html")).isRegularFile();
    assertThat(
            Report.fileNames(
                List.of(result("a b", 2, false), result("a/b", 2, false), result("..", 2, false))))
        .containsExactly("a_b", "a_b-2", "spec");
  }

  /**
   * An slo run's decisions are on its load chart (a tick each, the reason as its tooltip) and in a
   * table under its charts; native target tracking's spec, which copyscale does not decide for, has
   * neither and says who decides.
   */
  @Test
  void marksAndListsEngineSloDecisions(@TempDir Path dir) throws Exception {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "simulate",
            RepoFiles.path("examples/simulate/slo.yaml").toString(),
            RepoFiles.path("examples/simulate/native-target-tracking.yaml").toString(),
            "--trace",
            "synthetic:step:base=1,peak=10,at=5m,length=10m,duration=30m",
            "--no-progress",
            "--report",
            dir.toString());
    assertThat(code).as(err.toString()).isZero();
    String html = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);
    // Offline: no script, nothing loaded from elsewhere (the inputs' sources name web pages only as
    // text).
    assertThat(html).doesNotContain("<script").doesNotContain("<link");
    assertThat(Pattern.compile("(?:src|href)\\s*=\\s*\"[^\"]*(?://|:)").matcher(html).find())
        .isFalse();
    String[] panels =
        html.substring(0, html.indexOf("Measured and assumed inputs"))
            .split("<section class=\"panel\">");
    assertThat(panels).hasSize(3);
    String slo = panels[1];
    String nativeTt = panels[2];
    assertThat(slo).contains("<h3>sim-slo</h3>");

    List<String> svgs =
        Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL)
            .matcher(slo)
            .results()
            .map(m -> m.group())
            .toList();
    assertThat(svgs).hasSize(Report.KINDS.size());
    Matcher tick =
        Pattern.compile("<line class=\"decision\"[^>]*><title>([^<]*)</title></line>")
            .matcher(svgs.get(0));
    List<String> tooltips = new ArrayList<>();
    while (tick.find()) {
      tooltips.add(tick.group(1));
    }
    assertThat(tooltips).as("ticks on the load chart").isNotEmpty();
    assertThat(tooltips.get(0)).contains(" → ", "SCALED", "TTFT");
    assertThat(svgs.get(1) + svgs.get(2))
        .as("ticks only on the load chart")
        .doesNotContain("class=\"decision\"");

    assertThat(slo)
        .contains("<table class=\"decisions\">", "<th>from → to</th>", "<th>reason</th>");
    String table =
        slo.substring(
            slo.indexOf("<table class=\"decisions\">"),
            slo.indexOf("</table>", slo.indexOf("<table class=\"decisions\">")));
    long rows = Pattern.compile("<tr><td class=\"when\">").matcher(table).results().count();
    assertThat(rows).as("a row per tick").isEqualTo(tooltips.size());
    // The step at 5 min brings more copies: the first decision in the run adds capacity.
    Matcher change = Pattern.compile("<td class=\"change\">(\\d+) → (\\d+)</td>").matcher(table);
    assertThat(change.find()).isTrue();
    assertThat(Integer.parseInt(change.group(2))).isGreaterThan(Integer.parseInt(change.group(1)));

    // Native target tracking's decisions are Application Auto Scaling's activities, on its chart
    // too.
    assertThat(nativeTt)
        .contains(
            "class=\"decision\"", "<table class=\"decisions\">", "by Application Auto Scaling");
  }

  /** Given no decisions for a spec, the report says so: no ticks, no table. */
  @Test
  void specWithoutDecisionsHasNone(@TempDir Path dir) throws Exception {
    Instant at = START.plusSeconds(60L * 45 + 20);
    Report.write(
        dir,
        "synthetic",
        Objective.DEFAULT,
        results(),
        List.of(
            new Decisions(List.of()),
            new Decisions(
                List.of(
                    new Decision(
                        at, 2, 4, "SCALED", "alarm out in state ALARM <high> & rising")))));
    String html = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);
    String[] panels = html.split("<section class=\"panel\">");
    assertThat(panels[1])
        .doesNotContain("class=\"decision\"")
        .doesNotContain("<table class=\"decisions\">")
        .contains("No scaling decision changed capacity");
    assertThat(panels[2])
        .containsOnlyOnce("<line class=\"decision\"")
        .contains(
            "<title>2024-05-01 12:32:20 UTC: 2 → 4 (SCALED): alarm out in state ALARM &lt;high&gt;"
                + " &amp; rising</title>")
        .contains(
            "<td class=\"when\">2024-05-01 12:32:20</td><td class=\"change\">2 →"
                + " 4</td><td>SCALED</td>");
    // Without decisions at all (the three-argument write), nothing about them.
    Report.write(dir.resolve("plain"), "synthetic", results());
    assertThat(Files.readString(dir.resolve("plain/index.html"), StandardCharsets.UTF_8))
        .doesNotContain("class=\"decision")
        .doesNotContain("scaling decision");
  }

  /** A report written over an older one leaves none of the older one's files, and only those. */
  @Test
  void aRewriteRemovesItsOwnStaleFilesOnly(@TempDir Path dir) throws Exception {
    Report.write(dir, "first", results());
    assertThat(dir.resolve("orchestrated-load.png")).isRegularFile();
    Files.writeString(dir.resolve("notes.txt"), "mine");
    Report.write(dir, "second", List.of(result("other", 3, false)));
    assertThat(dir.resolve("orchestrated-load.png")).doesNotExist();
    assertThat(dir.resolve("native_step_policy-copies.png")).doesNotExist();
    assertThat(dir.resolve("other-load.png")).isRegularFile();
    assertThat(dir.resolve("notes.txt")).hasContent("mine");
  }

  /**
   * Beyond a day the charts and the CSV take coarser steps and say so: a week has a point every 10
   * minutes, counts summed, copies the highest; the x axis counts days and hours.
   */
  @Test
  void aWeekIsAggregatedAndSaysHow(@TempDir Path dir) throws Exception {
    int minutes = 7 * 1440;
    SimulationResult week = result("week", 5, true, START, minutes);
    Report.write(dir, "a week", List.of(week));
    List<String> csv = Files.readAllLines(dir.resolve("timeline.csv"), StandardCharsets.UTF_8);
    assertThat(csv).hasSize(1 + minutes / 10);
    long arrivals = week.timeline().stream().mapToLong(MinutePoint::arrivals).sum();
    assertThat(
            csv.subList(1, csv.size()).stream()
                .mapToLong(l -> Long.parseLong(l.split(",")[3]))
                .sum())
        .isEqualTo(arrivals);
    int firstDesired =
        week.timeline().subList(0, 10).stream()
            .mapToInt(MinutePoint::desiredCopies)
            .max()
            .orElseThrow();
    assertThat(csv.get(1)).startsWith("week,2024-05-01T11:47:00Z,10,");
    assertThat(csv.get(1).split(",")[6]).isEqualTo(Integer.toString(firstDesired));
    String html = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);
    assertThat(html)
        .contains("a point per 10 min (requests per minute averaged over it)")
        .contains("each point sums up 10 min")
        .containsPattern(">\\+\\d+ d( \\d+ h)?</text>")
        .doesNotContainPattern(">\\+\\d+h\\d*m?</text>");
  }

  /** Renders the sample for a look: {@code -Dreport.sample=/tmp/report-sample}. */
  @Test
  void writesSampleWhenAsked() {
    String sample = System.getProperty("report.sample");
    if (sample != null && !sample.isBlank()) {
      Report.write(
          Path.of(sample),
          "synthetic trace: 120 minutes, a burst at 40-70 min, idle at 0-10 and 100-105 min",
          results());
      Instant evening = Instant.parse("2024-05-01T22:10:00Z");
      Report.write(
          Path.of(sample, "long"), "two days", List.of(result("a", 5, true, evening, 2 * 1440)));
      Report.write(
          Path.of(sample, "short"), "five minutes", List.of(result("b", 2, false, START, 5)));
    }
  }
}
