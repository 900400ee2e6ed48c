package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.json.Json;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import dev.copyscale.testing.RepoFiles;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copyscale profile}: the derived table against the bundled measurement (the issue's
 * acceptance), its refusals, and a measurement in the twin written as scaling.slo.servingProfile
 * reads it.
 */
class ProfileCommandTest {
  static final String LLAMA8B = "meta-llama/Meta-Llama-3-8B-Instruct";
  static final String TABLE =
      "shared/core/src/main/resources/dev/copyscale/serving/llama3-8b-instruct-tgi-a10g.csv";

  @TempDir Path dir;

  static JsonNode json(CliTest.Run run) throws Exception {
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("{");
    return Json.mapper().readTree(run.out());
  }

  /** The bundled table's rows as its CSV has them: concurrency, ttft, itl, requests per minute. */
  static List<double[]> tableRows() {
    List<double[]> rows = new ArrayList<>();
    for (String line : RepoFiles.read(TABLE).lines().toList()) {
      if (line.startsWith("#") || line.startsWith("concurrency") || line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      rows.add(
          new double[] {
            Double.parseDouble(f[0]),
            Double.parseDouble(f[1]),
            Double.parseDouble(f[3]),
            Double.parseDouble(f[4])
          });
    }
    return rows;
  }

  /** The predicted rows interpolated in log2 of the concurrency, as the tables are read. */
  static double at(JsonNode rows, String field, double concurrency) {
    double x = Math.log(concurrency) / Math.log(2);
    for (int i = 1; i < rows.size(); i++) {
      double lo = Math.log(rows.get(i - 1).get("concurrency").asDouble()) / Math.log(2);
      double hi = Math.log(rows.get(i).get("concurrency").asDouble()) / Math.log(2);
      if (x <= hi) {
        double a = rows.get(i - 1).get(field).asDouble();
        double b = rows.get(i).get(field).asDouble();
        return a + (x - lo) / (hi - lo) * (b - a);
      }
    }
    return rows.get(rows.size() - 1).get(field).asDouble();
  }

  /**
   * The issue's acceptance: for Llama 3 8B on one A10G at the bundled table's request shape, TTFT
   * and ITL at concurrency 1 and peak requests per minute within 15 % of the bundled measurements.
   * The table's peak row (nominal 32) held only about 17 requests in flight: llmperf's client ran
   * on the same 8-vCPU instance as TGI (Little's law on the row's own figures: requests a second x
   * a request's latency). The prediction is read at the concurrency the measurement really had; a
   * copy kept at 32 serves more, and the prediction says so in its own rows.
   */
  @Test
  void llama8bOnOneA10gIsWithin15PercentOfTheBundledTable() throws Exception {
    for (String instance : List.of("ml.g5.2xlarge", "ml.g5.xlarge")) {
      JsonNode p =
          json(
              run(
                  "profile",
                  "--predict",
                  "--json",
                  "--model",
                  LLAMA8B,
                  "--instance-type",
                  instance));
      assertThat(p.get("source").asText()).isEqualTo("derived");
      assertThat(p.get("gpusPerCopy").asInt()).isEqualTo(1);
      assertThat(p.get("request").get("promptTokens").asInt()).isEqualTo(550);
      assertThat(p.get("request").get("outputTokens").asInt()).isEqualTo(175);
      JsonNode rows = p.get("rows");
      assertThat(rows.get(0).get("concurrency").asInt()).isEqualTo(1);
      List<double[]> table = tableRows();
      double[] one = table.get(0);
      assertThat(rows.get(0).get("ttftMs").asDouble() / one[1] - 1)
          .as("TTFT at concurrency 1")
          .isBetween(-0.15, 0.15);
      assertThat(rows.get(0).get("latencyPerTokenMs").asDouble() / one[2] - 1)
          .as("ITL at concurrency 1 (latency over output tokens, as llmperf measured it)")
          .isBetween(-0.15, 0.15);
      double[] peak = table.stream().max((a, b) -> Double.compare(a[3], b[3])).orElseThrow();
      double inFlight = peak[3] / 60 * peak[2] * 175 / 1000;
      assertThat(inFlight).isBetween(17.0, 18.0);
      assertThat(at(rows, "requestsPerMinute", inFlight) / peak[3] - 1)
          .as("peak requests per minute, at the %.1f in flight it was measured with", inFlight)
          .isBetween(-0.15, 0.15);
      // The command sets the same figures side by side itself.
      JsonNode measured = p.get("measured");
      assertThat(measured.get("table").asText()).isEqualTo("llama3-8b-instruct-tgi-a10g.csv");
      for (JsonNode f : measured.get("figures")) {
        if (f.get("concurrency").asInt() == 1
            || f.get("concurrency").asInt() == 32
                && f.get("figure").asText().equals("requestsPerMinute")) {
          assertThat(f.get("error").asDouble()).as(f.toString()).isBetween(-0.15, 0.15);
        }
      }
      assertThat(p.get("provenance").asText())
          .isEqualTo(
              "derived from: model figures (catalog models.csv), GPU figures (NVIDIA A10"
                  + " datasheet; AWS G5 page), calibration (bundled table"
                  + " llama3-8b-instruct-tgi-a10g.csv)");
      assertThat(p.get("efficiencies").get("calibratedOn").asText())
          .isEqualTo("llama3-8b-instruct-tgi-a10g.csv");
      assertThat(p.get("kvCache").get("concurrency").asInt()).isBetween(80, 90);
    }
  }

  @Test
  void theTextSaysWhereEveryFigureComesFrom() {
    CliTest.Run run =
        run(
            "profile",
            "--predict",
            "--model",
            LLAMA8B,
            "--instance-type",
            "ml.g5.12xlarge",
            "--gpus",
            "4");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "copyscale profile --predict: "
                + LLAMA8B
                + " on 4 x NVIDIA A10G 24 GB (ml.g5.12xlarge)",
            "Provenance   derived from: model figures (catalog models.csv)",
            "Calibration  48% of peak FLOPs",
            "KV cache     the KV cache holds",
            "concurrency",
            "requests/min",
            "Warnings:",
            "tensor parallelism over PCIe: ml.g5.12xlarge has no NVLink");
    // No bundled measurement of four A10Gs per copy: nothing to set against.
    assertThat(run.out()).doesNotContain("Measured ");
  }

  @Test
  void aModelFromItsConfigJson() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("config.json"),
            new String(
                getClass()
                    .getResourceAsStream(
                        "/dev/copyscale/serving/validation/Llama-2-13b-hf.config.json")
                    .readAllBytes(),
                StandardCharsets.UTF_8));
    JsonNode p =
        json(
            run(
                "profile",
                "--predict",
                "--json",
                "--model-config",
                config.toString(),
                "--instance-type",
                "ml.g6e.xlarge",
                "--env",
                "MAX_BATCH_TOTAL_TOKENS=16000",
                "--prompt-tokens",
                "1000",
                "--output-tokens",
                "200"));
    assertThat(p.get("modelSource").asText())
        .isEqualTo("config.json (--model-config " + config + ")");
    assertThat(p.get("provenance").asText()).contains("model figures (config.json (--model-config");
    // TGI sizes a flash-attention model's batch from free memory and ignores the setting: so does
    // the prediction, and it says so.
    assertThat(p.get("kvCache").get("tokens").asInt()).isGreaterThan(16000);
    assertThat(p.get("kvCache").get("fromEnvironment").asBoolean()).isFalse();
    assertThat(p.get("warnings").get(0).asText())
        .startsWith("MAX_BATCH_TOTAL_TOKENS 16000 is not what TGI uses");
    assertThat(p.path("measured").isMissingNode() || p.get("measured").isNull())
        .as("no bundled measurement of this pair")
        .isTrue();
  }

  @Test
  void refusalsAreOneLineNamingTheOption() {
    record Refusal(List<String> args, String says) {}
    List<Refusal> refusals =
        List.of(
            new Refusal(
                List.of("--model", "acme/llm", "--instance-type", "ml.g5.2xlarge"),
                "copyscale: --model acme/llm: acme/llm is not in copyscale's catalog"),
            new Refusal(
                List.of("--model", LLAMA8B, "--instance-type", "ml.z9.huge"),
                "copyscale: --instance-type ml.z9.huge: ml.z9.huge is not in copyscale's catalog"),
            new Refusal(
                List.of("--model", LLAMA8B, "--instance-type", "ml.g5.12xlarge", "--gpus", "3"),
                "copyscale: --gpus 3: 3 does not divide ml.g5.12xlarge's 4 GPUs"),
            new Refusal(
                List.of(
                    "--model",
                    "meta-llama/Meta-Llama-3-70B-Instruct",
                    "--instance-type",
                    "ml.g5.2xlarge"),
                "copyscale: --instance-type ml.g5.2xlarge: meta-llama/Meta-Llama-3-70B-Instruct"
                    + " does not fit ml.g5.2xlarge"),
            new Refusal(
                List.of(
                    "--model",
                    LLAMA8B,
                    "--instance-type",
                    "ml.g5.2xlarge",
                    "--prompt-tokens",
                    "9000"),
                "copyscale: --prompt-tokens 9000: 9000 is more than MAX_INPUT_LENGTH 4095"),
            new Refusal(
                List.of(
                    "--model", LLAMA8B, "--instance-type", "ml.g5.2xlarge", "--env", "DTYPE=fp3"),
                "copyscale: --env: DTYPE fp3 is not one of"),
            new Refusal(
                List.of("--instance-type", "ml.g5.2xlarge"),
                "copyscale: --predict needs --model ID"),
            new Refusal(
                List.of("--model", LLAMA8B), "copyscale: --predict needs --instance-type TYPE"),
            new Refusal(
                List.of("--model", LLAMA8B, "--instance-type", "ml.g5.2xlarge", "--out", "x.csv"),
                "copyscale: --out does not go with --predict"));
    for (Refusal r : refusals) {
      List<String> args = new ArrayList<>(List.of("profile", "--predict"));
      args.addAll(r.args());
      CliTest.Run run = run(args.toArray(String[]::new));
      assertThat(run.exitCode()).as(r.says()).isEqualTo(2);
      assertThat(run.err()).as(r.says()).startsWith(r.says()).doesNotContain("Exception");
      assertThat(run.out()).isEmpty();
    }
    assertThat(run("profile", "--measure", "x", "--model", LLAMA8B).err())
        .startsWith("copyscale: --model does not go with --measure");
    assertThat(run("profile").err()).contains("--predict", "--measure");
  }

  @Test
  void completionOffersTheCatalogsModelsAndInstanceTypes() {
    CliTest.Run bash = run("completion", "bash");
    assertThat(bash.out())
        .contains("profile", "--model-config", "--instance-type", "ml.p4d.24xlarge", LLAMA8B);
  }

  /**
   * In the twin, a deployment of one copy measured at each concurrency: the table is written as the
   * bundled format, read back by the parser scaling.slo.servingProfile uses, accepted in a spec,
   * and (the twin serving with the derived model) close to the derived table at one request in
   * flight.
   */
  @Test
  void aMeasurementInTheTwinIsATableTheSpecTakes() throws Exception {
    String world = dir.resolve("world.json").toString();
    assertThat(run("world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world).exitCode())
        .isZero();
    ObjectNode event =
        (ObjectNode) Json.mapper().readTree(RepoFiles.read("events/deploy-llama3-8b.json"));
    event.put("name", "llama3-profile");
    ((ObjectNode) event.get("endpoint")).put("name", "llama3-profile");
    ((ObjectNode) event.get("endpoint")).put("instanceType", "ml.g5.2xlarge");
    ((ObjectNode) event.get("endpoint")).remove("managedInstanceScaling");
    ObjectNode component = (ObjectNode) event.get("component");
    component.put("name", "llama3-profile-ic");
    component.put("copies", 1);
    ((ObjectNode) component.get("env")).remove("MAX_BATCH_TOTAL_TOKENS");
    ((ObjectNode) component.get("resources")).put("memoryMb", 24576);
    event.set(
        "scaling",
        Json.mapper()
            .readTree(
                "{\"dimension\": \"copies\", \"minCopies\": 1, \"maxCopies\": 1, \"engine\":"
                    + " \"native\"}"));
    event.set(
        "guardrails",
        Json.mapper().readTree("{\"maxCopies\": 1, \"maxInstances\": 1, \"dryRun\": false}"));
    Path deploy = Files.writeString(dir.resolve("deploy.json"), Json.pretty(event));
    assertThat(run("invoke", "deploy", "--event", deploy.toString(), "--world", world).exitCode())
        .isZero();
    assertThat(run("world", "advance", "20m", "--world", world).exitCode()).isZero();

    Path csv = dir.resolve("out/llama3.csv");
    Path png = dir.resolve("out/llama3.png");
    JsonNode m =
        json(
            run(
                "profile",
                "--measure",
                "llama3-profile",
                "--world",
                world,
                "--concurrency",
                "1,2,4,8,16",
                "--rounds",
                "3",
                "--out",
                csv.toString(),
                "--chart",
                png.toString(),
                "--json"));
    assertThat(m.get("target").asText()).isEqualTo("twin");
    assertThat(m.get("failed").asInt()).isZero();
    assertThat(m.get("levels")).hasSize(5);
    for (JsonNode level : m.get("levels")) {
      assertThat(level.get("copies").asInt()).isEqualTo(1);
      assertThat(level.get("measured").asInt()).isEqualTo(2 * level.get("concurrency").asInt());
    }

    String written = Files.readString(csv);
    ServingProfile table =
        ServingProfile.read(
            csv.toString(), new ByteArrayInputStream(written.getBytes(StandardCharsets.UTF_8)));
    assertThat(table.concurrencies()).containsExactly(1, 2, 4, 8, 16);
    assertThat(table.referenceInputTokens()).isEqualTo(550);
    assertThat(table.referenceOutputTokens()).isEqualTo(175);
    assertThat(written).contains("measured in copyscale's twin, which serves with the derived");
    // Throughput grows with the requests in flight, time per token too.
    assertThat(table.requestsPerMinute(16)).isGreaterThan(5 * table.requestsPerMinute(1));
    assertThat(table.measuredItlMs(16)).isGreaterThan(table.measuredItlMs(1));
    // The twin serves with the derived model: one request alone is what it predicts.
    JsonNode predicted =
        json(
            run(
                "profile",
                "--predict",
                "--json",
                "--model",
                LLAMA8B,
                "--instance-type",
                "ml.g5.2xlarge",
                "--env",
                "MAX_INPUT_LENGTH=2048",
                "--env",
                "MAX_TOTAL_TOKENS=4096"));
    JsonNode one = predicted.get("rows").get(0);
    assertThat(table.ttftMs(1) / one.get("ttftMs").asDouble() - 1).isBetween(-0.1, 0.1);
    assertThat(table.measuredItlMs(1) / one.get("latencyPerTokenMs").asDouble() - 1)
        .isBetween(-0.1, 0.1);

    // The spec takes the table as scaling.slo.servingProfile.
    ObjectNode slo =
        (ObjectNode) Json.mapper().readTree(RepoFiles.read("events/deploy-llama3-8b-slo.json"));
    ((ObjectNode) slo.get("scaling").get("slo")).put("servingProfile", written);
    SpecResult parsed = SpecParser.parse(Json.pretty(slo));
    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.spec().orElseThrow().scaling().slo().orElseThrow().servingProfile())
        .contains(written);

    byte[] image = Files.readAllBytes(png);
    assertThat(image).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void measuringWhatIsNotDeployedIsRefused() {
    String world = dir.resolve("world.json").toString();
    assertThat(run("world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world).exitCode())
        .isZero();
    CliTest.Run run = run("profile", "--measure", "nothing-here", "--world", world);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("copyscale: --measure: unknown deployment \"nothing-here\"");
    CliTest.Run chart =
        run("profile", "--measure", "nothing-here", "--world", world, "--chart", "x.gif");
    assertThat(chart.err()).startsWith("copyscale: --chart x.gif: give a .svg or .png file");
    CliTest.Run one =
        run("profile", "--measure", "nothing-here", "--world", world, "--concurrency", "4");
    assertThat(one.err()).startsWith("copyscale: --concurrency needs at least two levels");
    CliTest.Run down =
        run("profile", "--measure", "nothing-here", "--world", world, "--concurrency", "4,2");
    assertThat(down.err()).startsWith("copyscale: --concurrency must increase");
  }
}
