package dev.copyscale.cli;

import dev.copyscale.cli.report.Decision;
import dev.copyscale.cli.report.Decisions;
import dev.copyscale.cli.report.EndpointComparison;
import dev.copyscale.cli.report.Objective;
import dev.copyscale.cli.report.Report;
import dev.copyscale.cli.report.SummaryTable;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.ServingQueries;
import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.sim.SharedSimulation;
import dev.copyscale.twin.sim.Simulation;
import dev.copyscale.twin.sim.SimulationResult;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.world.TwinWorld;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Replays a request trace through each spec in the twin (no AWS account) and compares them"
          + " side by side.",
      "The twin runs the real Lambda handlers, native Application Auto Scaling policies, CloudWatch"
          + " alarms, schedules and copy start-up times; each copy serves each request's own prompt"
          + " and output through a serving model derived from the model's and GPUs' figures"
          + " (docs/simulation.md), or through a measured table where one is given."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:simulated",
      "1:a spec does not fit its instance type (preflight)",
      "2:usage error (bad spec, trace or option, or --report DIR cannot be written; nothing runs)",
      "3:the report could not be written after the run (the table is printed, then why)"
    })
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Parameters(
      paramLabel = "SPEC",
      arity = "1..*",
      description = "the specs to compare, YAML or JSON")
  List<Path> specFiles;

  @Mixin TraceOptions traceOptions = new TraceOptions();

  @Mixin ObjectiveOptions objectiveOptions = new ObjectiveOptions();

  @Option(
      names = "--serving",
      paramLabel = "FILE",
      description =
          "a measured serving table (the bundled format) every spec's copies serve with, instead of"
              + " the serving model derived from the model's and GPUs' figures")
  Path serving;

  @Option(
      names = "--model-config",
      paramLabel = "FILE",
      description =
          "the model's Hugging Face config.json: the figures every spec's model is served with"
              + " (instead of component.model or the catalog's)")
  Path modelConfig;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "write index.html (the trade-off, charts and decisions, readable offline), PNG charts,"
              + " timeline.csv, decisions.csv and summary.json here; checked before anything runs")
  Path reportDir;

  @Option(
      names = "--keep-world",
      paramLabel = "DIR",
      description =
          "keep each spec's twin world as DIR/<deployment>.json, as it stands when the run ends, so"
              + " that `activities NAME --world FILE` and `world show --world FILE` answer about"
              + " it; checked before anything runs")
  Path keepWorld;

  @Option(
      names = "--json",
      description =
          "print {\"trace\", \"objective\", \"results\": [...]} (each with its verdict and"
              + " decisions) instead of the table")
  boolean json;

  @Option(
      names = "--no-progress",
      description = "no progress line (it only shows on a terminal anyway)")
  boolean noProgress;

  /** The ledger's name for the endpoint's budget among a decision's limits. */
  static final String BUDGET = EndpointComparison.BUDGET;

  /**
   * The ledger outcomes of a decision that changed capacity or bounds, would have (dry run), or
   * tried to (failed).
   */
  static final java.util.Set<Outcome> DECIDED =
      java.util.EnumSet.of(Outcome.SCALED, Outcome.PENDING, Outcome.DRY_RUN, Outcome.FAILED);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    Objective objective = objectiveOptions.objective(commandSpec);
    Simulations.checkWritable(commandSpec, "--report", reportDir);
    Simulations.checkWritable(commandSpec, "--keep-world", keepWorld);
    List<Simulations.Prepared> specs = new ArrayList<>();
    Optional<SpecFiles.ModelConfig> model = SpecFiles.modelConfig(commandSpec, modelConfig);
    Optional<ServingQueries.Table> table = SpecFiles.servingTable(commandSpec, serving);
    for (Path file : specFiles) {
      Optional<Simulations.Prepared> prepared =
          Simulations.prepare(commandSpec, file, model, table, err, true);
      if (prepared.isEmpty()) {
        return 1;
      }
      specs.add(prepared.get());
    }
    List<Path> worlds = worldFiles(specs);
    Trace requests = traceOptions.loadRun(commandSpec);
    Instant first = traceOptions.first(requests);
    String description = traceOptions.describe(requests);
    Input input = traceOptions.input(description);
    Simulation.Options options = ObjectiveOptions.simulation(traceOptions.seed, objective);
    ComponentTraces byComponent = componentTraces(specs);
    if (byComponent != null) {
      boolean single = specs.stream().anyMatch(p -> !p.spec().shared());
      description = (single ? description + "; " : "") + byComponent.description();
    }
    List<Simulations.Job> jobs = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Simulations.Prepared p = specs.get(i);
      if (!p.spec().shared()) {
        jobs.add(new Simulations.Job(p, requests, first, input, options, worlds.get(i)));
        continue;
      }
      Map<String, Trace> traces = new LinkedHashMap<>();
      p.spec()
          .components()
          .forEach(
              m -> traces.put(m.name(), byComponent == null ? requests : byComponent.of(m.name())));
      Instant at = byComponent == null ? first : byComponent.first();
      Input in = byComponent == null ? input : byComponent.input();
      jobs.add(Simulations.Job.shared(p, traces, at, in, options, worlds.get(i)));
      for (Simulations.Prepared alone : Simulations.separate(commandSpec, p)) {
        String c = alone.spec().component().name();
        jobs.add(Simulations.Job.shared(alone, Map.of(c, traces.get(c)), at, in, options, null));
      }
    }
    List<Simulations.Run> runs =
        Simulations.run(commandSpec, jobs, "simulating", noProgress || json, err);
    List<SimulationResult> results = new ArrayList<>();
    List<Decisions> decisions = new ArrayList<>();
    List<EndpointComparison> endpoints = new ArrayList<>();
    int next = 0;
    for (Simulations.Prepared p : specs) {
      Simulations.Run run = runs.get(next++);
      if (!p.spec().shared()) {
        results.add(run.result());
        decisions.add(run.decisions());
        continue;
      }
      results.addAll(run.shared().components());
      decisions.addAll(run.componentDecisions());
      List<SharedSimulation.SharedResult> separate = new ArrayList<>();
      for (int c = 0; c < p.spec().components().size(); c++) {
        Simulations.Run alone = runs.get(next++);
        results.add(alone.result());
        decisions.add(alone.decisions());
        separate.add(alone.shared());
      }
      endpoints.add(
          new EndpointComparison(run.shared(), separate, p.spec(), run.componentDecisions()));
    }
    if (json) {
      out.println(Report.json(description, objective, results, decisions, endpoints));
    } else {
      out.println("trace: " + description);
      out.println("objective: " + objective.describe());
      out.print(table(results, objective));
      SummaryTable.servingLines(results.stream().map(SimulationResult::summary).toList())
          .forEach(out::println);
      endpoints.forEach(e -> e.lines().forEach(out::println));
    }
    out.flush();
    if (reportDir != null) {
      try {
        Report.write(reportDir, description, objective, results, decisions, endpoints);
      } catch (UncheckedIOException e) {
        err.println("copyscale: " + e.getMessage());
        err.flush();
        return 3;
      }
      (json ? err : out).println("report: " + reportDir.resolve("index.html"));
    }
    if (keepWorld != null) {
      for (int i = 0; i < specs.size(); i++) {
        (json ? err : out).println("world (" + specs.get(i).spec().name() + "): " + worlds.get(i));
      }
    }
    out.flush();
    err.flush();
    return 0;
  }

  /**
   * The traces of the components (--trace COMPONENT=TRACE), on one clock: each on its own clock (or
   * --start), all delayed to the earliest one's start.
   */
  record ComponentTraces(
      Map<String, Trace> traces,
      Map<String, String> given,
      Instant first,
      String description,
      Input input) {
    Trace of(String component) {
      return traces.get(component);
    }
  }

  /**
   * The component traces the options give, checked against the specs: every name a component of a
   * spec with several, and once one is given, every such component has one; null when none is given
   * (each component then plays the run's trace).
   *
   * @throws CommandLine.ParameterException naming the component
   */
  private ComponentTraces componentTraces(List<Simulations.Prepared> specs) {
    Map<String, String> given = traceOptions.componentTraces(commandSpec);
    java.util.Set<String> known = new java.util.TreeSet<>();
    specs.stream()
        .filter(p -> p.spec().shared())
        .forEach(p -> p.spec().components().forEach(m -> known.add(m.name())));
    for (String name : given.keySet()) {
      if (!known.contains(name)) {
        throw new CommandLine.ParameterException(
            commandSpec.commandLine(),
            "--trace "
                + name
                + "=...: no spec of this run has a component "
                + name
                + (known.isEmpty()
                    ? " (none of them has several components; give one --trace FILE)"
                    : " (components of specs with several: " + String.join(", ", known) + ")"));
      }
    }
    if (given.isEmpty()) {
      return null;
    }
    for (Simulations.Prepared p : specs) {
      for (DeploymentSpec.Member m :
          p.spec().shared() ? p.spec().components() : List.<DeploymentSpec.Member>of()) {
        if (!given.containsKey(m.name())) {
          throw new CommandLine.ParameterException(
              commandSpec.commandLine(),
              "--trace: no trace for component "
                  + m.name()
                  + " of "
                  + p.file()
                  + ": once one component's trace is given, each needs one (--trace "
                  + m.name()
                  + "=FILE|synthetic:...)");
        }
      }
    }
    Map<String, Trace> loaded = new LinkedHashMap<>();
    Map<String, Instant> firsts = new LinkedHashMap<>();
    given.forEach(
        (name, value) -> {
          Trace t = traceOptions.loadComponent(commandSpec, name, value);
          loaded.put(name, t);
          firsts.put(name, traceOptions.first(t));
        });
    Instant first = firsts.values().stream().min(Instant::compareTo).orElseThrow();
    List<String> described = new ArrayList<>();
    boolean synthetic = false;
    for (Map.Entry<String, Trace> e : loaded.entrySet()) {
      String value = given.get(e.getKey());
      synthetic |= value.startsWith("synthetic:");
      described.add(e.getKey() + "=" + traceOptions.describe(value, e.getValue()));
      long delay = java.time.Duration.between(first, firsts.get(e.getKey())).toNanos() / 1000;
      if (delay > 0) {
        e.setValue(e.getValue().delayed(delay));
      }
    }
    String description = String.join("; ", described);
    Input input =
        new Input(
            "Trace of each component",
            description,
            synthetic ? Input.Provenance.ASSUMED : Input.Provenance.MEASURED,
            (synthetic ? "synthetic generator, seed " + traceOptions.seed + "; " : "")
                + "--trace COMPONENT=...: "
                + String.join(", ", given.values()));
    return new ComponentTraces(loaded, given, first, description, input);
  }

  /**
   * With --keep-world, where each spec's world goes: its deployment's name, made unique (two specs
   * of one name get -2, -3, ...); nulls without.
   */
  private List<Path> worldFiles(List<Simulations.Prepared> specs) {
    List<Path> files = new ArrayList<>();
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (Simulations.Prepared p : specs) {
      if (keepWorld == null) {
        files.add(null);
        continue;
      }
      String base = p.spec().name().replaceAll("[^A-Za-z0-9._-]", "_");
      String name = base;
      for (int n = 2; !taken.add(name.toLowerCase(java.util.Locale.ROOT)); n++) {
        name = base + "-" + n;
      }
      files.add(keepWorld.resolve(name + ".json"));
    }
    return files;
  }

  /**
   * The scaling decisions of the run from the trace's start, oldest first: those that changed
   * capacity or bounds (or would have, or tried to, or started to), and those the endpoint's
   * arbiter held back ({@link #heldBack}). copyscale's come from the target's ledger ({@code
   * DEPLOYMENT.COMPONENT} for a component of a shared endpoint: {@code spec} is then its member
   * view), each with {@code copyscale activities}' cause and the ledger's reason (for engine slo:
   * the demand it planned for); Application Auto Scaling's (engine native's policies) from its
   * scaling activities, as {@code copyscale activities} reads them.
   */
  static Decisions decisions(DeploymentSpec spec, TwinWorld world, Instant from) {
    String unit =
        spec.scaling() != null && spec.scaling().dimension() == DeploymentSpec.Dimension.COPIES
            ? "copies"
            : "instances";
    List<Decision> list = new ArrayList<>();
    String target = spec.targetName();
    for (LedgerEntry e : world.stateTable().ledger(target, from)) {
      if (DECIDED.contains(e.outcome()) || heldBack(e)) {
        String cause = ActivitiesCommand.cause(e, unit);
        String reason =
            e.reason() == null || e.reason().isBlank() || cause.contains(e.reason())
                ? cause
                : cause + "; " + e.reason();
        list.add(
            new Decision(
                e.at(),
                e.from(),
                e.to(),
                e.outcome().name(),
                reason,
                e.limitedBy().stream().filter(SimulateCommand::arbiterLimit).toList()));
      }
    }
    for (ActivitiesCommand.Activity a :
        ActivitiesCommand.list(spec, world.stateTable(), world.autoScaling(), from)) {
      if (a.source().equals(ActivitiesCommand.AAS)
          && a.from() != null
          && a.to() != null
          && DECIDED.contains(Outcome.valueOf(a.outcome()))) {
        list.add(new Decision(a.time(), a.from(), a.to(), a.outcome(), a.cause()));
      }
    }
    list.sort(java.util.Comparator.comparing(Decision::at));
    return new Decisions(list);
  }

  /**
   * Whether the endpoint's arbiter held the decision back (its limits name the budget, maxInstances
   * or a higher-priority component, docs/endpoints.md): shown even when it left the copies as they
   * were, since it is why a component did not get what its engine wished.
   */
  static boolean heldBack(LedgerEntry e) {
    return e.limitedBy().stream().anyMatch(SimulateCommand::arbiterLimit);
  }

  private static boolean arbiterLimit(String limit) {
    return ARBITER_LIMITS.contains(limit) || limit.startsWith(HIGHER_PRIORITY);
  }

  /** The arbiter's limits as the ledger names them (EndpointGrant). */
  static final java.util.Set<String> ARBITER_LIMITS = java.util.Set.of(BUDGET, "maxInstances");

  /** The start of the limit a higher-priority component is named by. */
  static final String HIGHER_PRIORITY = "higher priority: ";

  /** The specs side by side, a column each, headed by their verdicts. */
  static String table(List<SimulationResult> results, Objective objective) {
    return SummaryTable.text(results.stream().map(SimulationResult::summary).toList(), objective);
  }
}
