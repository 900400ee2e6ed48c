package dev.copyscale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.cli.report.Decision;
import dev.copyscale.cli.report.Decisions;
import dev.copyscale.cli.report.Objective;
import dev.copyscale.cli.report.OsReason;
import dev.copyscale.cli.report.Report;
import dev.copyscale.cli.report.SummaryTable;
import dev.copyscale.json.Json;
import dev.copyscale.preflight.Preflight;
import dev.copyscale.preflight.PreflightReport;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.ServingQueries;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.sim.ServingEngine;
import dev.copyscale.twin.sim.Simulation;
import dev.copyscale.twin.sim.SimulationResult;
import dev.copyscale.twin.traffic.Synthetic;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.traffic.TraceLimits;
import dev.copyscale.twin.world.TwinWorld;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
  static final Path AZURE_TRACE = Path.of("examples", "traces", "azure-llm-conv-2023.csv");

  /**
   * How long a deployment runs in the twin before the trace starts, at least: long enough for a new
   * endpoint of a small model to serve ({@link #warmUp} lengthens it for larger ones).
   */
  static final Duration WARM_UP = Duration.ofMinutes(30);

  /**
   * How long {@code spec}'s deployment runs before the trace starts: long enough for it to have
   * settled, so the trace meets a deployed endpoint and every spec is judged on its scaling, not on
   * its deploy. That is the endpoint's first instance starting and then engine slo's fill of that
   * instance with copies, each a new instance's start-up for the model's weights (docs/slo.md,
   * "Lead time": 21 minutes for a 70B model in bfloat16), and never less than {@link #WARM_UP}.
   */
  static Duration warmUp(DeploymentSpec spec) {
    Duration settle = SloCapacity.estimatedLeadTime(spec, Catalog.bundled()).multipliedBy(2);
    return settle.compareTo(WARM_UP) > 0 ? settle : WARM_UP;
  }

  /** When a synthetic trace starts unless --start says otherwise: the Azure hour's own minute. */
  static final Instant SYNTHETIC_START = Instant.parse("2023-11-16T18:15:00Z");

  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Parameters(
      paramLabel = "SPEC",
      arity = "1..*",
      description = "the specs to compare, YAML or JSON")
  List<Path> specFiles;

  @Option(
      names = "--trace",
      paramLabel = "FILE|synthetic:KIND:K=V,...",
      description = {
        "an Azure-format trace (TIMESTAMP,ContextTokens,GeneratedTokens) or a synthetic one:",
        "synthetic:constant:rate=5,duration=1h |"
            + " synthetic:step:base=2,peak=12,at=20m,length=10m,duration=1h |",
        "synthetic:diurnal:mean=5,amplitude=0.6,period=24h,noise=0.1,duration=7d |"
            + " synthetic:bursts:base=2,burst=20,every=10m,length=1m,duration=1h",
        "(default: ${DEFAULT-VALUE}, the jar's copy when the working directory has none)"
      })
  String trace = AZURE_TRACE.toString();

  @Option(
      names = "--max-requests",
      paramLabel = "N",
      description =
          "the most requests the trace may hold, after --repeat (default: what half this JVM's"
              + " heap holds at 64 bytes a request, at least 10 million; here ${DEFAULT-VALUE})")
  long maxRequests = TraceLimits.forHeap(Runtime.getRuntime().maxMemory()).maxRequests();

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description = "play the trace N times back to back (default: 1)")
  int repeat = 1;

  @Option(
      names = "--scale",
      paramLabel = "K",
      description = "play the trace K times as fast (default: 1)")
  double scale = 1;

  @Option(
      names = "--start",
      paramLabel = "INSTANT",
      description =
          "when the trace starts (default: an Azure trace's own clock, its first request at its own"
              + " time; a synthetic one at 2023-11-16T18:15:00Z)")
  Instant start;

  @Option(
      names = "--slo-ttft",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "time-to-first-token objective (default: 2s)")
  Duration sloTtft = Duration.ofSeconds(2);

  @Option(
      names = "--slo-itl",
      paramLabel = "DURATION",
      converter = Durations.class,
      description =
          "time-per-output-token objective, after the first token (default: none); with it a"
              + " request meets the objective only if it meets both")
  Duration sloItl;

  @Option(
      names = "--slo-attainment",
      paramLabel = "PERCENT",
      description =
          "the share of requests that must meet --slo-ttft for a configuration to meet the"
              + " objective (default: 99%%)")
  String sloAttainment = "99%";

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
      names = "--seed",
      paramLabel = "N",
      description = "seed for synthetic traces and random routing (default: ${DEFAULT-VALUE})")
  long seed = 1;

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
   * A spec to simulate: its document (with --model-config's config.json as component.model.config),
   * what it says and how its copies serve.
   */
  private record Prepared(Path file, JsonNode document, DeploymentSpec spec, Serving serving) {}

  /** A spec to simulate, and the world file it leaves behind with --keep-world (null without). */
  private record Job(Prepared prepared, Path world) {}

  /** One spec's run: its result and its scaling decisions. */
  private record Run(SimulationResult result, Decisions decisions) {}

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
    if (sloItl != null && (sloItl.isZero() || sloItl.isNegative())) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--slo-itl must be above zero, got " + sloItl);
    }
    Objective objective = new Objective(sloTtft.toMillis(), itlMs(), attainment());
    writable("--report", reportDir);
    writable("--keep-world", keepWorld);
    List<Prepared> specs = new ArrayList<>();
    Optional<SpecFiles.ModelConfig> model = SpecFiles.modelConfig(commandSpec, modelConfig);
    Optional<ServingQueries.Table> table = SpecFiles.servingTable(commandSpec, serving);
    for (Path file : specFiles) {
      String document = SpecFiles.read(commandSpec, file);
      SpecFiles.Parsed read = SpecFiles.parse(document, model);
      var parsed = read.result();
      if (!parsed.problems().isEmpty()) {
        throw new CommandLine.ParameterException(
            commandSpec.commandLine(),
            file
                + " is not a valid spec:\n  - "
                + String.join("\n  - ", parsed.problems().stream().map(Object::toString).toList()));
      }
      DeploymentSpec spec = parsed.orThrow();
      // What serves first: a model nothing describes is refused naming the field that describes it.
      Serving served = SpecFiles.serving(commandSpec, file.toString(), spec, model, table);
      PreflightReport preflight =
          new Preflight(Catalog.bundled(), Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB).run(parsed);
      if (!preflight.fits()) {
        err.println(file + " does not fit its instance type:");
        preflight.problems().forEach(p -> err.println("  - " + p));
        err.flush();
        return 1;
      }
      specs.add(new Prepared(file, read.tree(), spec, served));
    }
    List<Path> worlds = worldFiles(specs);
    Trace requests = start == null ? onItsOwnClock(loadTrace()) : loadTrace();
    Instant first = start != null ? start : requests.start().orElse(SYNTHETIC_START);
    String description = describeTrace(requests);

    AtomicLong done = new AtomicLong();
    long total = (long) requests.size() * specs.size();
    Progress bar =
        Progress.onTerminal(
            "simulating",
            "/s",
            !noProgress && !json,
            () ->
                new Progress.Status(
                    done.get(),
                    (double) done.get() / total,
                    Progress.compact(done.get()) + " of " + Progress.compact(total) + " requests"));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(specs.size(), Runtime.getRuntime().availableProcessors()));
    List<SimulationResult> results = new ArrayList<>();
    List<Decisions> decisions = new ArrayList<>();
    StringWriter functionLog = new StringWriter();
    PrintWriter warnings = new PrintWriter(functionLog, true);
    try {
      List<Future<Run>> futures = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        Job job = new Job(specs.get(i), worlds.get(i));
        // Each spec reports its own count; the bar shows the sum.
        LongConsumer progress =
            new LongConsumer() {
              private long reported;

              @Override
              public void accept(long requestsDone) {
                done.addAndGet(requestsDone - reported);
                reported = requestsDone;
              }
            };
        futures.add(
            pool.submit(() -> simulate(job, requests, first, description, warnings, progress)));
      }
      for (Future<Run> f : futures) {
        Run run = f.get();
        results.add(run.result());
        decisions.add(run.decisions());
      }
    } finally {
      pool.shutdownNow();
      if (bar != null) {
        bar.close();
      }
    }
    if (!functionLog.toString().isEmpty()) {
      err.print(functionLog);
      err.flush();
    }
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

  /** A directory an option writes into, checked before anything runs (exit 2 if it cannot be). */
  private void writable(String option, Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Report.checkWritable(dir);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          option + " " + dir + ": cannot write there: " + OsReason.of(e));
    }
  }

  /**
   * With --keep-world, where each spec's world goes: its deployment's name, made unique (two specs
   * of one name get -2, -3, ...); nulls without.
   */
  private List<Path> worldFiles(List<Prepared> specs) {
    List<Path> files = new ArrayList<>();
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (Prepared p : specs) {
      if (keepWorld == null) {
        files.add(null);
        continue;
      }
      String base = p.spec().name().replaceAll("[^A-Za-z0-9._-]", "_");
      String name = base;
      for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
        name = base + "-" + n;
      }
      files.add(keepWorld.resolve(name + ".json"));
    }
    return files;
  }

  private Run simulate(
      Job job,
      Trace requests,
      Instant first,
      String description,
      PrintWriter warnings,
      LongConsumer progress) {
    Prepared p = job.prepared();
    Duration warmUp = warmUp(p.spec());
    TwinWorld world = TwinWorld.fresh(first.minus(warmUp));
    TwinFunctions functions = new TwinFunctions(world, warnings);
    String response =
        TwinFunctions.invoke(
            functions.deploy,
            "deploy",
            Json.compact(p.document()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    JsonNode answer = Json.read(response, JsonNode.class);
    if (answer.has("error")) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          p.file() + ": the deploy function refused it: " + answer.get("error"));
    }
    world.advance(warmUp, functions);
    Simulation simulation =
        new Simulation(
                world,
                functions,
                p.spec(),
                p.file().toString(),
                p.serving(),
                new Simulation.Options(
                    seed,
                    sloTtft.toMillis(),
                    itlMs(),
                    attainment(),
                    ServingEngine.Options.SAGEMAKER_TIMEOUT))
            .withInput(
                new Input(
                    "Trace",
                    description,
                    trace.startsWith("synthetic:")
                        ? Input.Provenance.ASSUMED
                        : Input.Provenance.MEASURED,
                    trace.startsWith("synthetic:") ? "synthetic generator, seed " + seed : trace));
    SimulationResult result = simulation.run(requests, progress);
    if (job.world() != null) {
      world.save(job.world());
    }
    return new Run(result, decisions(p.spec(), world, first));
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

  private Trace loadTrace() {
    if (repeat < 1) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--repeat must be at least 1, got " + repeat);
    }
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--scale must be a positive number, got " + scale);
    }
    if (maxRequests < 1) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--max-requests must be at least 1, got " + maxRequests);
    }
    if (start != null) {
      try {
        TraceLimits.checkTime("--start", start);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
      }
    }
    TraceLimits limits = new TraceLimits(maxRequests);
    Trace t;
    try {
      t = read(commandSpec, trace, seed, limits);
      // Checked before --repeat builds anything: the trace played N times, K times as fast.
      limits.check(
          trace
              + (repeat == 1 ? "" : " x" + repeat)
              + (scale == 1 ? "" : " at " + scale + "x rate"),
          (double) t.size() * repeat,
          t.endMicros() / 1e6 * repeat / scale);
      if (repeat != 1) {
        t = t.repeat(repeat);
      }
      if (scale != 1) {
        t = t.scaleRate(scale);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--trace: " + e.getMessage());
    }
    if (t.size() == 0) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--trace: " + trace + " holds no request");
    }
    return t;
  }

  /**
   * A trace as {@code --trace} names it: {@code synthetic:...}, or an Azure-format file (the
   * default Azure hour, like any relative name of a shipped file, from the jar outside a checkout).
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  static Trace read(
      CommandLine.Model.CommandSpec commandSpec, String trace, long seed, TraceLimits limits) {
    if (trace.startsWith("synthetic:")) {
      return Synthetic.parse(trace, seed, limits);
    }
    Path file = Bundled.resolve(commandSpec, Path.of(trace));
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such trace file: " + trace);
    }
    return Trace.azure(file, limits);
  }

  /**
   * A trace that recorded its clock time (an Azure trace) starts on the minute of its first
   * request, which keeps its second within it, so that schedules fire at the trace's own clock
   * times.
   */
  private static Trace onItsOwnClock(Trace t) {
    return t.start()
        .map(
            at ->
                t.delayed(
                    Duration.between(at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES), at)
                            .toNanos()
                        / 1000))
        .orElse(t);
  }

  private String describeTrace(Trace t) {
    StringBuilder s = new StringBuilder(trace);
    if (repeat != 1) {
      s.append(" x").append(repeat);
    }
    if (scale != 1) {
      s.append(String.format(Locale.ROOT, " at %sx rate", fmtNumber(scale)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            ": %,d requests over %s (%.2f requests/s)",
            t.size(),
            human(t.span()),
            t.meanRate()));
    return s.toString();
  }

  static String human(Duration d) {
    long minutes = Math.round(d.toSeconds() / 60.0);
    return minutes >= 2 * 24 * 60
        ? String.format(Locale.ROOT, "%.1f days", minutes / 1440.0)
        : minutes >= 120 ? String.format(Locale.ROOT, "%.1f h", minutes / 60.0) : minutes + " min";
  }

  private static String fmtNumber(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** The specs side by side, a column each, headed by their verdicts. */
  static String table(List<SimulationResult> results, Objective objective) {
    return SummaryTable.text(results.stream().map(SimulationResult::summary).toList(), objective);
  }

  /** --slo-itl in milliseconds, 0 without one. */
  private double itlMs() {
    return sloItl == null ? 0 : sloItl.toNanos() / 1e6;
  }

  /** --slo-attainment as a share: "99%", "99.9", "0.99" (a number at most 1 is a share). */
  private double attainment() {
    String t = sloAttainment.trim();
    boolean percent = t.endsWith("%");
    double v;
    try {
      v = Double.parseDouble(percent ? t.substring(0, t.length() - 1).trim() : t);
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    double share = percent || v > 1 ? v / 100 : v;
    if (!(share > 0 && share <= 1)) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          "--slo-attainment must be a percentage above 0 and at most 100, such as 99%, got "
              + sloAttainment);
    }
    return share;
  }
}
