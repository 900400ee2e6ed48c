package dev.copyscale.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.copyscale.aws.lambda.LambdaStreams;
import dev.copyscale.functions.deploy.DeployHandler;
import dev.copyscale.functions.scheduledscaling.ScheduleHandler;
import dev.copyscale.functions.stepscaling.AlarmHandler;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinWorld;
import dev.copyscale.twin.world.WorldFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code copyscale invoke FUNCTION --event FILE}: runs a Lambda handler exactly as Lambda would.
 */
@Command(
    name = "invoke",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Runs one of copyscale's Lambda handlers on an event file as Lambda would, in the twin or on"
          + " AWS.",
      "The event's bytes go in with a Lambda context and the response is printed. With --aws the"
          + " handler reads its settings from the environment as in Lambda: STATE_TABLE and"
          + " COPYSCALE_STACK (the stack's outputs), and for deploy SCHEDULE_TARGET_ARN and"
          + " SCHEDULER_ROLE_ARN; --function-arn names the deployed function it stands in for,"
          + " whose account and region the handler checks events against."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the function returned a response",
      "1:the function failed (its error is printed)",
      "2:usage error"
    })
final class InvokeCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Parameters(paramLabel = "FUNCTION", description = "deploy, step-scaling or scheduled-scaling")
  String function;

  @Option(
      names = "--event",
      required = true,
      paramLabel = "FILE",
      description = "the event JSON (see events/)")
  Path event;

  @Mixin WorldOptions where;

  @Option(
      names = "--function-arn",
      paramLabel = "ARN",
      description =
          "with --aws: the deployed function's ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME);"
              + " events of another account or region are ignored, as in Lambda")
  String functionArn;

  @Override
  public Integer call() {
    if (!java.util.List.of("deploy", "step-scaling", "scheduled-scaling").contains(function)) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          "unknown function '" + function + "'; one of deploy, step-scaling, scheduled-scaling");
    }
    byte[] bytes;
    try {
      // events/*.json come from the jar when not in the working directory.
      bytes = Files.readAllBytes(Bundled.resolve(commandSpec, event));
    } catch (NoSuchFileException e) {
      throw new CommandLine.ParameterException(commandSpec.commandLine(), "no such file: " + event);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "cannot read " + event + ": " + e.getMessage());
    }
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    if (where.aws) {
      if (!LambdaStreams.isFunctionArn(functionArn)) {
        throw new CommandLine.ParameterException(
            commandSpec.commandLine(),
            "--function-arn: with --aws give the deployed function's ARN,"
                + " arn:aws:lambda:REGION:ACCOUNT:function:NAME (the stack's function names are in"
                + " its outputs), got "
                + functionArn);
      }
      return run(
          awsHandler(),
          new LocalContext(functionArn.replaceAll("^.*:function:([^:]+).*$", "$1"), functionArn),
          bytes,
          out,
          err);
    }
    if (functionArn != null) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          "--function-arn goes with --aws (the twin's functions are in account 123456789012,"
              + " us-east-1)");
    }
    // The world stays locked from read to write: a concurrent invoke waits, and loses nothing.
    try (WorldFile file = where.lock(commandSpec)) {
      TwinWorld world = WorldOptions.load(commandSpec, file);
      TwinFunctions functions = new TwinFunctions(world, err);
      int code =
          run(
              functions.handler(function),
              new LocalContext("copyscale-twin-" + function),
              bytes,
              out,
              err);
      // A failed invocation changed nothing it should not have; what it did change is kept, as on
      // AWS.
      file.save(world);
      return code;
    }
  }

  private RequestStreamHandler awsHandler() {
    return switch (function) {
      case "deploy" -> new DeployHandler();
      case "step-scaling" -> new AlarmHandler();
      default -> new ScheduleHandler();
    };
  }

  private int run(
      RequestStreamHandler handler,
      LocalContext context,
      byte[] bytes,
      PrintWriter out,
      PrintWriter err) {
    try {
      out.println(TwinFunctions.invoke(handler, context, bytes));
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      err.println("copyscale " + function + " failed: " + e.getMessage());
      err.flush();
      return 1;
    }
  }
}
