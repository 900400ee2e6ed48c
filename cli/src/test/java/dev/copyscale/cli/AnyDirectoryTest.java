package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.testing.RepoFiles;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands run from a directory that is not a checkout: the defaults and the README's example
 * files come from the jar (the classpath), a file in the working directory wins, a missing one is
 * named as given.
 */
class AnyDirectoryTest {
  @TempDir Path dir;

  @Test
  void simulateDefaultsToTheShippedAzureHour() {
    // No --trace, and the spec named as in the README, neither of them in dir.
    CliTest.Run run = run(dir, "simulate", "examples/simulate/scheduled.yaml", "--no-progress");
    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    assertThat(run.out())
        .startsWith(
            "trace: examples/traces/azure-llm-conv-2023.csv: 19,366 requests over 59 min (5.46"
                + " requests/s)\n")
        .contains("sim-scheduled");
  }

  @Test
  void demoDefaultsToTheShippedSpec() {
    CliTest.Run run = run(dir, "demo", "--for", "1h");
    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    assertThat(run.out()).startsWith("preflight: examples/llama3-8b.yaml fits (ml.g5.12xlarge)");
  }

  @Test
  void aFileInTheWorkingDirectoryWinsOverTheShippedOne() throws Exception {
    // The seed spec, which does not fit, under the default's name.
    Files.createDirectories(dir.resolve("examples"));
    Files.writeString(
        dir.resolve("examples/llama3-8b.yaml"), RepoFiles.read("examples/seed-llama3-8b.yaml"));
    CliTest.Run run = run(dir, "demo");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("preflight: examples/llama3-8b.yaml does not fit:");
  }

  @Test
  void aMissingFileIsNamedAsGiven() {
    CliTest.Run spec = run(dir, "demo", "--spec", "examples/no-such.yaml");
    assertThat(spec.exitCode()).isEqualTo(2);
    assertThat(spec.err()).contains("no such file: examples/no-such.yaml");
    CliTest.Run trace =
        run(
            dir,
            "simulate",
            "examples/simulate/scheduled.yaml",
            "--trace",
            "examples/traces/no-such.csv",
            "--no-progress");
    assertThat(trace.exitCode()).isEqualTo(2);
    assertThat(trace.err()).contains("--trace: no such trace file: examples/traces/no-such.csv");
    CliTest.Run event =
        run(
            dir,
            "invoke",
            "deploy",
            "--event",
            "events/no-such.json",
            "--world",
            dir.resolve("world.json").toString());
    assertThat(event.exitCode()).isEqualTo(2);
    assertThat(event.err()).contains("no such file: events/no-such.json");
  }

  @Test
  void theReadmeWalkthroughFindsTheShippedEventsAndTrace() {
    String world = dir.resolve("world.json").toString();
    assertThat(
            run(dir, "world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world)
                .exitCode())
        .isZero();
    CliTest.Run deploy =
        run(
            dir,
            "invoke",
            "deploy",
            "--event",
            "events/deploy-llama3-8b-orchestrated.json",
            "--world",
            world);
    assertThat(deploy.exitCode()).as("stderr: %s", deploy.err()).isZero();
    assertThat(run(dir, "world", "advance", "20m", "--world", world).exitCode()).isZero();
    CliTest.Run load =
        run(
            dir,
            "load",
            "llama3-chat",
            "--trace",
            "examples/traces/azure-llm-conv-2023.csv",
            "--requests",
            "5",
            "--world",
            world,
            "--no-progress");
    assertThat(load.exitCode()).as("stderr: %s", load.err()).isZero();
    assertThat(load.out()).contains("5 sent, 5 succeeded, 0 failed");
  }

  @Test
  void aShippedFileIsReadInsideTheJar() throws Exception {
    // Tests see target/classes; the built jar holds the files as entries, read through a zip file
    // system.
    Path jar = dir.resolve("copyscale.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      zip.putNextEntry(new ZipEntry("copyscale/examples/x.yaml"));
      zip.write("name: x\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    URL entry = URI.create("jar:" + jar.toUri() + "!/copyscale/examples/x.yaml").toURL();
    Path inside = Bundled.pathOf(entry);
    try (var zipFileSystem = inside.getFileSystem()) {
      assertThat(Files.readString(inside)).isEqualTo("name: x\n");
      assertThat(Bundled.pathOf(entry))
          .as("the second time, from the open file system")
          .isEqualTo(inside);
    }
  }

  @Test
  void onlyRelativeNamesOfShippedFilesComeFromTheJar() throws Exception {
    Path shipped = Bundled.resolve(dir, Path.of("examples/llama3-8b.yaml"));
    assertThat(shipped.startsWith(dir)).isFalse();
    assertThat(Files.readString(shipped)).isEqualTo(RepoFiles.read("examples/llama3-8b.yaml"));
    assertThat(Bundled.resolve(dir, Path.of("examples/no-such.yaml")))
        .isEqualTo(dir.resolve("examples/no-such.yaml"));
    assertThat(Bundled.resolve(dir, Path.of("examples"))).isEqualTo(dir.resolve("examples"));
    assertThat(Bundled.resolve(dir, Path.of("../examples/llama3-8b.yaml")))
        .isEqualTo(dir.resolve("../examples/llama3-8b.yaml"));
    Path absolute = dir.resolve("examples/llama3-8b.yaml");
    assertThat(Bundled.resolve(Path.of(""), absolute)).isEqualTo(absolute);
  }
}
