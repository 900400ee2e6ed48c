package dev.copyscale.cli;

import dev.copyscale.cli.report.Units;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.twin.world.TwinWorld;
import dev.copyscale.twin.world.WorldFile;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code copyscale world show|advance|reset}: the twin's local "AWS account". */
@Command(
    name = "world",
    mixinStandardHelpOptions = true,
    description =
        "The twin world: one local AWS account on a virtual clock, kept in a JSON file between"
            + " commands.",
    subcommands = {WorldCommand.Show.class, WorldCommand.Advance.class, WorldCommand.Reset.class})
final class WorldCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Override
  public void run() {
    commandSpec.commandLine().usage(commandSpec.commandLine().getOut());
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Prints the world as the Describe* APIs would: now, endpoints, inferenceComponents,"
              + " scalableTargets, scalingPolicies, scalingActivities, alarms, schedules.")
  static final class Show implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec commandSpec;

    @Option(
        names = "--world",
        paramLabel = "PATH",
        description = "the world file (default: ${DEFAULT-VALUE})")
    java.nio.file.Path world = WorldOptions.DEFAULT_WORLD;

    @Override
    public Integer call() {
      TwinWorld w = WorldOptions.read(commandSpec, world);
      commandSpec.commandLine().getOut().println(Json.pretty(w.show()));
      commandSpec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(
      name = "advance",
      mixinStandardHelpOptions = true,
      // description[0] is the one-sentence summary `copyscale world --help` lists; the rest is the
      // detail.
      description = {
        "Moves virtual time forward, running everything that falls due in time order.",
        "SageMaker transitions complete as they fall due, the stack's per-minute schedules run"
            + " (deploy reconcile, alarm re-evaluation, schedule healing), schedules fire and alarm"
            + " state changes reach the step-scaling function."
      })
  static final class Advance implements Callable<Integer> {
    /**
     * The most one advance moves: over a year, so every schedule of a year (a yearly cron included)
     * fires in one go, while a mistyped 99999999999d is refused instead of running for ever.
     */
    static final Duration MAX = Duration.ofDays(400);

    @Spec CommandLine.Model.CommandSpec commandSpec;

    @Parameters(
        paramLabel = "DURATION",
        converter = Durations.class,
        description = "e.g. 30m, 24h, 2d; at most 400d")
    Duration duration;

    @Option(
        names = "--world",
        paramLabel = "PATH",
        description = "the world file (default: ${DEFAULT-VALUE})")
    java.nio.file.Path world = WorldOptions.DEFAULT_WORLD;

    @Option(
        names = "--json",
        description =
            "print {\"from\", \"to\", \"deployments\": [{\"deployment\", \"decisions\","
                + " \"copies\", \"instances\", ...}]} instead of the text")
    boolean json;

    @Override
    public Integer call() {
      checkSpan(commandSpec, "DURATION", duration);
      try (WorldFile file = WorldOptions.lock(commandSpec, world)) {
        TwinWorld w = WorldOptions.load(commandSpec, file);
        PrintWriter out = commandSpec.commandLine().getOut();
        Instant from = w.clock().instant();
        Map<String, List<ActivitiesCommand.Activity>> before = new LinkedHashMap<>();
        for (DeploymentRecord record : w.stateTable().deployments()) {
          before.put(record.name(), activities(w, record));
        }
        w.advance(duration, new TwinFunctions(w, commandSpec.commandLine().getErr()));
        file.save(w);
        Instant to = w.clock().instant();
        List<Happened> happened = new ArrayList<>();
        for (DeploymentRecord record : w.stateTable().deployments()) {
          happened.add(happened(w, record, before.getOrDefault(record.name(), List.of())));
        }
        if (json) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("from", from);
          doc.put("to", to);
          doc.put("deployments", happened);
          out.println(Json.pretty(doc));
        } else {
          out.println(
              "virtual time "
                  + from
                  + " -> "
                  + to
                  + " ("
                  + Units.duration(Duration.between(from, to).toSeconds())
                  + ")");
          if (happened.isEmpty()) {
            out.println("no deployment in " + world);
          }
          for (Happened h : happened) {
            out.println(h.describe());
          }
        }
        out.flush();
        return 0;
      }
    }

    /**
     * What a deployment did while time advanced: its decisions (copyscale's and Application Auto
     * Scaling's, new or moved on) by outcome, and where it stands at the end: phase, endpoint and
     * component status, copies serving of desired, instances.
     */
    record Happened(
        String deployment,
        String phase,
        String endpoint,
        String component,
        Integer copiesServing,
        Integer copiesDesired,
        Integer instances,
        int decisions,
        Map<String, Integer> decisionsByOutcome,
        @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
            List<ComponentState> components) {
      /** Two lines: where the deployment stands, then what it decided. */
      String describe() {
        StringBuilder b = new StringBuilder(deployment).append(":");
        if (!"InService".equals(phase)) {
          b.append(" deployment ").append(phase).append(";");
        }
        b.append(endpoint == null ? " no endpoint" : " endpoint " + endpoint);
        if (instances != null) {
          b.append(", ").append(Units.plural(instances, "instance", "instances"));
        }
        if (!components.isEmpty()) {
          for (ComponentState c : components) {
            b.append("; ").append(c.name());
            c.describe(b);
          }
        } else if (component != null) {
          b.append("; component");
          new ComponentState("", component, copiesServing, copiesDesired).describe(b);
        }
        b.append("\n  ").append(Units.plural(decisions, "decision", "decisions"));
        if (decisions > 0) {
          StringBuilder parts = new StringBuilder();
          decisionsByOutcome.forEach(
              (k, v) -> parts.append(parts.length() == 0 ? "" : ", ").append(v + " " + k));
          b.append(" (").append(parts).append("): copyscale activities ").append(deployment);
        }
        return b.toString();
      }
    }

    /**
     * One component of a shared endpoint at the end: its status and copies serving of desired (null
     * status: not on the endpoint).
     */
    record ComponentState(
        String name, String status, Integer copiesServing, Integer copiesDesired) {
      void describe(StringBuilder b) {
        if (status == null) {
          b.append(" not created");
          return;
        }
        b.append(" ")
            .append(status)
            .append(", ")
            .append(copiesServing)
            .append(" of ")
            .append(Units.plural(copiesDesired, "copy", "copies"))
            .append(" serving");
      }
    }

    /** Where inference component {@code name} stands in the world: null status when absent. */
    private static ComponentState componentState(TwinWorld w, String label, String name) {
      if (w.sageMaker().state().components().get(name) == null) {
        return new ComponentState(label, null, null, null);
      }
      var c = w.sageMaker().describeInferenceComponent(b -> b.inferenceComponentName(name));
      return new ComponentState(
          label,
          c.inferenceComponentStatusAsString(),
          c.runtimeConfig() == null ? 0 : c.runtimeConfig().currentCopyCount(),
          c.runtimeConfig() == null ? 0 : c.runtimeConfig().desiredCopyCount());
    }

    private static List<ActivitiesCommand.Activity> activities(
        TwinWorld w, DeploymentRecord record) {
      DeploymentSpec spec = SpecParser.parse(record.specJson()).orThrow();
      return ActivitiesCommand.list(spec, w.stateTable(), w.autoScaling(), Instant.EPOCH);
    }

    /**
     * What a deployment did: the activities that are new since {@code before}, or whose outcome
     * moved on (a PENDING change SageMaker now has), and where it stands.
     */
    private static Happened happened(
        TwinWorld w, DeploymentRecord record, List<ActivitiesCommand.Activity> before) {
      DeploymentSpec spec = SpecParser.parse(record.specJson()).orThrow();
      Map<String, Integer> byOutcome = new TreeMap<>();
      int decisions = 0;
      for (ActivitiesCommand.Activity a : activities(w, record)) {
        if (!before.contains(a)) {
          byOutcome.merge(a.outcome(), 1, Integer::sum);
          decisions++;
        }
      }
      var endpoint = w.sageMaker().state().endpoints().get(spec.endpoint().name());
      String endpointStatus = null;
      Integer instances = null;
      if (endpoint != null) {
        var e = w.sageMaker().describeEndpoint(b -> b.endpointName(spec.endpoint().name()));
        endpointStatus = e.endpointStatusAsString();
        instances =
            e.productionVariants().isEmpty()
                ? null
                : e.productionVariants().get(0).currentInstanceCount();
      }
      ComponentState first = componentState(w, "", spec.component().name());
      List<ComponentState> each = new ArrayList<>();
      if (spec.shared()) {
        List<ResourceNames> names = ResourceNames.ofEach(spec);
        for (int i = 0; i < names.size(); i++) {
          each.add(componentState(w, spec.components().get(i).name(), names.get(i).component()));
        }
      }
      return new Happened(
          spec.name(),
          String.valueOf(record.phase()),
          endpointStatus,
          first.status(),
          first.copiesServing(),
          first.copiesDesired(),
          instances,
          decisions,
          byOutcome,
          each);
    }
  }

  @Command(
      name = "reset",
      mixinStandardHelpOptions = true,
      description =
          "Starts over with an empty account (holding only the example specs' token secret).")
  static final class Reset implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec commandSpec;

    @Option(
        names = "--now",
        paramLabel = "INSTANT",
        description = "the virtual time to start at, ISO-8601 (default: the wall-clock time)")
    String now;

    @Option(
        names = "--world",
        paramLabel = "PATH",
        description = "the world file (default: ${DEFAULT-VALUE})")
    java.nio.file.Path world = WorldOptions.DEFAULT_WORLD;

    @Override
    public Integer call() {
      Instant start;
      try {
        start = now == null ? Clock.systemUTC().instant() : Instant.parse(now);
      } catch (DateTimeParseException e) {
        throw new CommandLine.ParameterException(
            commandSpec.commandLine(),
            "--now '" + now + "' is not an ISO-8601 instant such as 2026-11-25T09:00:00Z");
      }
      checkStart(commandSpec, "--now", start);
      try (WorldFile file = WorldOptions.create(commandSpec, world)) {
        file.save(TwinWorld.fresh(start));
      }
      commandSpec.commandLine().getOut().println("new world at " + start + " in " + world);
      commandSpec.commandLine().getOut().flush();
      return 0;
    }
  }

  /**
   * A span of virtual time to run: positive, and at most {@link Advance#MAX} (a year of every
   * schedule, while a mistyped 99999d is refused instead of running for ever).
   */
  static void checkSpan(CommandLine.Model.CommandSpec spec, String what, Duration span) {
    if (span.isNegative() || span.isZero()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          what + " must be positive, got " + Durations.describe(span) + " (e.g. 30m, 24h, 2d)");
    }
    if (span.compareTo(Advance.MAX) > 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          what
              + " of "
              + Durations.describe(span)
              + (what.equals("DURATION")
                  ? " is more than the 400 days one advance may move; advance in steps of at most"
                      + " 400d"
                  : " is more than the 400 days one run may follow; at most 400d"));
    }
  }

  /** A virtual start time in the years cron expressions can name, so every schedule can fire. */
  static void checkStart(CommandLine.Model.CommandSpec spec, String what, Instant start) {
    try {
      dev.copyscale.twin.traffic.TraceLimits.checkTime(what, start);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
