package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the README promises is what the commands print: its outputs are checked verbatim. */
class ReadmeTest {
  static final String MAIN_COMMAND =
      "./mvnw -B -q package -DskipTests && java -jar cli/target/copyscale.jar simulate"
          + " examples/simulate/*.yaml --report target/report";

  @TempDir Path dir;

  static String readme() throws IOException {
    return Files.readString(RepoFiles.path("README.md"));
  }

  /** The first fenced block after {@code marker}, without its fences. */
  static String blockAfter(String text, String marker) {
    int at = text.indexOf(marker);
    assertThat(at).as("README has \"%s\"", marker).isNotNegative();
    int open = text.indexOf("```\n", at + marker.length());
    int close = text.indexOf("\n```", open + 4);
    return text.substring(open + 4, close + 1);
  }

  @Test
  void theTwoCommandsComeFirstAndCiRunsTheSecond() throws IOException {
    String readme = readme();
    int first = readme.indexOf(MAIN_COMMAND);
    int second = readme.indexOf("./mvnw -B verify");
    assertThat(first).isPositive().isLessThan(second);
    assertThat(readme.indexOf("```"))
        .as("no other command before them")
        .isEqualTo(readme.indexOf("```bash\n# 1. Build"));
    assertThat(Files.readString(RepoFiles.path(".ci/run"))).contains("./mvnw -B verify");
  }

  @Test
  void theMainCommandPrintsWhatTheReadmeShows() throws IOException {
    List<String> args = new ArrayList<>(List.of("simulate"));
    try (Stream<Path> specs = Files.list(RepoFiles.path("examples/simulate"))) {
      // In the order the shell expands examples/simulate/*.yaml.
      specs
          .filter(p -> p.toString().endsWith(".yaml"))
          .map(Path::toString)
          .sorted()
          .forEach(args::add);
    }
    String trace = RepoFiles.path("examples/traces/azure-llm-conv-2023.csv").toString();
    args.addAll(
        List.of("--trace", trace, "--report", dir.resolve("report").toString(), "--no-progress"));
    CliTest.Run simulate = run(args.toArray(String[]::new));
    assertThat(simulate.exitCode()).isZero();
    String printed =
        simulate
            .out()
            .replace(trace, "examples/traces/azure-llm-conv-2023.csv")
            .replace(
                dir.resolve("report").resolve("index.html").toString(), "target/report/index.html");
    if (!printed.contains("report: ")) {
      printed += "report: target/report/index.html\n";
    }
    assertThat(printed).isEqualTo(blockAfter(readme(), "The first prints this"));
    assertThat(dir.resolve("report/index.html")).exists();
  }

  @Test
  void theLoadExampleScalesAsTheReadmeShows() throws IOException {
    String world = dir.resolve("world.json").toString();
    assertThat(run("world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world).exitCode())
        .isZero();
    assertThat(
            run(
                    "invoke",
                    "deploy",
                    "--event",
                    RepoFiles.path("events/deploy-llama3-8b-orchestrated.json").toString(),
                    "--world",
                    world)
                .exitCode())
        .isZero();
    assertThat(run("world", "advance", "20m", "--world", world).exitCode()).isZero();
    CliTest.Run load =
        run("load", "llama3-chat", "--requests", "100", "--world", world, "--no-progress");
    assertThat(load.exitCode()).isZero();
    assertThat(load.out()).isEqualTo(blockAfter(readme(), "# 32 in flight (closed loop)\n```\n"));
    // The alarm acts on the run's last datapoint just after it.
    assertThat(run("world", "advance", "1m", "--world", world).exitCode()).isZero();
    assertThat(run("activities", "llama3-chat", "--since", "2m", "--world", world).out())
        .isEqualTo(blockAfter(readme(), "copyscale activities llama3-chat --since 2m\n```\n"));
    // Then the tutorial's own loop on the same world.
    CliTest.Run tutorial =
        run("load", "llama3-chat", "--tutorial", "--world", world, "--no-progress");
    assertThat(tutorial.exitCode()).isZero();
    assertThat(tutorial.out())
        .isEqualTo(blockAfter(readme(), "# the tutorial's loop: 100, one at a time\n```\n"));
  }

  @Test
  void theAlarmWalkthroughPrintsWhatTheReadmeShows() throws IOException {
    String world = dir.resolve("alarms.json").toString();
    assertThat(run("world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world).exitCode())
        .isZero();
    assertThat(
            run(
                    "invoke",
                    "deploy",
                    "--event",
                    RepoFiles.path("events/deploy-llama3-8b-orchestrated.json").toString(),
                    "--world",
                    world)
                .exitCode())
        .isZero();
    assertThat(run("world", "advance", "20m", "--world", world).exitCode()).isZero();
    assertThat(
            run(
                    "invoke",
                    "step-scaling",
                    "--event",
                    RepoFiles.path("events/alarm-eventbridge-burst.json").toString(),
                    "--world",
                    world)
                .exitCode())
        .isZero();
    assertThat(
            run(
                    "invoke",
                    "step-scaling",
                    "--event",
                    RepoFiles.path("events/alarm-duplicate.json").toString(),
                    "--world",
                    world)
                .exitCode())
        .isZero();
    assertThat(run("activities", "llama3-chat", "--world", world).out())
        .isEqualTo(
            blockAfter(
                readme(),
                "# IGNORED: the same event again\ncopyscale activities llama3-chat\n```\n"));
    assertThat(run("world", "advance", "10m", "--world", world).exitCode()).isZero();
    assertThat(run("activities", "llama3-chat", "--world", world).out())
        .isEqualTo(
            blockAfter(
                readme(),
                "# the new instance is up; the per-minute tick writes the copies\n"
                    + "copyscale activities llama3-chat\n"
                    + "```\n"));
  }
}
