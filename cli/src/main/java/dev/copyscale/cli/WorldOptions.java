package dev.copyscale.cli;

import dev.copyscale.twin.world.TwinWorld;
import java.nio.file.Path;
import java.time.Clock;
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

  /**
   * The world in the file, or a fresh one starting at the wall-clock time (the CLI's one wall-clock
   * read).
   */
  TwinWorld load() {
    return TwinWorld.load(world, Clock.systemUTC().instant());
  }
}
