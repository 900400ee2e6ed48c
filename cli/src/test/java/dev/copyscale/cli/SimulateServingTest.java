package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which serving model each spec's copies serve with, and where its figures come from: the three
 * examples of other models on other GPUs (examples/simulate/models) say so, and their figures
 * differ as the hardware says they should; a model nothing describes is refused, naming the fields
 * that would describe it; --model-config describes one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulateServingTest {
  static final String TRACE = "synthetic:constant:rate=1,duration=10m";
  static final String CALIBRATION = "calibration (bundled table llama3-8b-instruct-tgi-a10g.csv)";
  static final List<String> EXAMPLES =
      List.of("llama3-70b-p4d.yaml", "llama3-8b-g5-12xlarge.yaml", "mistral-7b-g6-12xlarge.yaml");

  CliTest.Run text;
  Map<String, JsonNode> results = new LinkedHashMap<>();

  @TempDir Path dir;

  static String example(String name) {
    return RepoFiles.path("examples/simulate/models/" + name).toString();
  }

  static String[] simulate(List<String> specs, String... rest) {
    List<String> args = new ArrayList<>(List.of("simulate"));
    args.addAll(specs);
    args.addAll(List.of("--trace", TRACE, "--no-progress"));
    args.addAll(List.of(rest));
    return args.toArray(String[]::new);
  }

  @BeforeAll
  void simulateTheExamples() throws Exception {
    List<String> specs = EXAMPLES.stream().map(SimulateServingTest::example).toList();
    text = run(simulate(specs));
    CliTest.Run json = run(simulate(specs, "--json"));
    assertThat(json.exitCode()).as(json.err()).isZero();
    for (JsonNode r : Json.mapper().readTree(json.out()).get("results")) {
      results.put(r.get("spec").asText(), r);
    }
  }

  @Test
  void eachExamplePrintsTheServingModelItUsedAndWhereItComesFrom() {
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out().lines().toList())
        .containsSubsequence(
            "serving (llama3-70b-p4d): meta-llama/Meta-Llama-3-70B-Instruct on 4 x NVIDIA A100 40"
                + " GB (NVLink)",
            "  derived from: model figures (catalog models.csv), GPU figures (NVIDIA A100"
                + " datasheet), "
                + CALIBRATION)
        .containsSubsequence(
            "serving (llama3-8b-g5): meta-llama/Meta-Llama-3-8B-Instruct on 1 x NVIDIA A10G 24 GB",
            "  derived from: model figures (catalog models.csv), GPU figures (NVIDIA A10 datasheet;"
                + " AWS G5 page), "
                + CALIBRATION)
        .containsSubsequence(
            "serving (mistral-7b-g6): mistralai/Mistral-7B-Instruct-v0.3 on 1 x NVIDIA L4 24 GB",
            "  derived from: model figures (catalog models.csv), GPU figures (NVIDIA L4 datasheet),"
                + " "
                + CALIBRATION);
    assertThat(text.out()).contains("serving model ").doesNotContain("measured table");
    assertThat(results.get("llama3-70b-p4d").get("serving").get("provenance").asText())
        .startsWith("derived from: model figures (catalog models.csv)");
  }

  /**
   * A decode step reads the weights: the L4's 300 GB/s read Mistral 7B's 14.5 GB in about 1.8 times
   * as long as the A10G's 600 GB/s read Llama 3 8B's 16.1 GB, while four A100s' 6.2 TB/s read Llama
   * 3 70B's 141 GB in about the A10G's time for the 8B (plus two all-reduces a layer over NVLink).
   * A prefill is compute: 8.8 times the 8B's FLOPs on 10 times the A10G's dense FP16 peak.
   */
  @Test
  void theirFiguresDifferAsTheHardwareSays() {
    JsonNode llama70 = results.get("llama3-70b-p4d").get("serving");
    JsonNode llama8 = results.get("llama3-8b-g5").get("serving");
    JsonNode mistral = results.get("mistral-7b-g6").get("serving");
    double itl8 = llama8.get("itlAloneMs").asDouble();
    assertThat(itl8)
        .as("16.1 GB at 88%% of 600 GB/s, plus a step's overhead")
        .isBetween(29.0, 34.0);
    assertThat(mistral.get("itlAloneMs").asDouble() / itl8).isBetween(1.6, 2.0);
    assertThat(llama70.get("itlAloneMs").asDouble() / itl8).isBetween(0.8, 1.1);
    double ttft8 = llama8.get("ttftAloneMs").asDouble();
    assertThat(llama70.get("ttftAloneMs").asDouble() / ttft8).isBetween(0.8, 1.2);
    // A request's latency is mostly its output tokens: the L4's copies are the slow ones.
    double p50Llama8 = results.get("llama3-8b-g5").get("latencyP50Ms").asDouble();
    assertThat(results.get("mistral-7b-g6").get("latencyP50Ms").asDouble())
        .isGreaterThan(1.5 * p50Llama8);
    // And what they cost: the instance types' prices, one instance each at this rate.
    assertThat(results.get("llama3-70b-p4d").get("costUsd").asDouble())
        .isGreaterThan(3 * results.get("llama3-8b-g5").get("costUsd").asDouble());
    assertThat(results.get("mistral-7b-g6").get("costUsd").asDouble())
        .isLessThan(results.get("llama3-8b-g5").get("costUsd").asDouble());
  }

  @Test
  void aModelNothingDescribesIsRefusedNamingTheFieldsThatWouldDescribeIt() throws Exception {
    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(
        unknown,
        Files.readString(Path.of(example("llama3-8b-g5-12xlarge.yaml")))
            .replace("meta-llama/Meta-Llama-3-8B-Instruct", "my-org/private-model"));
    CliTest.Run refused = run(simulate(List.of(unknown.toString())));
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .contains(unknown + ": no serving model: component.modelId: my-org/private-model")
        .contains("component.model.config")
        .contains("--model-config FILE")
        .contains("scaling.slo.servingProfile");
    assertThat(refused.out()).isEmpty();

    Path config = dir.resolve("config.json");
    Files.writeString(
        config,
        "{\"hidden_size\": 4096, \"intermediate_size\": 14336, \"max_position_embeddings\": 32768,"
            + " \"num_attention_heads\": 32, \"num_hidden_layers\": 32, \"num_key_value_heads\":"
            + " 8, \"torch_dtype\": \"bfloat16\", \"vocab_size\": 32768}");
    CliTest.Run served =
        run(simulate(List.of(unknown.toString()), "--model-config", config.toString(), "--json"));
    assertThat(served.exitCode()).as(served.err()).isZero();
    JsonNode serving = Json.mapper().readTree(served.out()).get("results").get(0).get("serving");
    assertThat(serving.get("model").asText())
        .isEqualTo("my-org/private-model on 1 x NVIDIA A10G 24 GB");
    assertThat(serving.get("provenance").asText())
        .startsWith("derived from: model figures (config.json (--model-config " + config + "))");
    // Mistral 7B v0.3's shapes on an A10G: its 14.5 GB of weights read a little faster than the
    // 8B's 16.1 GB.
    assertThat(serving.get("itlAloneMs").asDouble())
        .isLessThan(results.get("llama3-8b-g5").get("serving").get("itlAloneMs").asDouble());
  }
}
