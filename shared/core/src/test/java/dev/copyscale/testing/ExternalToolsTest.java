package dev.copyscale.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** A missing tool skips loudly, or fails when required; never passes silently. */
class ExternalToolsTest {
  private static final String MISSING = "copyscale-no-such-tool";
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @Test
  void missingToolFailsWhenRequired() {
    for (String yes : new String[] {"1", "true", "TRUE"}) {
      assertThatThrownBy(
              () ->
                  ExternalTools.require(
                      MISSING,
                      "REQUIRE_NO_SUCH_TOOL",
                      "nothing was checked",
                      Map.of("PATH", "/nonexistent", "REQUIRE_NO_SUCH_TOOL", yes),
                      QUIET))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining(MISSING)
          .hasMessageContaining("REQUIRE_NO_SUCH_TOOL");
    }
  }

  @Test
  void missingToolAbortsTheTestLoudlyOtherwise() {
    for (Map<String, String> env :
        List.of(
            Map.of("PATH", "/nonexistent"),
            Map.of("PATH", "/nonexistent", "REQUIRE_NO_SUCH_TOOL", "0"))) {
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      assertThatThrownBy(
              () ->
                  ExternalTools.require(
                      MISSING,
                      "REQUIRE_NO_SUCH_TOOL",
                      "nothing was checked",
                      env,
                      new PrintStream(banner, true, StandardCharsets.UTF_8)))
          .isInstanceOf(TestAbortedException.class)
          .hasMessageContaining("SKIPPED: " + MISSING + " not found on PATH")
          .hasMessageContaining("nothing was checked")
          .hasMessageContaining("set REQUIRE_NO_SUCH_TOOL=1");
      assertThat(banner.toString(StandardCharsets.UTF_8))
          .contains("!!!!!!!!!!")
          .contains(
              "SKIPPED: "
                  + MISSING
                  + " not found on PATH — nothing was checked; set REQUIRE_NO_SUCH_TOOL=1 to make"
                  + " this a failure");
    }
  }

  @Test
  void findsAnExecutableOnPath(@TempDir Path dir) throws IOException {
    Path tool = executable(dir.resolve("bin").resolve("mytool"), "#!/bin/sh\necho hi\n");
    Files.createDirectories(dir.resolve("empty"));
    Path found =
        ExternalTools.require(
            "mytool",
            "REQUIRE_MYTOOL",
            "x",
            Map.of("PATH", dir.resolve("empty") + ":" + tool.getParent()),
            QUIET);
    assertThat(found).isEqualTo(tool.toAbsolutePath());
  }

  @Test
  void aPyenvShimCountsOnlyWhenPyenvResolvesIt(@TempDir Path pyenvRoot) throws IOException {
    executable(pyenvRoot.resolve("shims").resolve("good"), "#!/bin/sh\nexit 1\n");
    executable(pyenvRoot.resolve("shims").resolve("bad"), "#!/bin/sh\nexit 1\n");
    Path real =
        executable(
            pyenvRoot.resolve("versions").resolve("3.11").resolve("bin").resolve("good"),
            "#!/bin/sh\n");
    executable(
        pyenvRoot.resolve("libexec").resolve("pyenv"),
        "#!/bin/sh\nif [ \"$1\" = which ] && [ \"$2\" = good ]; then echo '"
            + real
            + "'; exit 0; fi\necho \"pyenv: $2: command not found\" >&2\nexit 127\n");
    Map<String, String> env = Map.of("PATH", pyenvRoot.resolve("shims").toString());

    assertThat(ExternalTools.require("good", "REQUIRE_GOOD", "x", env, QUIET)).isEqualTo(real);
    assertThatThrownBy(
            () ->
                ExternalTools.require(
                    "bad",
                    "REQUIRE_BAD",
                    "x",
                    Map.of("PATH", env.get("PATH"), "REQUIRE_BAD", "1"),
                    QUIET))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pyenv shim")
        .hasMessageContaining("command not found");
  }

  @Test
  void runCapturesStdoutAndStderrAndTheExitCode() {
    ExternalTools.Result result =
        ExternalTools.run(Duration.ofSeconds(10), "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.output()).contains("out").contains("err");
    assertThat(result.describe()).contains("exited with 3");
  }

  @Test
  void runFailsOnTimeout() {
    assertThatThrownBy(
            () -> ExternalTools.run(Duration.ofMillis(300), "sh", "-c", "echo started; sleep 30"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not finish within")
        .hasMessageContaining("started");
  }

  private static Path executable(Path file, String script) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
