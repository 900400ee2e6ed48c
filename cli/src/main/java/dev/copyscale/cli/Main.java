package dev.copyscale.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code copyscale} command. */
@Command(
    name = "copyscale",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Serve LLMs at scale on SageMaker inference components.",
    subcommands = {
      DemoCommand.class,
      SimulateCommand.class,
      LoadCommand.class,
      PreflightCommand.class,
      CatalogCommand.class,
      InvokeCommand.class,
      WorldCommand.class,
      ActivitiesCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // The Lambda handlers run in-process: their logs go to stderr (see copyscale-cli-log4j2.xml).
    System.setProperty("log4j2.configurationFile", "copyscale-cli-log4j2.xml");
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    // Invalid input named by the code below (an unknown deployment, a bad spec) is a clear one-line error.
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("copyscale: " + e.getMessage());
      commandLine.getErr().flush();
      return 1;
    });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
