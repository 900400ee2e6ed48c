package dev.copyscale.cli;

import dev.copyscale.cli.report.Decision;
import dev.copyscale.cli.report.Decisions;
import dev.copyscale.cli.report.Objective;
import dev.copyscale.cli.report.Report;
import dev.copyscale.cli.report.SummaryTable;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.ServingQueries;
import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.sim.Simulation;
import dev.copyscale.twin.sim.SimulationResult;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.world.TwinWorld;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
          Simulations.prepare(commandSpec, file, model, table, err);
      if (prepared.isEmpty()) {
        return 1;
      }
      specs.add(prepared.get());
    }
    List<Path> worlds = worldFiles(specs);
    Trace requests = traceOptions.load(commandSpec);
    Instant first = traceOptions.first(requests);
    String description = traceOptions.describe(requests);
    Input input = traceOptions.input(description);
    Simulation.Options options = ObjectiveOptions.simulation(traceOptions.seed, objective);
    List<Simulations.Run> runs =
        Simulations.run(
            commandSpec,
            java.util.stream.IntStream.range(0, specs.size())
                .mapToObj(
                    i ->
                        new Simulations.Job(
                            specs.get(i), requests, first, input, options, worlds.get(i)))
                .toList(),
            "simulating",
            noProgress || json,
            err);
    List<SimulationResult> results = runs.stream().map(Simulations.Run::result).toList();
    List<Decisions> decisions = runs.stream().map(Simulations.Run::decisions).toList();
    if (json) {
      out.println(Report.json(description, objective, results, decisions));
    } else {
      out.println("trace: " + description);
      out.println("objective: " + objective.describe());
      out.print(table(results, objective));
      SummaryTable.servingLines(results.stream().map(SimulationResult::summary).toList())
          .forEach(out::println);
    }
    out.flush();
    if (reportDir != null) {
      try {
        Report.write(reportDir, description, objective, results, decisions);
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
   * capacity or bounds (or would have, or tried to, or started to). copyscale's come from its
   * ledger, each with {@code copyscale activities}' cause and the ledger's reason (for engine slo:
   * the demand it planned for); Application Auto Scaling's (engine native's policies) from its
   * scaling activities, as {@code copyscale activities} reads them.
   */
  static Decisions decisions(DeploymentSpec spec, TwinWorld world, Instant from) {
    String unit =
        spec.scaling() != null && spec.scaling().dimension() == DeploymentSpec.Dimension.COPIES
            ? "copies"
            : "instances";
    List<Decision> list = new ArrayList<>();
    for (LedgerEntry e : world.stateTable().ledger(spec.name(), from)) {
      if (DECIDED.contains(e.outcome())) {
        String cause = ActivitiesCommand.cause(e, unit);
        String reason =
            e.reason() == null || e.reason().isBlank() || cause.contains(e.reason())
                ? cause
                : cause + "; " + e.reason();
        list.add(new Decision(e.at(), e.from(), e.to(), e.outcome().name(), reason));
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

  /** The specs side by side, a column each, headed by their verdicts. */
  static String table(List<SimulationResult> results, Objective objective) {
    return SummaryTable.text(results.stream().map(SimulationResult::summary).toList(), objective);
  }
}
