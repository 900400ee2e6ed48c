package dev.copyscale.cli;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.lambda.LambdaEnvironment;
import dev.copyscale.aws.store.DynamoDbStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.state.BoundsOverride;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.twin.world.TwinWorld;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingActivity;

/**
 * {@code copyscale activities DEPLOYMENT}: copyscale's ledger merged with Application Auto
 * Scaling's activities for the target, newest first, each with a one-line cause, including the
 * decisions that changed nothing and why.
 */
@Command(
    name = "activities",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Lists a deployment's scaling activities, newest first, with why each happened.",
      "Shows copyscale's decisions (alarms, schedules, the reconcile tick), including those that"
          + " changed nothing and why, merged with Application Auto Scaling's"
          + " DescribeScalingActivities for the scalable target."
    })
final class ActivitiesCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Parameters(paramLabel = "DEPLOYMENT", description = "the deployment's name (the spec's name)")
  String deployment;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "only activities this recent, e.g. 2h, 7d")
  Duration since;

  @Option(names = "--json", description = "print {\"deployment\", \"activities\": [...]}")
  boolean json;

  @Mixin WorldOptions where;

  /** One line of the listing. */
  record Activity(
      Instant time, String source, String outcome, Integer from, Integer to, String cause) {}

  @Override
  public Integer call() {
    StateStore store;
    ApplicationAutoScalingClient autoScaling;
    Instant now;
    if (where.aws) {
      store = new DynamoDbStateStore(Clients.real().dynamoDb(), LambdaEnvironment.stateTable());
      autoScaling = Clients.real().autoScaling();
      now = Clock.systemUTC().instant();
    } else {
      TwinWorld world = where.read(commandSpec);
      store = world.stateTable();
      autoScaling = world.autoScaling();
      now = world.clock().instant();
    }
    DeploymentRecord record =
        store
            .deployment(deployment)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        commandSpec.commandLine(),
                        "unknown deployment \""
                            + deployment
                            + "\""
                            + (where.aws ? "" : " in " + where.world)));
    DeploymentSpec spec = SpecParser.parse(record.specJson()).orThrow();
    Instant from = since == null ? Instant.EPOCH : now.minus(since);
    List<Activity> activities = list(spec, store, autoScaling, from);
    PrintWriter out = commandSpec.commandLine().getOut();
    Optional<BoundsOverride> override = store.target(deployment).overrideAt(now);
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("deployment", deployment);
      override.ifPresent(o -> document.put("override", o));
      failure(record).ifPresent(f -> document.put("deploymentFailed", f));
      document.put("activities", activities);
      out.println(Json.pretty(document));
    } else {
      override.ifPresent(
          o ->
              out.printf(
                  "override in force: bounds [%d, %d] until %s (%s), set %s%n",
                  o.min(), o.max(), o.until(), o.reason(), o.setAt()));
      failure(record).ifPresent(f -> out.println("deployment failed: " + f));
    }
    if (json) {
      // printed above
    } else if (activities.isEmpty()) {
      out.println(
          "no scaling activities for "
              + deployment
              + (since == null ? "" : " in the last " + since));
    } else {
      for (Activity a : activities) {
        out.printf("%s  %-9s  %s%n", a.time(), a.outcome(), a.cause());
      }
    }
    out.flush();
    return 0;
  }

  /**
   * Why the deployment failed, as SageMaker reported it (a copy that could not start, no capacity),
   * when it did.
   */
  static Optional<String> failure(DeploymentRecord record) {
    return record.phase() == dev.copyscale.deploy.Phase.Failed
        ? record.lastError()
        : Optional.empty();
  }

  static List<Activity> list(
      DeploymentSpec spec,
      StateStore store,
      ApplicationAutoScalingClient autoScaling,
      Instant from) {
    List<Activity> activities = new ArrayList<>();
    String unit =
        spec.scaling().dimension() == DeploymentSpec.Dimension.COPIES ? "copies" : "instances";
    for (LedgerEntry e : store.ledger(spec.name(), from)) {
      activities.add(
          new Activity(
              e.at(), e.source().wire(), e.outcome().name(), e.from(), e.to(), cause(e, unit)));
    }
    ResourceNames names = ResourceNames.of(spec);
    for (ScalingActivity a :
        autoScaling
            .describeScalingActivitiesPaginator(
                b ->
                    b.serviceNamespace("sagemaker")
                        .resourceId(names.scalableResourceId())
                        .scalableDimension(names.scalableDimension()))
            .scalingActivities()) {
      if (!a.startTime().isBefore(from)) {
        activities.add(
            new Activity(
                a.startTime(),
                "application-autoscaling",
                a.statusCodeAsString(),
                null,
                null,
                a.cause()
                    + ": "
                    + a.description()
                    + (a.statusMessage() == null ? "" : " (" + a.statusMessage() + ")")));
      }
    }
    activities.sort(Comparator.comparing(Activity::time).reversed());
    return activities;
  }

  /** One line in Application Auto Scaling's style, or the reason nothing changed. */
  static String cause(LedgerEntry e, String unit) {
    String trigger =
        switch (e.source()) {
          case ALARM, TICK ->
              "alarm "
                  + e.trigger()
                  + " in state "
                  + e.state()
                  + (e.source() == Source.TICK ? " (still, at the minute tick)" : "")
                  + e.policy()
                      .map(
                          p ->
                              e.outcome() == Outcome.SCALED
                                      || e.outcome() == Outcome.PENDING
                                      || e.outcome() == Outcome.DRY_RUN
                                  ? " triggered policy " + p
                                  : " (policy " + p + ")")
                      .orElse("");
          case SLO ->
              "engine slo"
                  + (e.trigger().equals("tick")
                      ? " at the minute tick"
                      : " woken by alarm " + e.trigger());
          case SCHEDULE -> e.trigger() + " set bounds " + e.state();
          case DEPLOY -> "deploy kept the count within bounds " + e.state();
          case OVERRIDE -> "operator override set bounds " + e.state();
        };
    return switch (e.outcome()) {
      case SCALED ->
          trigger
              + ": desired "
              + unit
              + " "
              + e.from()
              + " → "
              + e.to()
              + limits(e)
              + (explained(e) ? " (" + e.reason() + ")" : "");
      case PENDING ->
          trigger
              + ": desired "
              + unit
              + " "
              + e.from()
              + " → "
              + e.to()
              + limits(e)
              + ", "
              + (e.source() == Source.SLO ? e.reason() : progress(e.reason()));
      case DRY_RUN ->
          trigger + ": dry run, would set desired " + unit + " " + e.from() + " → " + e.to();
      case NO_CHANGE -> trigger + ": no change, " + e.reason();
      case IGNORED -> trigger + ": ignored, " + e.reason();
      case FAILED -> trigger + ": failed, " + e.reason();
    };
  }

  /**
   * Whether the line carries the decision's reason: the entry's own words are the only explanation
   * there is.
   */
  private static boolean explained(LedgerEntry e) {
    return e.source() == Source.DEPLOY || e.source() == Source.OVERRIDE || e.source() == Source.SLO;
  }

  /** What a change in progress waits for: the part of its reason after "in progress: ". */
  private static String progress(String reason) {
    int at = reason.lastIndexOf("in progress: ");
    return at < 0 ? "in progress (" + reason + ")" : reason.substring(at);
  }

  private static String limits(LedgerEntry e) {
    return e.limitedBy().isEmpty() ? "" : " (limited by " + String.join(", ", e.limitedBy()) + ")";
  }
}
