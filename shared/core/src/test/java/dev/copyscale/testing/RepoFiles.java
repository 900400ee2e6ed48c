package dev.copyscale.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository (examples/, events/, template.yaml) for tests in any module. */
public final class RepoFiles {
  private RepoFiles() {}

  /**
   * The repository root: surefire's copyscale.root, else the nearest parent with examples/ and
   * mvnw.
   */
  public static Path root() {
    String property = System.getProperty("copyscale.root");
    if (property != null && Files.isDirectory(Path.of(property, "examples"))) {
      return Path.of(property);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("examples")) && Files.exists(dir.resolve("mvnw"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "cannot find the repository root from " + Path.of("").toAbsolutePath());
  }

  public static Path path(String relative) {
    return root().resolve(relative);
  }

  public static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
