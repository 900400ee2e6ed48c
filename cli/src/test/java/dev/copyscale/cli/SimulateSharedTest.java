package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * simulate with a spec of two components on one endpoint: each replays its own trace, each is a
 * column beside the same component alone on an endpoint of its own, and the endpoint's cost split
 * among them adds up, in the table, --json and the report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulateSharedTest {
  static final String SPEC = "examples/simulate/shared/two-models-native.yaml";
  static final String CHAT = "chat=synthetic:constant:rate=2,duration=20m";
  static final String CODE =
      "code=synthetic:bursts:base=0.2,burst=2,every=10m,length=3m,duration=20m";

  Path report;
  CliTest.Run text;
  JsonNode json;

  static String[] simulate(String... rest) {
    return simulateWith(SPEC, CHAT, CODE, rest);
  }

  /** simulate's arguments for {@code spec}, chat's and code's traces, and {@code rest}. */
  static String[] simulateWith(String spec, String chat, String code, String... rest) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "simulate",
                RepoFiles.path(spec).toString(),
                "--trace",
                chat,
                "--trace",
                code,
                "--no-progress"));
    args.addAll(List.of(rest));
    return args.toArray(String[]::new);
  }

  @BeforeAll
  void simulateTheExample(@TempDir Path dir) throws Exception {
    report = dir.resolve("report");
    text = run(simulate());
    CliTest.Run j = run(simulate("--json", "--report", report.toString()));
    assertThat(j.exitCode()).as(j.err()).isZero();
    json = Json.mapper().readTree(j.out());
  }

  @Test
  void eachComponentIsAColumnBesideItselfAlone() {
    assertThat(text.exitCode()).as(text.err()).isZero();
    List<String> columns = new ArrayList<>();
    json.get("results").forEach(r -> columns.add(r.get("spec").asText()));
    assertThat(columns)
        .containsExactly(
            "two-models/chat", "two-models/code", "two-models-chat", "two-models-code");
    // Each component replayed its own trace: 2/s for 20 minutes, and the bursts.
    assertThat(json.get("results").get(0).get("requests").asLong())
        .isEqualTo(json.get("results").get(2).get("requests").asLong())
        .isBetween(2200L, 2600L);
    assertThat(json.get("results").get(1).get("requests").asLong())
        .isEqualTo(json.get("results").get(3).get("requests").asLong())
        .isLessThan(json.get("results").get(0).get("requests").asLong());
    assertThat(json.get("trace").asText()).startsWith(CHAT + ":").contains("; " + CODE + ":");
    assertThat(text.out())
        .contains("endpoint two-models (ml.g5.12xlarge): cost per component is its share")
        .contains("shared costs ")
        .contains("objective attained, shared minus alone: chat ");
  }

  @Test
  void theComponentsAndIdleAddUpToTheEndpointAndSeparateEndpointsAreCompared() {
    JsonNode e = json.get("endpoints").get(0);
    assertThat(e.get("spec").asText()).isEqualTo("two-models");
    JsonNode shared = e.get("shared");
    double parts =
        shared.get("components").get("chat").get("usd").asDouble()
            + shared.get("components").get("code").get("usd").asDouble()
            + shared.get("idle").get("usd").asDouble();
    assertThat(parts).isCloseTo(shared.get("usd").asDouble(), within(1e-9));
    // The columns carry the same shares.
    assertThat(json.get("results").get(0).get("costUsd").asDouble())
        .isCloseTo(shared.get("components").get("chat").get("usd").asDouble(), within(1e-9));
    // Separate endpoints: one each, each with at least one instance throughout.
    assertThat(e.get("separate")).hasSize(2);
    double separate =
        e.get("separate").get(0).get("usd").asDouble()
            + e.get("separate").get(1).get("usd").asDouble();
    assertThat(e.get("separateUsd").asDouble()).isCloseTo(separate, within(1e-9));
    assertThat(e.get("costRatio").asDouble())
        .isCloseTo(shared.get("usd").asDouble() / separate, within(1e-9));
    // Two one-instance endpoints cost more than one shared instance for this light load.
    assertThat(e.get("costRatio").asDouble()).isLessThan(1);
    assertThat(e.get("attainmentPointsSharedMinusAlone").has("chat")).isTrue();
  }

  @Test
  void theReportHasTheSplitOfEveryMinuteAddingUp() throws Exception {
    assertThat(Files.readString(report.resolve("index.html")))
        .contains("Shared endpoint two-models");
    assertThat(Files.readString(report.resolve("summary.json"))).contains("\"endpoints\"");
    List<String> rows = Files.readAllLines(report.resolve("cost.csv"));
    assertThat(rows.get(0)).isEqualTo("spec,minute,component,usd,acceleratorHours");
    java.util.Map<String, BigDecimal> sum = new java.util.TreeMap<>();
    java.util.Map<String, BigDecimal> endpoint = new java.util.TreeMap<>();
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",");
      BigDecimal usd = new BigDecimal(f[3]);
      if (f[2].equals("(endpoint)")) {
        endpoint.put(f[1], usd);
      } else {
        sum.merge(f[1], usd, BigDecimal::add);
      }
    }
    assertThat(endpoint).hasSizeGreaterThan(20);
    endpoint.forEach(
        (minute, usd) -> assertThat(sum.get(minute)).as(minute).isEqualByComparingTo(usd));
  }

  /**
   * The engine slo twin of the example runs now that the arbiter grants each component's wish: both
   * components and their separate-endpoint twins are simulated, and the split still adds up.
   */
  @Test
  void theEngineSloTwinRunsEachComponentUnderTheArbiter() throws Exception {
    CliTest.Run r =
        run(
            "simulate",
            RepoFiles.path("examples/simulate/shared/two-models-slo.yaml").toString(),
            "--trace",
            CHAT,
            "--trace",
            CODE,
            "--no-progress",
            "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode slo = Json.mapper().readTree(r.out());
    assertThat(slo.get("results")).hasSize(4);
    JsonNode shared = slo.get("endpoints").get(0).get("shared");
    assertThat(
            shared.get("components").get("chat").get("usd").asDouble()
                + shared.get("components").get("code").get("usd").asDouble()
                + shared.get("idle").get("usd").asDouble())
        .isCloseTo(shared.get("usd").asDouble(), within(1e-9));
  }
}
