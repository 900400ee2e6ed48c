package dev.copyscale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.catalog.HfConfig;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.json.Json;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.spec.ServingQueries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
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
   * {@code --serving FILE}: a measured serving table, or null when none is given (the twin then
   * serves through the derived serving model).
   */
  static ServingProfile servingProfile(CommandSpec spec, Path file) {
    Optional<ServingQueries.Table> table = servingTable(spec, file);
    if (table.isEmpty()) {
      return null;
    }
    try {
      return ServingProfile.read(
          file.toString(),
          new java.io.ByteArrayInputStream(table.get().csv().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code --serving FILE}: its text, checked to be a serving table; empty when not given. */
  static Optional<ServingQueries.Table> servingTable(CommandSpec spec, Path file) {
    if (file == null) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      String csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      ServingProfile.read(
          file.toString(), new java.io.ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
      return Optional.of(new ServingQueries.Table(csv, "--serving " + file));
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

  /**
   * {@code --model-config FILE}: the model's Hugging Face config.json, read as the figures a
   * serving model needs; empty when not given. A file that is not one names the fields it lacks.
   */
  static Optional<ModelProfile> modelConfig(CommandSpec spec, Path file) {
    if (file == null) {
      return Optional.empty();
    }
    JsonNode json;
    try (InputStream in = Files.newInputStream(file)) {
      json = Json.readEvent(in, "--model-config " + file);
    } catch (NoSuchFileException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--model-config: no such file: " + file);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--model-config: cannot read " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), firstLine(e));
    }
    HfConfig.Read read = HfConfig.read("", json, "config.json (--model-config " + file + ")");
    if (read.model().isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--model-config "
              + file
              + " is not a model's config.json: "
              + String.join(
                  "; ",
                  read.issues().stream()
                      .map(i -> i.field().isEmpty() ? i.message() : i.field() + " " + i.message())
                      .toList()));
    }
    return read.model();
  }

  private static String firstLine(RuntimeException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
