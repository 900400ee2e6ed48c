package dev.copyscale.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The repository's examples/ and events/, shipped in the jar under copyscale/ (see cli/pom.xml), so
 * that the commands' defaults (the Azure trace, the demo's spec) and the README's commands work
 * from any directory. The one place where a file named on the command line, or by default, is
 * found.
 */
final class Bundled {
  private static final String ROOT = "copyscale/";

  private Bundled() {}

  /**
   * {@link #resolve(Path, Path)} from the directory the command runs in ({@link Main#workingDir}).
   */
  static Path resolve(CommandSpec spec, Path file) {
    Path dir = spec.root().userObject() instanceof Main main ? main.workingDir : Path.of("");
    return resolve(dir, file);
  }

  /**
   * {@code file} in {@code dir} when it is there, so that a checkout's own (possibly edited) files
   * win; else, if it names a shipped file (e.g. examples/llama3-8b.yaml), the jar's copy; else
   * {@code dir.resolve(file)}, which callers fail on naming the file. With {@code dir} the empty
   * path a relative name stays as typed.
   */
  static Path resolve(Path dir, Path file) {
    Path local = dir.resolve(file);
    if (file.isAbsolute() || Files.exists(local)) {
      return local;
    }
    String name = file.normalize().toString().replace(File.separatorChar, '/');
    if (name.isEmpty() || name.startsWith("../") || name.equals("..")) {
      return local;
    }
    URL url = Bundled.class.getClassLoader().getResource(ROOT + name);
    if (url == null) {
      return local;
    }
    Path shipped = pathOf(url);
    return Files.isRegularFile(shipped) ? shipped : local;
  }

  /**
   * A resource as a Path, so that APIs taking a Path (Trace.azure) read it in place without a temp
   * copy: a file under target/classes, or an entry of the jar through a zip file system kept open
   * for the run.
   */
  static synchronized Path pathOf(URL url) {
    URI uri;
    try {
      uri = url.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad resource URL " + url, e);
    }
    try {
      return Path.of(uri);
    } catch (FileSystemNotFoundException notYetOpen) {
      try {
        FileSystems.newFileSystem(uri, Map.of());
      } catch (FileSystemAlreadyExistsException openedMeanwhile) {
        // Path.of below finds it.
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + uri, e);
      }
      return Path.of(uri);
    }
  }
}
