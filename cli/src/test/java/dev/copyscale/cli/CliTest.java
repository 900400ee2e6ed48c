package dev.copyscale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a user meets it: output, JSON shape and exit codes. */
class CliTest {
  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    return run(Path.of(""), args);
  }

  /** As if copyscale were started in {@code workingDir}. */
  static Run run(Path workingDir, String... args) {
    CommandLine cli = Main.commandLine(workingDir);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static String example(String name) {
    return RepoFiles.path("examples/" + name).toString();
  }

  @Test
  void helpListsEveryCommand() {
    Run run = run("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "demo", "preflight", "catalog", "invoke", "world", "activities", "completion", "help");
  }

  /**
   * Every command's help renders as written: picocli formats descriptions, and a lone "%" in one
   * makes it warn on stderr and print the raw text.
   */
  @Test
  void everyCommandsHelpRendersWithoutPicocliWarnings() {
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      java.util.ArrayDeque<CommandLine> commands = new java.util.ArrayDeque<>();
      commands.add(Main.commandLine());
      int rendered = 0;
      while (!commands.isEmpty()) {
        CommandLine c = commands.poll();
        assertThat(c.getUsageMessage(CommandLine.Help.Ansi.OFF)).isNotBlank();
        rendered++;
        commands.addAll(c.getSubcommands().values());
      }
      assertThat(rendered).isGreaterThan(10);
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("picocli WARN");
  }

  /** Shell completion comes from the commands themselves, for bash and for zsh. */
  @Test
  void completionScriptsCompleteTheCommandsAndTheirOptions() {
    Run bash = run("completion", "bash");
    assertThat(bash.exitCode()).isZero();
    assertThat(bash.out())
        .contains("complete -F _complete_copyscale", "simulate", "activities", "--slo-attainment");
    Run zsh = run("completion", "zsh");
    assertThat(zsh.exitCode()).isZero();
    assertThat(zsh.out()).startsWith("#compdef copyscale\n").contains("bashcompinit", "simulate");
    assertThat(run("completion", "fish").exitCode()).isEqualTo(2);
  }

  /**
   * picocli lists a command by description[0] alone: each must be a whole sentence, not a
   * paragraph's first line.
   */
  @Test
  void helpSummarizesEachCommandInOneWholeSentence() {
    assertWholeSentences(Main.commandLine(), run("--help").out());
    assertWholeSentences(
        Main.commandLine().getSubcommands().get("world"), run("world", "--help").out());
  }

  static void assertWholeSentences(CommandLine parent, String help) {
    // Under "Commands:", an entry is "  name  summary" and its wrapped lines are indented further.
    Map<String, String> listed = new LinkedHashMap<>();
    String current = null;
    for (String line :
        help.substring(help.indexOf("Commands:\n") + "Commands:\n".length()).split("\n")) {
      if (line.matches("  \\S.*")) {
        String[] nameAndSummary = line.trim().split("\\s+", 2);
        current = nameAndSummary[0];
        listed.put(current, nameAndSummary[1]);
      } else if (current != null && !line.isBlank()) {
        listed.merge(current, line.trim(), (a, b) -> a + " " + b);
      }
    }
    assertThat(listed.keySet()).containsExactlyElementsOf(parent.getSubcommands().keySet());
    listed.forEach(
        (name, summary) -> {
          // The header's first line when there is one (picocli's own help command), else
          // description[0], whole.
          CommandLine.Model.UsageMessageSpec usage =
              parent.getSubcommands().get(name).getCommandSpec().usageMessage();
          String whole = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
          assertThat(summary).as(name).endsWith(".").doesNotContain(". ").isEqualTo(whole);
        });
  }

  @Test
  void versionIsPrinted() {
    Run run = run("--version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("copyscale ");
  }

  @Test
  void seedFailsPreflightWithSuggestions() throws Exception {
    Run run = run("preflight", example("seed-llama3-8b.yaml"), "--json");
    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode report = Json.mapper().readTree(run.out());
    assertThat(report.get("fits").asBoolean()).isFalse();
    assertThat(report.get("problems").get(0).asText())
        .contains("model does not fit")
        .contains("V100");
    assertThat(report.get("suggestedInstanceTypes")).isNotEmpty();
    assertThat(report.get("suggestedInstanceTypes").get(0).has("instanceType")).isTrue();
  }

  @Test
  void fittingExamplePasses() {
    Run run = run("preflight", example("llama3-8b.yaml"));
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("ml.g5.12xlarge", "copies per instance   4", "Result: FITS");
  }

  /**
   * preflight --trace counts the requests the spec's token limits refuse, by the same rule as the
   * twin's TGI, and warns with the share; a trace they all fit gives no warning.
   */
  @Test
  void preflightWithATraceWarnsWhichShareTheTokenLimitsRefuse() throws Exception {
    String azure =
        dev.copyscale.testing.RepoFiles.path("examples/traces/azure-llm-conv-2023.csv").toString();
    dev.copyscale.twin.traffic.Trace trace =
        dev.copyscale.twin.traffic.Trace.azure(
            java.nio.file.Path.of(azure), dev.copyscale.twin.traffic.TraceLimits.DEFAULT);
    long overInput = 0;
    long overTotal = 0;
    for (int i = 0; i < trace.size(); i++) {
      if (trace.promptTokens(i) > 2048) {
        overInput++;
      } else if (trace.promptTokens(i) + trace.outputTokens(i) > 4096) {
        overTotal++;
      }
    }
    Run run = run("preflight", example("llama3-8b.yaml"), "--trace", azure, "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode t = Json.mapper().readTree(run.out()).get("trace");
    assertThat(t.get("requests").asLong()).isEqualTo(trace.size());
    assertThat(t.get("maxInputTokens").asInt()).isEqualTo(2048);
    assertThat(t.get("maxTotalTokens").asInt()).isEqualTo(4096);
    assertThat(t.get("inputTooLong").asLong()).isEqualTo(overInput).isPositive();
    assertThat(t.get("totalTooLong").asLong()).isEqualTo(overTotal);
    Run human = run("preflight", example("llama3-8b.yaml"), "--trace", azure);
    assertThat(human.exitCode()).isZero();
    assertThat(human.out())
        .contains(
            String.format(
                java.util.Locale.ROOT,
                "the token limits refuse %,d of the %,d requests",
                overInput + overTotal,
                trace.size()))
        .contains("MAX_INPUT_LENGTH 2,048", "MAX_TOTAL_TOKENS 4,096", "Result: FITS");
    // A synthetic trace, as simulate draws it; a trace whose requests all fit gives no warning.
    Run synthetic =
        run(
            "preflight",
            example("llama3-8b.yaml"),
            "--trace",
            "synthetic:constant:rate=1,duration=10m",
            "--json");
    assertThat(synthetic.exitCode()).isZero();
    JsonNode drawn = Json.mapper().readTree(synthetic.out());
    assertThat(drawn.get("trace").get("requests").asLong()).isBetween(500L, 700L);
    long refused =
        drawn.get("trace").get("inputTooLong").asLong()
            + drawn.get("trace").get("totalTooLong").asLong();
    assertThat(drawn.get("warnings").toString().contains("the token limits refuse"))
        .isEqualTo(refused > 0);
  }

  @Test
  void humanOutputOfTheSeedNamesTheProblemAndTheSuggestions() {
    Run run = run("preflight", example("seed-llama3-8b.yaml"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("DOES NOT FIT", "Suggested instance types", "Problems:");
  }

  @Test
  void invalidSpecExitsOneWithFieldPaths() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("spec", ".yaml");
    java.nio.file.Files.writeString(file, "apiVersion: copyscale/v1\nname: x\nendpoint: {}\n");
    Run run = run("preflight", file.toString(), "--json");
    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode report = Json.mapper().readTree(run.out());
    assertThat(report.get("fits").asBoolean()).isFalse();
    assertThat(report.get("problems").toString())
        .contains("endpoint.name: is required", "executionRoleArn: is required");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("preflight", "no/such/spec.yaml").exitCode()).isEqualTo(2);
    assertThat(run("preflight", example("llama3-8b.yaml"), "--no-such-option").exitCode())
        .isEqualTo(2);
    assertThat(run("preflight").exitCode()).isEqualTo(2);
    assertThat(run("preflight", "no/such/spec.yaml").err())
        .contains("no such file: no/such/spec.yaml");
  }

  @Test
  void catalogListsInstanceTypesAndModels() throws Exception {
    Run run = run("catalog", "--json");
    assertThat(run.exitCode()).isZero();
    JsonNode catalog = Json.mapper().readTree(run.out());
    assertThat(catalog.get("instanceTypes")).isNotEmpty();
    assertThat(catalog.get("models").toString()).contains("meta-llama/Meta-Llama-3-8B-Instruct");
    assertThat(catalog.get("accelerators").toString())
        .contains("NVIDIA A10G", "denseFp16Tflops", "memoryBandwidthGBs", "PCIE", "NVLINK");
    assertThat(run("catalog").out()).contains("FP16 TFLOPS", "NVIDIA H100", "NVLink 900 GB/s");
  }
}
