package dev.copyscale.cli;

import java.nio.file.Path;
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
      FrontierCommand.class,
      LoadCommand.class,
      PreflightCommand.class,
      ProfileCommand.class,
      CatalogCommand.class,
      InvokeCommand.class,
      WorldCommand.class,
      ActivitiesCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Where relative file names are looked for before the jar's copies (see Bundled); a test can
   * point it elsewhere, as Java cannot chdir.
   */
  final Path workingDir;

  private Main(Path workingDir) {
    this.workingDir = workingDir;
  }

  public static void main(String[] args) {
    // The Lambda handlers run in-process: their JSON log lines go to stderr, warnings and errors
    // only
    // unless -Dcopyscale.log.level says otherwise (dev.copyscale.aws.lambda.JsonLogging reads
    // both).
    System.setProperty("copyscale.log.stderr", "true");
    if (System.getProperty("copyscale.log.level") == null) {
      System.setProperty("copyscale.log.level", "WARN");
    }
    // A handler's "event refused" line would repeat the failure the command prints itself
    // (invoke's "copyscale FUNCTION failed: ...", the twin's "copyscale-twin-FUNCTION failed at").
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(dev.copyscale.aws.lambda.LambdaStreams.class))
        .setLevel(ch.qos.logback.classic.Level.OFF);
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    // The empty path, not user.dir: relative names stay as the user typed them in what is printed.
    return commandLine(Path.of(""));
  }

  /**
   * The command line as if started in {@code workingDir} for the files Bundled finds (specs,
   * events, traces); --world and --report stay where the JVM runs.
   */
  static CommandLine commandLine(Path workingDir) {
    CommandLine cli = new CommandLine(new Main(workingDir));
    // A negative duration reaches its converter, which says it must be positive, instead of
    // reading as an unknown option.
    cli.getSubcommands()
        .get("world")
        .getSubcommands()
        .get("advance")
        .setUnmatchedOptionsArePositionalParams(true);
    // A usage error is one line and the command's synopsis, not the whole help.
    cli.setParameterExceptionHandler(Main::usageError);
    // Invalid input named by the code below (an unknown deployment, a bad spec) is a clear one-line
    // error.
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("copyscale: " + e.getMessage());
          commandLine.getErr().flush();
          return 1;
        });
    return cli;
  }

  /**
   * Prints a usage error as {@code copyscale: MESSAGE}, picocli's suggestions for a mistyped name,
   * the command's synopsis when it fits one line, and where the full help is; exit code 2.
   */
  static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    java.io.PrintWriter err = command.getErr();
    err.println("copyscale: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    String synopsis = command.getHelp().synopsis(0).strip();
    String name = command.getCommandSpec().qualifiedName();
    if (!synopsis.contains("\n")) {
      err.println(synopsis);
    }
    err.println("(" + name + " --help for more)");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
