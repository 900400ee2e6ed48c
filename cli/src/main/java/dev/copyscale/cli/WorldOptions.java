package dev.copyscale.cli;

import dev.copyscale.twin.world.TwinWorld;
import dev.copyscale.twin.world.WorldFile;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where a command acts: the twin world file (default) or real AWS. */
final class WorldOptions {
  static final Path DEFAULT_WORLD = Path.of(".copyscale", "world.json");

  @Option(
      names = "--world",
      paramLabel = "PATH",
      description = "the twin world file (default: ${DEFAULT-VALUE})")
  Path world = DEFAULT_WORLD;

  @Option(
      names = "--aws",
      description = "act on real AWS (default credential and region chains) instead of the twin")
  boolean aws;

  /** The world, for a command that only reads it. */
  TwinWorld read(CommandSpec spec) {
    return read(spec, world);
  }

  /** The world locked for a command's read-modify-write (see {@link WorldFile}). */
  WorldFile lock(CommandSpec spec) {
    return lock(spec, world);
  }

  static TwinWorld read(CommandSpec spec, Path world) {
    return refusedAsUsage(spec, () -> WorldFile.read(world));
  }

  /**
   * {@code world} locked for a read-modify-write; while another command holds it, stderr says what
   * this one waits for.
   */
  static WorldFile lock(CommandSpec spec, Path world) {
    return refusedAsUsage(spec, () -> WorldFile.lock(world, waiting(spec)));
  }

  /** The world in a locked file (a file that is not a world is refused naming what it lacks). */
  static TwinWorld load(CommandSpec spec, WorldFile file) {
    return refusedAsUsage(spec, file::load);
  }

  /** {@code world} locked for writing a new world there, its directory created. */
  static WorldFile create(CommandSpec spec, Path world) {
    return refusedAsUsage(spec, () -> WorldFile.create(world, waiting(spec)));
  }

  private static java.util.function.Consumer<String> waiting(CommandSpec spec) {
    return message -> {
      spec.commandLine().getErr().println("copyscale: " + message);
      spec.commandLine().getErr().flush();
    };
  }

  /**
   * A world file named on the command line that cannot be used is a usage error (exit 2), as an
   * unreadable spec file is: nothing ran.
   */
  private static <T> T refusedAsUsage(CommandSpec spec, Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
