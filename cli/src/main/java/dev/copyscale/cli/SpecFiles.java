package dev.copyscale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.HfConfig;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.json.Json;
import dev.copyscale.serving.ServingModel;
import dev.copyscale.serving.ServingModels;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.ServingQueries;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import dev.copyscale.twin.serving.Serving;
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
   * A model's Hugging Face config.json given as {@code --model-config FILE}: its text as JSON, the
   * figures read from it, and where it comes from ("--model-config FILE").
   */
  record ModelConfig(JsonNode json, ModelProfile profile, String field) {}

  /**
   * {@code --model-config FILE}: the model's Hugging Face config.json, read as the figures a
   * serving model needs; empty when not given. A file that is not one names the fields it lacks.
   */
  static Optional<ModelConfig> modelConfig(CommandSpec spec, Path file) {
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
    String field = "--model-config " + file;
    HfConfig.Read read = HfConfig.read("", json, "config.json (" + field + ")");
    if (read.model().isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          field
              + " is not a model's config.json: "
              + String.join(
                  "; ",
                  read.issues().stream()
                      .map(i -> i.field().isEmpty() ? i.message() : i.field() + " " + i.message())
                      .toList()));
    }
    return Optional.of(new ModelConfig(json, read.model().get(), field));
  }

  /** A spec document as a tree (null when it is not YAML or JSON) and what validating it found. */
  record Parsed(JsonNode tree, SpecResult result) {}

  /**
   * Parses a spec document; with {@code --model-config}, its config.json becomes the document's
   * {@code component.model.config} (replacing any figures the spec gives, keeping its chat
   * template), so that validation, preflight and the deploy function size the model the command
   * serves.
   */
  static Parsed parse(String document, Optional<ModelConfig> config) {
    SpecResult plain = SpecParser.parse(document);
    JsonNode tree;
    try {
      tree = SpecParser.toTree(document);
    } catch (IllegalArgumentException e) {
      return new Parsed(null, plain);
    }
    if (config.isEmpty()
        || !(tree instanceof ObjectNode root)
        || !(root.get("component") instanceof ObjectNode component)) {
      return new Parsed(tree, plain);
    }
    ObjectNode model = component.objectNode();
    if (component.path("model").has("chatTemplate")) {
      model.set("chatTemplate", component.path("model").get("chatTemplate"));
    }
    model.set("config", config.get().json());
    component.set("model", model);
    // What the document itself gets wrong elsewhere (the YAML reader's findings among it) stands.
    if (plain.problems().stream().anyMatch(p -> !p.path().startsWith("component.model"))) {
      return new Parsed(root, plain);
    }
    return new Parsed(root, SpecParser.parse(root));
  }

  /**
   * How a spec's copies serve in the twin: {@code --serving}'s table, the spec's own table
   * (scaling.slo.servingProfile), else the serving model derived from the model's figures ({@code
   * --model-config}'s, the spec's component.model, else the catalog's) and its GPUs'. A spec
   * nothing describes is a usage error naming {@code what}, the field and how to supply it: nothing
   * is served as another model.
   */
  static Serving serving(
      CommandSpec command,
      String what,
      DeploymentSpec spec,
      Optional<ModelConfig> model,
      Optional<ServingQueries.Table> table) {
    ServingModels.Resolution r =
        ServingModels.resolve(
            ServingQueries.forSpec(
                spec,
                Catalog.bundled(),
                model.map(ModelConfig::profile),
                table,
                false,
                Optional.empty()));
    ServingModel resolved =
        r.model()
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        command.commandLine(),
                        what + ": no serving model: " + r.field() + ": " + r.problem()));
    return Serving.of(resolved);
  }

  private static String firstLine(RuntimeException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
