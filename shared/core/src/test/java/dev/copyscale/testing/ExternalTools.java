package dev.copyscale.testing;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the tests run for real (cfn-lint, moto_server), found on {@code PATH}.
 *
 * <p>A missing tool never passes silently: by default the test is aborted (reported as skipped)
 * after a loud banner on stderr; with the tool's {@code REQUIRE_...} environment variable set to
 * {@code 1} or {@code true} (as CI does) the test fails instead.
 */
public final class ExternalTools {
  private static final Set<String> BANNERS_PRINTED = ConcurrentHashMap.newKeySet();

  private ExternalTools() {}

  /** The output (stdout and stderr interleaved) and exit code of a finished process. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** For failure messages: the command, its exit code and everything it printed. */
    public String describe() {
      return String.join(" ", command) + " exited with " + exitCode + ", output:\n" + output;
    }
  }

  /**
   * The executable {@code tool} on {@code PATH}; if absent, fails the test when {@code
   * requireEnvVar} is 1/true, else aborts it (skipped) after a loud banner.
   */
  public static Path require(String tool, String requireEnvVar) {
    return require(tool, requireEnvVar, "the tests that need it did NOT run");
  }

  /**
   * As {@link #require(String, String)}, with {@code consequence} saying in the banner what was not
   * checked, e.g. {@code "template.yaml was NOT linted"}.
   */
  public static Path require(String tool, String requireEnvVar, String consequence) {
    return require(tool, requireEnvVar, consequence, System.getenv(), System.err);
  }

  static Path require(
      String tool,
      String requireEnvVar,
      String consequence,
      Map<String, String> env,
      PrintStream banner) {
    Lookup lookup = lookup(tool, env.get("PATH"));
    if (lookup.found().isPresent()) {
      return lookup.found().get();
    }
    String notFound = tool + " not found on PATH" + lookup.note();
    if (isTrue(env.get(requireEnvVar))) {
      throw new AssertionError(
          notFound
              + ", and "
              + requireEnvVar
              + "="
              + env.get(requireEnvVar)
              + " requires it: install "
              + tool
              + " (e.g. pip install "
              + pipPackage(tool)
              + ") or unset "
              + requireEnvVar);
    }
    String skipped =
        "SKIPPED: "
            + notFound
            + " — "
            + consequence
            + "; set "
            + requireEnvVar
            + "=1 to make this a failure";
    // Once per tool and consequence: every test of a class needing moto would repeat it otherwise.
    if (banner != System.err || BANNERS_PRINTED.add(tool + "\0" + consequence)) {
      String bar = "!".repeat(Math.min(120, skipped.length() + 8));
      banner.println();
      banner.println(bar);
      banner.println("!!! " + skipped);
      banner.println(bar);
      banner.println();
      banner.flush();
    }
    Assumptions.abort(skipped);
    throw new AssertionError("unreachable: Assumptions.abort returned");
  }

  /** The executable {@code tool} on this process's {@code PATH}, if any. */
  public static Optional<Path> find(String tool) {
    return lookup(tool, System.getenv("PATH")).found();
  }

  /** Whether an environment variable value means "yes": 1 or true (any case). */
  static boolean isTrue(String value) {
    if (value == null) {
      return false;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("1") || v.equals("true");
  }

  private record Lookup(Optional<Path> found, String note) {}

  /**
   * Searches the {@code PATH} entries in order. A pyenv shim (an executable in a {@code .../shims}
   * directory next to pyenv's {@code libexec/pyenv}) exists for every command of every installed
   * Python version, so it is accepted only when {@code pyenv which} resolves it for the active
   * version; the resolved executable is returned, which also spares pyenv's start-up on each run.
   */
  static Lookup lookup(String tool, String path) {
    String note = "";
    if (path == null || path.isBlank()) {
      return new Lookup(Optional.empty(), " (PATH is empty)");
    }
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path candidate;
      try {
        candidate = Path.of(entry).resolve(tool);
      } catch (RuntimeException invalidPath) {
        continue;
      }
      if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
        continue;
      }
      Optional<Path> pyenv = pyenvOfShim(candidate);
      if (pyenv.isEmpty()) {
        return new Lookup(Optional.of(candidate.toAbsolutePath()), "");
      }
      Result which = run(Duration.ofSeconds(20), List.of(pyenv.get().toString(), "which", tool));
      String resolved = which.output().strip();
      if (which.succeeded()
          && !resolved.isEmpty()
          && !resolved.contains("\n")
          && Files.isExecutable(Path.of(resolved))) {
        return new Lookup(Optional.of(Path.of(resolved)), "");
      }
      note =
          " (a pyenv shim "
              + candidate
              + " exists, but `pyenv which "
              + tool
              + "` does not resolve it for the active Python version: "
              + firstLine(which.output())
              + ")";
    }
    return new Lookup(Optional.empty(), note);
  }

  /** pyenv's own executable if {@code candidate} is one of its shims. */
  private static Optional<Path> pyenvOfShim(Path candidate) {
    Path dir = candidate.toAbsolutePath().getParent();
    if (dir == null || dir.getFileName() == null || !dir.getFileName().toString().equals("shims")) {
      return Optional.empty();
    }
    // $PYENV_ROOT/shims, or a plugin's shims ($PYENV_ROOT/plugins/NAME/shims).
    for (Path root = dir.getParent(); root != null; root = root.getParent()) {
      Path pyenv = root.resolve("libexec").resolve("pyenv");
      if (Files.isExecutable(pyenv)) {
        return Optional.of(pyenv);
      }
    }
    return Optional.empty();
  }

  private static String firstLine(String text) {
    String stripped = text.strip();
    int newline = stripped.indexOf('\n');
    return newline < 0 ? stripped : stripped.substring(0, newline);
  }

  private static String pipPackage(String tool) {
    return switch (tool) {
      case "moto_server" -> "'moto[server]'";
      default -> tool;
    };
  }

  /** Runs {@code command} in the current directory; see {@link #run(Duration, List, Path)}. */
  public static Result run(Duration timeout, String... command) {
    return run(timeout, List.of(command), null);
  }

  /** Runs {@code command} in the current directory; see {@link #run(Duration, List, Path)}. */
  public static Result run(Duration timeout, List<String> command) {
    return run(timeout, command, null);
  }

  /**
   * Runs {@code command} (in {@code directory} if not null) with stdin closed, capturing stdout and
   * stderr together. A process still running after {@code timeout} is killed and the test fails
   * with what it printed so far.
   */
  public static Result run(Duration timeout, List<String> command, Path directory) {
    Path log = null;
    try {
      log = Files.createTempFile("copyscale-process-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice())));
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      Process process = builder.start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop(process, Duration.ofSeconds(5));
        throw new AssertionError("interrupted while running " + String.join(" ", command), e);
      }
      if (!finished) {
        stop(process, Duration.ofSeconds(5));
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish within "
                + timeout
                + ", output so far:\n"
                + read(log));
      }
      return new Result(List.copyOf(command), process.exitValue(), read(log));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } finally {
      if (log != null) {
        try {
          Files.deleteIfExists(log);
        } catch (IOException ignored) {
          // a temp file; the OS cleans up
        }
      }
    }
  }

  /**
   * Asks {@code process} (and its children) to stop, then kills it if it has not within {@code
   * grace}.
   */
  static void stop(Process process, Duration grace) {
    List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
    children.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      children.forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** The last {@code lines} lines of a text file, for failure messages. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private static String nullDevice() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
        ? "NUL"
        : "/dev/null";
  }
}
