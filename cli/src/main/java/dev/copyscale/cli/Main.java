package dev.copyscale.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code copyscale} command. */
@Command(
    name = "copyscale",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Serve LLMs at scale on SageMaker inference components.",
    subcommands = {PreflightCommand.class, CatalogCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
