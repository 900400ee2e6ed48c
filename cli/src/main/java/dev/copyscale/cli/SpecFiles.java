package dev.copyscale.cli;

import dev.copyscale.serving.ServingProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Reads files named on the command line; an unreadable or malformed file is a usage error (exit 2).
 */
final class SpecFiles {
  private SpecFiles() {}

  /** A spec: {@code file} as Bundled finds it; errors name {@code file} as given. */
  static String read(CommandSpec spec, Path file) {
    try {
      return Files.readString(Bundled.resolve(spec, file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "no such file: " + file);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * {@code --serving FILE}: a measured serving table, or the bundled Llama 3 8B on one A10G when
   * none is given.
   */
  static ServingProfile servingProfile(CommandSpec spec, Path file) {
    if (file == null) {
      return ServingProfile.llama3OnA10G();
    }
    try (InputStream in = Files.newInputStream(file)) {
      return ServingProfile.read(file.toString(), in);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--serving: " + e.getMessage());
    } catch (NoSuchFileException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--serving: no such file: " + file);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--serving: cannot read " + file + ": " + e.getMessage());
    }
  }
}
