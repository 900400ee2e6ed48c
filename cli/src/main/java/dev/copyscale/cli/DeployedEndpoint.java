package dev.copyscale.cli;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.lambda.LambdaEnvironment;
import dev.copyscale.aws.store.DynamoDbStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.cli.load.AwsTarget;
import dev.copyscale.cli.load.LoadTarget;
import dev.copyscale.cli.load.TwinTarget;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.world.TwinWorld;
import dev.copyscale.twin.world.WorldFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * A deployed endpoint that {@code load} and {@code profile --measure} send requests to: its spec
 * from the state store (DynamoDB with --aws, else the twin world, locked until the command closes
 * {@link #locked}), and then the target that reaches its inference component. Both commands find a
 * deployment, refuse a missing one and serve the twin alike; only their checks in between differ,
 * so {@link #open} and {@link #target} are two steps.
 *
 * @param errorPrefix what the command's usage errors about the deployment start with
 * @param locked the locked twin world file, which the command closes; null with --aws
 * @param world the twin world; null with --aws
 */
record DeployedEndpoint(
    CommandSpec command,
    WorldOptions where,
    String deployment,
    String errorPrefix,
    WorldFile locked,
    StateStore store,
    TwinWorld world,
    DeploymentSpec spec) {

  /**
   * {@code deployment}'s spec, from the state table on AWS (credentials and a region checked first)
   * or from the twin world, locked. A deployment that is not there is a usage error, its message
   * after {@code errorPrefix} (such as "--measure: "); the lock is released then.
   */
  static DeployedEndpoint open(
      CommandSpec command, WorldOptions where, String deployment, String errorPrefix) {
    if (where.aws) {
      checkAwsAccess(command);
      StateStore store =
          new DynamoDbStateStore(Clients.real().dynamoDb(), LambdaEnvironment.stateTable());
      return new DeployedEndpoint(
          command,
          where,
          deployment,
          errorPrefix,
          null,
          store,
          null,
          spec(command, where, deployment, errorPrefix, store));
    }
    WorldFile locked = where.lock(command);
    try {
      TwinWorld world = WorldOptions.load(command, locked);
      return new DeployedEndpoint(
          command,
          where,
          deployment,
          errorPrefix,
          locked,
          world.stateTable(),
          world,
          spec(command, where, deployment, errorPrefix, world.stateTable()));
    } catch (RuntimeException | Error e) {
      locked.close();
      throw e;
    }
  }

  private static DeploymentSpec spec(
      CommandSpec command,
      WorldOptions where,
      String deployment,
      String errorPrefix,
      StateStore store) {
    DeploymentRecord record =
        store
            .deployment(deployment)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        command.commandLine(),
                        errorPrefix
                            + "unknown deployment \""
                            + deployment
                            + "\""
                            + (where.aws
                                ? " in the state table"
                                : " in "
                                    + where.world
                                    + " (deploy it first: copyscale invoke deploy ...)")));
    return SpecParser.parse(record.specJson()).orThrow();
  }

  /**
   * What reaches the inference component: the target, the twin's own target and serving model (null
   * on AWS), what the twin's functions logged, and how many copies serve now.
   */
  record Target(
      LoadTarget target,
      TwinTarget twin,
      Serving served,
      StringWriter functionLog,
      IntSupplier copies) {}

  /**
   * On AWS, the endpoint with room in the HTTP client for {@code awsConcurrency} requests at once
   * (asked for only there). In the twin, the deployed inference component (a usage error if it is
   * not there), serving with the spec's serving model, or with {@code modelConfig} and {@code
   * servingTable} when given (each may be null), its routing seeded with {@code seed}.
   */
  Target target(IntSupplier awsConcurrency, Path modelConfig, Path servingTable, long seed) {
    StringWriter functionLog = new StringWriter();
    if (where.aws) {
      return new Target(
          new AwsTarget(
              spec.endpoint().name(),
              spec.component().name(),
              awsConcurrency.getAsInt(),
              Clock.systemUTC()),
          null,
          null,
          functionLog,
          this::awsCopies);
    }
    if (component() == null) {
      throw usage(
          errorPrefix
              + "deployment "
              + deployment
              + " has no inference component "
              + spec.component().name()
              + " in "
              + where.world
              + " (is it deployed?)");
    }
    Serving served =
        SpecFiles.serving(
            command,
            "deployment " + deployment,
            spec,
            SpecFiles.modelConfig(command, modelConfig),
            SpecFiles.servingTable(command, servingTable));
    TwinTarget twin =
        new TwinTarget(
            world,
            new TwinFunctions(world, new PrintWriter(functionLog, true)),
            spec.endpoint().name(),
            spec.component().name(),
            served,
            seed);
    return new Target(
        twin,
        twin,
        served,
        functionLog,
        () -> {
          SageMakerState.Component c = component();
          Instant now = twin.clock().instant();
          return c == null
              ? 0
              : (int) c.copies().stream().filter(x -> !x.readyAt().isAfter(now)).count();
        });
  }

  /** The twin's inference component for the spec, or null if it is not deployed. */
  private SageMakerState.Component component() {
    return world.sageMaker().state().components().get(spec.component().name());
  }

  /** The copies the real inference component runs now. */
  int awsCopies() {
    Integer current =
        Clients.real()
            .sageMaker()
            .describeInferenceComponent(b -> b.inferenceComponentName(spec.component().name()))
            .runtimeConfig()
            .currentCopyCount();
    return current == null ? 0 : current;
  }

  /** No request goes out without credentials and a region: say so before the first one. */
  private static void checkAwsAccess(CommandSpec command) {
    try {
      new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          "--aws: no AWS region configured: set AWS_REGION, or a region in your AWS profile");
    }
    try {
      DefaultCredentialsProvider.builder().build().resolveCredentials();
    } catch (SdkClientException e) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          "--aws: no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,"
              + " AWS_PROFILE, or sign in with aws sso login");
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(command.commandLine(), message);
  }
}
