package dev.copyscale.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.lambda.LambdaEnvironment;
import dev.copyscale.aws.store.DynamoDbStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.cli.report.Units;
import dev.copyscale.cost.HourlyCost;
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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * One scaling activity, copyscale's or Application Auto Scaling's, in one vocabulary: the outcome
   * (SCALED, PENDING, FAILED, NO_CHANGE, IGNORED, DRY_RUN), the desired count before and after
   * (null where no count applies: an ignored event, a decision that looked at no count), when
   * SageMaker had the change ({@code end}, null until it has) and why.
   *
   * @param source what decided: copyscale's "alarm", "tick", "slo", "schedule", "deploy",
   *     "override", or "application-autoscaling" for a native policy
   * @param component on an endpoint shared by several components, the component it scaled (left out
   *     in the single form)
   * @param cost on such an endpoint, what the component costs an hour with the instances and copies
   *     the arbiter granted at this decision, the idle remainder apart (left out where the arbiter
   *     did not grant: a decision that did not scale, Application Auto Scaling's)
   */
  @JsonInclude(JsonInclude.Include.ALWAYS) // a count that does not apply is null, not left out
  record Activity(
      Instant time,
      Instant end,
      String source,
      String outcome,
      Integer from,
      Integer to,
      String cause,
      @JsonInclude(JsonInclude.Include.NON_NULL) String component,
      @JsonInclude(JsonInclude.Include.NON_NULL) HourlyCost cost) {
    Activity(
        Instant time,
        Instant end,
        String source,
        String outcome,
        Integer from,
        Integer to,
        String cause) {
      this(time, end, source, outcome, from, to, cause, null, null);
    }

    Activity of(String component) {
      return new Activity(time, end, source, outcome, from, to, cause, component, cost);
    }
  }

  /** The source of Application Auto Scaling's own activities. */
  static final String AAS = "application-autoscaling";

  /** The listing's width: every line fits it. */
  static final int WIDTH = 120;

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
      out.flush();
      return 0;
    }
    override.ifPresent(
        o ->
            out.printf(
                "override in force: bounds [%d, %d] until %s (%s), set %s%n",
                o.min(), o.max(), o.until(), o.reason(), o.setAt()));
    failure(record).ifPresent(f -> out.println("deployment failed: " + f));
    if (activities.isEmpty()) {
      out.println(
          "no scaling activities for "
              + deployment
              + (since == null ? "" : " in the last " + Durations.describe(since)));
    } else {
      out.print(table(activities, "", WIDTH));
    }
    out.flush();
    return 0;
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_CLOCK =
      DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * The activities as aligned columns under a header, in the order given: time (UTC, to the
   * second), outcome, from → to, when SageMaker had the change, and why, wrapped under itself
   * within {@code width} columns; every line starts with {@code indent}.
   */
  static String table(List<Activity> activities, String indent, int width) {
    boolean shared = activities.stream().anyMatch(a -> a.component() != null);
    List<String> head = new ArrayList<>(List.of("time (UTC)", "outcome", "change", "done", "why"));
    if (shared) {
      head.add(1, "component");
      head.add(5, "cost/h");
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(head.toArray(String[]::new));
    for (Activity a : activities) {
      List<String> row =
          new ArrayList<>(
              List.of(
                  TIME.format(a.time()),
                  a.outcome(),
                  a.to() == null ? "" : (a.from() == null ? "?" : a.from()) + " → " + a.to(),
                  a.end() == null
                      ? ""
                      : sameDay(a.time(), a.end())
                          ? CLOCK.format(a.end())
                          : DAY_CLOCK.format(a.end()),
                  Units.readable(a.cause())));
      if (shared) {
        row.add(1, a.component() == null ? "" : a.component());
        row.add(5, a.cost() == null ? "" : cost(a.cost()));
      }
      rows.add(row.toArray(String[]::new));
    }
    int columns = head.size() - 1;
    int[] w = new int[columns];
    for (String[] r : rows) {
      for (int c = 0; c < columns; c++) {
        w[c] = Math.max(w[c], r[c].length());
      }
    }
    int causeAt = indent.length() + java.util.Arrays.stream(w).sum() + 2 * columns;
    int room = Math.max(30, width - causeAt);
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int c = 0; c < columns; c++) {
        line.append(r[c]).append(" ".repeat(w[c] + 2 - r[c].length()));
      }
      List<String> wrapped = wrap(r[columns], room);
      b.append((line + wrapped.get(0)).stripTrailing()).append('\n');
      for (String more : wrapped.subList(1, wrapped.size())) {
        b.append(" ".repeat(causeAt)).append(more).append('\n');
      }
    }
    return b.toString();
  }

  /**
   * A component's cost an hour at a decision, with the endpoint's idle GPUs' cost when there are
   * any: "$5.32 (3 GPUs)", "$1.77 (1 GPU; idle $1.77)".
   */
  static String cost(HourlyCost c) {
    String gpus =
        c.accelerators() == Math.rint(c.accelerators())
            ? Units.plural(Math.round(c.accelerators()), "GPU", "GPUs")
            : String.format(Locale.ROOT, "%.2f GPUs", c.accelerators());
    return Units.usd(c.usdPerHour())
        + " ("
        + gpus
        + (c.idleAccelerators() > 0 ? "; idle " + Units.usd(c.idleUsdPerHour()) : "")
        + ")";
  }

  private static boolean sameDay(Instant a, Instant b) {
    return a.atZone(ZoneOffset.UTC).toLocalDate().equals(b.atZone(ZoneOffset.UTC).toLocalDate());
  }

  /** Text broken at spaces into lines of at most {@code room} characters (a longer word alone). */
  static List<String> wrap(String text, int room) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > room) {
        lines.add(line.toString());
        line = new StringBuilder();
      }
      line.append(line.length() == 0 ? "" : " ").append(word);
    }
    lines.add(line.toString());
    return lines;
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

  /**
   * The deployment's activities since {@code from}, newest first: copyscale's ledger merged with
   * Application Auto Scaling's activities for its scalable target. Application Auto Scaling says
   * only the count it set; the count before is the one the change before it left (whoever's), or
   * the spec's initial count for the first.
   */
  static List<Activity> list(
      DeploymentSpec spec,
      StateStore store,
      ApplicationAutoScalingClient autoScaling,
      Instant from) {
    if (!spec.shared()) {
      return listTarget(spec, store, autoScaling, from);
    }
    // Each component is a target of its own: its ledger under DEPLOYMENT.COMPONENT, its scalable
    // target's activities.
    List<Activity> listed = new ArrayList<>();
    for (DeploymentSpec.Member m : spec.components()) {
      listTarget(spec.member(m), store, autoScaling, from).forEach(a -> listed.add(a.of(m.name())));
    }
    listed.sort(Comparator.comparing(Activity::time).reversed());
    return listed;
  }

  /** One scaling target's activities since {@code from}, newest first. */
  private static List<Activity> listTarget(
      DeploymentSpec spec,
      StateStore store,
      ApplicationAutoScalingClient autoScaling,
      Instant from) {
    List<Activity> activities = new ArrayList<>();
    String unit =
        spec.scaling().dimension() == DeploymentSpec.Dimension.COPIES ? "copies" : "instances";
    String target = spec.targetName();
    for (LedgerEntry e : store.ledger(target, Instant.EPOCH)) {
      // An ignored event, or a decision that read no count (its entry keeps the builder's 0 -> 0),
      // has no count to show.
      boolean counted =
          e.outcome() != Outcome.IGNORED
              && !(e.outcome() == Outcome.NO_CHANGE && e.from() == 0 && e.to() == 0);
      activities.add(
          new Activity(
              e.at(),
              e.outcome() == Outcome.SCALED ? e.done().orElse(e.at()) : null,
              e.source().wire(),
              e.outcome().name(),
              counted ? e.from() : null,
              counted ? e.to() : null,
              cause(e, unit),
              null,
              e.cost().orElse(null)));
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
      activities.add(ofApplicationAutoScaling(a));
    }
    activities.sort(Comparator.comparing(Activity::time));
    int before =
        spec.scaling().dimension() == DeploymentSpec.Dimension.COPIES
            ? spec.component().copies()
            : spec.endpoint().initialInstanceCount();
    List<Activity> listed = new ArrayList<>();
    for (Activity a : activities) {
      Activity known =
          a.source().equals(AAS) && a.to() != null
              ? new Activity(
                  a.time(),
                  a.end(),
                  a.source(),
                  a.outcome(),
                  before,
                  a.to(),
                  a.cause(),
                  a.component(),
                  a.cost())
              : a;
      if (known.to() != null
          && (known.outcome().equals("SCALED") || known.outcome().equals("PENDING"))) {
        before = known.to();
      }
      if (!known.time().isBefore(from)) {
        listed.add(known);
      }
    }
    listed.sort(Comparator.comparing(Activity::time).reversed());
    return listed;
  }

  private static final Pattern SET_TO = Pattern.compile("to (\\d+)");

  /**
   * An Application Auto Scaling activity in copyscale's words: its status as an outcome, the count
   * it set (from its description, "Setting desired copy count to 3."), its cause without the
   * "monitor " AAS puts before an alarm, and its status message when it did not succeed.
   */
  private static Activity ofApplicationAutoScaling(ScalingActivity a) {
    String outcome =
        switch (a.statusCodeAsString()) {
          case "Successful" -> "SCALED";
          case "Pending", "InProgress" -> "PENDING";
          case "Overridden" -> "NO_CHANGE";
          default -> "FAILED";
        };
    Matcher to = SET_TO.matcher(a.description() == null ? "" : a.description());
    String cause = a.cause() == null ? "" : a.cause().replaceFirst("^monitor alarm ", "alarm ");
    if (!outcome.equals("SCALED") && a.statusMessage() != null) {
      cause += ": " + outcome.toLowerCase(Locale.ROOT) + ", " + a.statusMessage();
    }
    return new Activity(
        a.startTime(),
        outcome.equals("SCALED") ? a.endTime() : null,
        AAS,
        outcome,
        null,
        to.find() ? Integer.valueOf(to.group(1)) : null,
        cause + " (by Application Auto Scaling)");
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
      case SCALED -> trigger + limits(e) + (explained(e) ? ": " + e.reason() : "");
      case PENDING ->
          trigger
              + limits(e)
              + "; "
              + (e.source() == Source.SLO ? e.reason() : progress(e.reason()));
      case DRY_RUN -> trigger + ": dry run, would set desired " + unit;
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
