package dev.copyscale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.cli.report.FrontierReport;
import dev.copyscale.cli.report.Objective;
import dev.copyscale.cli.report.Units;
import dev.copyscale.frontier.Frontier;
import dev.copyscale.frontier.Frontier.Point;
import dev.copyscale.frontier.Frontier.Spread;
import dev.copyscale.frontier.SearchFamily;
import dev.copyscale.frontier.SearchFamily.Candidate;
import dev.copyscale.frontier.Split;
import dev.copyscale.json.Json;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.sim.Simulation;
import dev.copyscale.twin.sim.Summary;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.traffic.TraceParts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "frontier",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Searches a family of reactive specs (step scaling and target tracking) and clairvoyant"
          + " schedules for an endpoint on a trace and prints the cost-versus-attainment frontier.",
      "Every configuration runs in the twin as simulate runs it (docs/frontier.md says which are"
          + " searched and why); --place puts your own specs on the frontier, and the best reactive"
          + " spec for the objective is chosen on the first part of the trace and scored on the"
          + " rest, then printed as a spec you can use."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:searched",
      "1:a spec does not fit its instance type (preflight)",
      "2:usage error (bad spec, trace or option, or --report DIR cannot be written; nothing runs)",
      "3:the report could not be written after the run (the frontier is printed, then why)"
    })
final class FrontierCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Parameters(
      index = "0",
      paramLabel = "ENDPOINT_SPEC",
      description =
          "a spec giving the endpoint to search for: model, instance type, component resources,"
              + " TGI limits and caps (guardrails, managed instance scaling's maximum); its own"
              + " scaling is replaced by each configuration searched")
  Path endpointFile;

  @Option(
      names = "--place",
      paramLabel = "SPEC",
      arity = "1..*",
      description =
          "specs to place on the frontier (run on the same trace), e.g. examples/simulate/*.yaml")
  List<Path> placeFiles = new ArrayList<>();

  @Mixin TraceOptions traceOptions = new TraceOptions();

  @Mixin ObjectiveOptions objectiveOptions = new ObjectiveOptions();

  @Option(
      names = "--choose-on",
      paramLabel = "PERCENT",
      description =
          "the first part of the trace the recommended reactive spec is chosen on; it is scored on"
              + " the rest (default: 50%%)")
  String chooseOn = "50%";

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "write index.html (the frontier chart, readable offline), frontier.png and frontier.json"
              + " here; checked before anything runs")
  Path reportDir;

  @Option(
      names = "--json",
      description =
          "print {\"trace\", \"objective\", \"endpoint\", \"configurations\", \"frontier\","
              + " \"placed\", \"recommended\"} instead of the text")
  boolean json;

  @Option(
      names = "--no-progress",
      description = "no progress line (it only shows on a terminal anyway)")
  boolean noProgress;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      description =
          "runs each configuration with N seeds (--seed, --seed + 1, ...) where a seed changes its"
              + " run (a synthetic trace is drawn anew, RANDOM routing chooses anew) and judges it"
              + " by the mean over them; 1 is quickest (default: ${DEFAULT-VALUE})")
  int seeds = DEFAULT_SEEDS;

  /**
   * Seeds a configuration runs with by default, where a seed changes its run: docs/frontier.md
   * ("Seeds") says why three.
   */
  static final int DEFAULT_SEEDS = 3;

  /**
   * The trace one seed plays: whole, its first part (cut at {@code split}), where it starts, how
   * the figures' inputs name them, and the simulator's options with that seed.
   */
  private record Sample(
      long seed,
      Trace trace,
      Trace firstPart,
      Split split,
      Instant first,
      Input input,
      Input firstInput,
      Simulation.Options options) {}

  /**
   * A configuration searched or placed: its result on the whole trace for each seed, and their
   * mean.
   */
  private record Scored(
      String name, String kind, String description, List<Summary> perSeed, Spread spread) {
    Point point() {
      return spread.mean();
    }
  }

  /**
   * The jobs of one round: each spec on each seed's trace (whole, or its first part); a spec no
   * seed changes runs once and that run stands for every seed.
   */
  private static final class Round {
    final List<Sample> samples;
    final List<Simulations.Job> jobs = new ArrayList<>();

    Round(List<Sample> samples) {
      this.samples = samples;
    }

    /** Adds {@code specFor}'s spec for each seed; returns, for each seed, the index of its run. */
    int[] add(IntFunction<Simulations.Prepared> specFor, boolean firstPart, boolean seeded) {
      int[] at = new int[samples.size()];
      for (int k = 0; k < samples.size(); k++) {
        if (k > 0 && !seeded) {
          at[k] = at[0];
          continue;
        }
        Sample s = samples.get(k);
        at[k] = jobs.size();
        jobs.add(
            new Simulations.Job(
                specFor.apply(k),
                firstPart ? s.firstPart() : s.trace(),
                s.first(),
                firstPart ? s.firstInput() : s.input(),
                s.options()));
      }
      return at;
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    Objective objective = objectiveOptions.objective(commandSpec);
    double firstShare = share(chooseOn);
    if (seeds < 1) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--seeds must be at least 1, got " + seeds);
    }
    Simulations.checkWritable(commandSpec, "--report", reportDir);
    Optional<Simulations.Prepared> endpointSpec =
        Simulations.prepare(commandSpec, endpointFile, Optional.empty(), Optional.empty(), err);
    if (endpointSpec.isEmpty()) {
      return 1;
    }
    List<Simulations.Prepared> placed = new ArrayList<>();
    for (Path file : placeFiles) {
      Optional<Simulations.Prepared> p =
          Simulations.prepare(commandSpec, file, Optional.empty(), Optional.empty(), err);
      if (p.isEmpty()) {
        return 1;
      }
      placed.add(p.get());
    }
    JsonNode endpointTree = endpointSpec.get().document();
    SearchFamily.Endpoint endpoint;
    try {
      endpoint =
          SearchFamily.endpoint(
              endpointTree, objectiveOptions.sloTtft.toMillis(), Catalog.bundled());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          endpointFile + ": cannot search it for " + objective.describe() + ": " + e.getMessage());
    }
    Trace trace = traceOptions.load(commandSpec);
    String description = traceOptions.describe(trace);
    List<Sample> samples = new ArrayList<>();
    for (int k = 0; k < seeds; k++) {
      long seed = traceOptions.seed + k;
      Trace t = k == 0 || !traceOptions.synthetic() ? trace : traceOptions.load(commandSpec, seed);
      samples.add(
          sample(seed, t, k == 0 ? description : traceOptions.describe(t), firstShare, objective));
    }
    Sample s0 = samples.get(0);
    Split split = s0.split();
    boolean anySeeded =
        traceOptions.synthetic()
            || seeded(endpointSpec.get())
            || placed.stream().anyMatch(this::seeded);

    long began = System.nanoTime();
    // Round one: the reactive family on the whole trace and on its first part, and the placed
    // specs. The family knows the first seed's first part only: what it is chosen on.
    double meanTokens = TraceParts.meanTokens(s0.firstPart());
    if (!(meanTokens > 0)) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          "--trace: its first "
              + minutes(split.atMicros())
              + " hold no request to choose a spec on; give a larger --choose-on");
    }
    List<Candidate> reactive = SearchFamily.reactive(endpoint, meanTokens);
    long tracking = reactive.stream().filter(c -> c.scaling().has("targetTracking")).count();
    double concurrency = SearchFamily.copyConcurrency(endpoint, meanTokens);
    List<Simulations.Prepared> reactiveSpecs = new ArrayList<>();
    for (Candidate c : reactive) {
      reactiveSpecs.add(prepared(c, endpointSpec.get(), endpoint));
    }
    Round round = new Round(samples);
    List<int[]> wholeAt = new ArrayList<>();
    List<int[]> firstAt = new ArrayList<>();
    List<int[]> placedAt = new ArrayList<>();
    reactiveSpecs.forEach(p -> wholeAt.add(round.add(k -> p, false, seeded(p))));
    reactiveSpecs.forEach(p -> firstAt.add(round.add(k -> p, true, seeded(p))));
    placed.forEach(p -> placedAt.add(round.add(k -> p, false, seeded(p))));
    List<Simulations.Run> runs = run(round.jobs, "reactive", err);
    int n = reactive.size();
    List<Scored> searched = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Candidate c = reactive.get(i);
      searched.add(
          scored(c.name(), c.kind().label(), c.description(), summaries(runs, wholeAt.get(i))));
    }
    List<Spread> chosenOnSpread = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      chosenOnSpread.add(spread(reactive.get(i).name(), summaries(runs, firstAt.get(i))));
    }
    List<Point> chosenOn = chosenOnSpread.stream().map(Spread::mean).toList();
    List<Scored> placedScored = new ArrayList<>();
    for (int i = 0; i < placed.size(); i++) {
      List<Summary> perSeed = summaries(runs, placedAt.get(i));
      placedScored.add(scored(perSeed.get(0).spec(), "placed", placed.get(i).file(), perSeed));
    }

    // Round two: the clairvoyant schedules (a copy's throughput is the simulator's, for the
    // trace's mean request; each seed's trace read for its own) and the recommended spec on the
    // rest of the trace.
    Point recommended = Frontier.choose(chosenOn, objective.attainment());
    int chosen = names(reactive).indexOf(recommended.name());
    double copyRate = runs.get(wholeAt.get(0)[0]).result().summary().serving().requestsPerSecond();
    List<List<Candidate>> clairvoyantBySeed = new ArrayList<>();
    for (Sample s : samples) {
      clairvoyantBySeed.add(
          s.trace() == s0.trace() && !clairvoyantBySeed.isEmpty()
              ? clairvoyantBySeed.get(0)
              : SearchFamily.clairvoyant(
                  endpoint, TraceParts.perMinute(s.trace()), s.first(), copyRate));
    }
    List<Candidate> clairvoyant = clairvoyantBySeed.get(0);
    for (List<Candidate> other : clairvoyantBySeed) {
      if (!names(other).equals(names(clairvoyant))) {
        throw new IllegalStateException(
            "the seeds' traces gave different clairvoyant families (a bug; please report it): "
                + names(clairvoyant)
                + " and "
                + names(other));
      }
    }
    Round second = new Round(samples);
    List<int[]> secondAt = new ArrayList<>();
    boolean seededSchedules = seeded(endpointSpec.get());
    for (int i = 0; i < clairvoyant.size(); i++) {
      int index = i;
      secondAt.add(
          second.add(
              k -> prepared(clairvoyantBySeed.get(k).get(index), endpointSpec.get(), endpoint),
              false,
              seededSchedules));
    }
    List<Simulations.Run> secondRuns = run(second.jobs, "clairvoyant", err);
    for (int i = 0; i < clairvoyant.size(); i++) {
      Candidate c = clairvoyant.get(i);
      searched.add(
          scored(
              c.name(), c.kind().label(), c.description(), summaries(secondRuns, secondAt.get(i))));
    }
    // Each reactive spec on the rest, for each seed: what its whole run adds to its run on the
    // first part.
    List<Spread> onRestSpread = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = reactive.get(i).name();
      List<Point> perSeed = new ArrayList<>();
      for (int k = 0; k < samples.size(); k++) {
        Summary whole = runs.get(wholeAt.get(i)[k]).result().summary();
        Summary part = runs.get(firstAt.get(i)[k]).result().summary();
        perSeed.add(
            Frontier.remainder(
                name,
                new Point(name, checkedCost(whole), whole.sloAttainment()),
                whole.requests(),
                new Point(name, checkedCost(part), part.sloAttainment()),
                part.requests()));
      }
      onRestSpread.add(Frontier.overSeeds(name, perSeed));
    }
    List<Point> onRest = onRestSpread.stream().map(Spread::mean).toList();
    Point scoredOnRest = onRest.get(chosen);
    Point hindsight = Frontier.choose(onRest, objective.attainment());
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    // The frontier of everything run on the whole trace: the family's and the placed specs.
    List<Scored> all = new ArrayList<>(searched);
    all.addAll(placedScored);
    List<Point> points = all.stream().map(Scored::point).toList();
    List<Point> frontier = Frontier.pareto(points);
    List<Point> reactivePoints = points.subList(0, n);
    Map<String, Scored> byName = new LinkedHashMap<>();
    all.forEach(s -> byName.put(s.name(), s));
    boolean varies = all.stream().anyMatch(s -> s.spread().varies());

    ObjectNode document = recommendedSpec(reactive.get(chosen), endpointSpec.get(), endpoint);
    String yaml =
        new YAMLMapper()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .writeValueAsString(document);
    Scored whole = byName.get(recommended.name());
    ObjectNode result =
        json(
            description,
            objective,
            endpoint,
            concurrency,
            samples,
            anySeeded,
            all,
            frontier,
            placedScored,
            reactivePoints,
            whole,
            reactive.get(chosen),
            split,
            chosenOnSpread.get(chosen),
            onRestSpread.get(chosen),
            hindsight,
            chosenOnSpread,
            onRestSpread,
            document);
    StringWriter text = new StringWriter();
    PrintWriter t = new PrintWriter(text);
    t.println("trace: " + description);
    t.println("objective: " + objective.describe());
    t.printf(
        Locale.ROOT,
        "endpoint: %s, %s: %d copies an instance, at most %d instances and %d copies; new capacity"
            + " serves in about %d min%n",
        endpointFile,
        endpointSpec.get().spec().endpoint().instanceType(),
        endpoint.copiesPerInstance(),
        endpoint.maxInstances(),
        endpoint.maxCopies(),
        endpoint.leadMinutes());
    t.printf(
        Locale.ROOT,
        "a copy: TTFT reaches %s at %.1f requests in flight; TGI's batch (%,d tokens) holds %.0f of"
            + " the first part's mean request (%,.0f tokens): thresholds and targets are shares of"
            + " %.0f%n",
        Units.ms(objectiveOptions.sloTtft.toMillis()),
        endpoint.objectiveConcurrency(),
        endpoint.maxBatchTotalTokens(),
        Math.floor(endpoint.maxBatchTotalTokens() / meanTokens),
        meanTokens,
        concurrency);
    t.println(seedsLine(samples, anySeeded));
    t.printf(
        Locale.ROOT,
        "searched: %d reactive specs (%d step, %d target tracking; also on the first %s) and %d"
            + " clairvoyant schedules, %d simulations in %s%n",
        n,
        n - tracking,
        tracking,
        minutes(split.atMicros()),
        clairvoyant.size(),
        round.jobs.size() + second.jobs.size(),
        Units.duration(took.toMillis() / 1000.0));
    t.println();
    t.println("frontier (no configuration run is as cheap and as good as one of these):");
    // The range over seeds, where seeds changed anything, after the name padded to its longest.
    String row = varies ? "  %10s  %10s  %-11s  %-40s  %s%n" : "  %10s  %10s  %-11s  %s%s%n";
    t.printf(
        Locale.ROOT,
        row,
        "cost",
        "attainment",
        "kind",
        "configuration",
        varies ? "over " + samples.size() + " seeds" : "");
    for (Point p : frontier) {
      Scored s = byName.get(p.name());
      t.printf(
          Locale.ROOT,
          row,
          Units.usd(p.costUsd()),
          Units.percent(p.attainment()),
          s.kind(),
          p.name(),
          varies ? range(s.spread()) : "");
    }
    if (!placedScored.isEmpty()) {
      t.println();
      t.println("placed:");
      for (Scored s : placedScored) {
        t.println(
            "  "
                + placement(s.point(), frontier, reactivePoints)
                + (s.spread().varies()
                    ? "; over " + s.spread().seeds() + " seeds " + range(s.spread())
                    : ""));
      }
    }
    t.println();
    Spread onFirst = chosenOnSpread.get(chosen);
    t.printf(
        Locale.ROOT,
        "recommended reactive spec for %s: %s%n  chosen on the first %s: %s at %s; scored on the"
            + " remaining %s (not seen when choosing): %s at %s%s%n  the best reactive spec for the"
            + " rest, chosen with hindsight: %s, %s at %s%n  on the whole trace: %s at %s (%s)%n",
        objective.describe(),
        recommended.name(),
        minutes(split.atMicros()),
        Units.percent(onFirst.mean().attainment()),
        Units.usd(onFirst.mean().costUsd()),
        minutes(split.endMicros() - split.atMicros()),
        Units.percent(scoredOnRest.attainment()),
        Units.usd(scoredOnRest.costUsd()),
        objective.metBy(scoredOnRest.attainment()) ? ", meets it" : ", misses it",
        hindsight.name(),
        Units.percent(hindsight.attainment()),
        Units.usd(hindsight.costUsd()),
        Units.percent(whole.point().attainment()),
        Units.usd(whole.point().costUsd()),
        ratioText(Frontier.ratio(whole.point(), frontier)));
    if (onFirst.varies() || onRestSpread.get(chosen).varies() || whole.spread().varies()) {
      t.printf(
          Locale.ROOT,
          "  over %d seeds: first part %s; rest %s; whole trace %s%n",
          samples.size(),
          range(onFirst),
          range(onRestSpread.get(chosen)),
          range(whole.spread()));
    }
    t.println("  " + reactive.get(chosen).description());
    t.println();
    t.println("# the recommended spec, " + endpointFile + " with its scaling:");
    t.print(yaml);
    t.flush();
    if (json) {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      out.print(text);
    }
    out.flush();
    if (reportDir != null) {
      // The chart's points are the means over seeds, as the text's figures are.
      List<Summary> summaries = all.stream().map(FrontierCommand::meanSummary).toList();
      List<Summary> line = frontier.stream().map(p -> meanSummary(byName.get(p.name()))).toList();
      // Named: the placed specs and the recommended one (and the cheapest to meet the objective,
      // ringed); the frontier's others name themselves on hover and in the table.
      Set<String> labelled = new LinkedHashSet<>();
      placedScored.forEach(s -> labelled.add(s.name()));
      labelled.add(recommended.name());
      try {
        FrontierReport.write(
            reportDir, description, objective, summaries, line, labelled, text.toString(), result);
      } catch (UncheckedIOException e) {
        err.println("copyscale: " + e.getMessage());
        err.flush();
        return 3;
      }
      (json ? err : out).println("report: " + reportDir.resolve("index.html"));
    }
    out.flush();
    err.flush();
    return 0;
  }

  /** One seed's trace, cut for choosing and scoring. */
  private Sample sample(
      long seed, Trace t, String description, double firstShare, Objective objective) {
    Split split;
    try {
      split = Split.of(t.endMicros(), firstShare);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--choose-on: " + e.getMessage());
    }
    return new Sample(
        seed,
        t,
        TraceParts.before(t, split.atMicros()),
        split,
        traceOptions.first(t),
        traceOptions.input(description, seed),
        traceOptions.input(description + ", its first " + minutes(split.atMicros()), seed),
        ObjectiveOptions.simulation(seed, objective));
  }

  /** True when a seed changes {@code spec}'s run: a synthetic trace, or RANDOM routing. */
  private boolean seeded(Simulations.Prepared spec) {
    return traceOptions.synthetic() || "RANDOM".equals(spec.spec().endpoint().routing());
  }

  /** What the seeds are, and whether they change anything here. */
  private String seedsLine(List<Sample> samples, boolean anySeeded) {
    long firstSeed = samples.get(0).seed();
    long lastSeed = samples.get(samples.size() - 1).seed();
    if (samples.size() == 1) {
      return "seeds: 1 (" + firstSeed + ")";
    }
    String which = "seeds: " + samples.size() + " (" + firstSeed + " to " + lastSeed + ")";
    if (!anySeeded) {
      return which
          + ", but none changes a run here (a recorded trace, and every configuration routes to"
          + " the copy with the fewest outstanding requests): each ran once";
    }
    return which
        + (traceOptions.synthetic()
            ? ": each draws the synthetic trace anew"
            : ": each chooses RANDOM routing's copies anew (configurations routing to the fewest"
                + " outstanding requests ran once)")
        + "; a configuration's figures are its means over them";
  }

  /** "97.10% to 98.30%, $12.10 to $12.90": a configuration's range over seeds. */
  private static String range(Spread s) {
    return Units.percent(s.minAttainment())
        + " to "
        + Units.percent(s.maxAttainment())
        + ", "
        + Units.usd(s.minCostUsd())
        + " to "
        + Units.usd(s.maxCostUsd());
  }

  /** A configuration's results on each seed's run, in the seeds' order. */
  private static List<Summary> summaries(List<Simulations.Run> runs, int[] at) {
    List<Summary> perSeed = new ArrayList<>();
    for (int i : at) {
      perSeed.add(runs.get(i).result().summary());
    }
    return perSeed;
  }

  private Scored scored(String name, String kind, String description, List<Summary> perSeed) {
    return new Scored(name, kind, description, perSeed, spread(name, perSeed));
  }

  private Spread spread(String name, List<Summary> perSeed) {
    List<Point> points = new ArrayList<>();
    for (Summary s : perSeed) {
      points.add(new Point(name, checkedCost(s), s.sloAttainment()));
    }
    return Frontier.overSeeds(name, points);
  }

  /** The first seed's summary with the cost and attainment of the mean over seeds. */
  private static Summary meanSummary(Scored scored) {
    Summary s = scored.perSeed().get(0);
    Point mean = scored.point();
    return new Summary(
        s.spec(),
        s.specFile(),
        s.engine(),
        s.instanceType(),
        s.requests(),
        s.failedRequests(),
        s.failuresByType(),
        s.latencyP50Ms(),
        s.latencyP95Ms(),
        s.latencyP99Ms(),
        s.ttftP50Ms(),
        s.ttftP95Ms(),
        s.ttftP99Ms(),
        s.sloTtftMs(),
        s.sloItlMs(),
        mean.attainment(),
        s.copyHours(),
        s.instanceHours(),
        mean.costUsd(),
        s.scalingActions(),
        s.capacityRises(),
        s.medianSecondsToCapacity(),
        s.maxSecondsToCapacity(),
        s.serving(),
        s.objective());
  }

  /**
   * Where a placed configuration stands ({@code frontier} holds it among its points): "sim-slo:
   * $13.71, 97.66%: x1.06 the cheapest at this attainment (NAME, $12.90); the best reactive spec
   * here would have been NAME ($13.10, 97.70%, x1.02)".
   */
  static String placement(Point p, List<Point> frontier, List<Point> reactive) {
    StringBuilder s =
        new StringBuilder()
            .append(p.name())
            .append(": ")
            .append(Units.usd(p.costUsd()))
            .append(", ")
            .append(Units.percent(p.attainment()))
            .append(": ");
    Point cheapest = Frontier.cheapestReaching(frontier, p.attainment()).orElseThrow();
    if (cheapest.costUsd() >= p.costUsd()) {
      s.append("on the frontier")
          .append(cheapest.name().equals(p.name()) ? "" : " (as " + cheapest.name() + ")");
    } else {
      s.append(ratioText(Frontier.ratio(p, frontier)))
          .append(" (")
          .append(cheapest.name())
          .append(", ")
          .append(Units.usd(cheapest.costUsd()))
          .append(")");
    }
    Point best = Frontier.choose(reactive, p.attainment());
    s.append("; the best reactive spec here would have been ")
        .append(best.name())
        .append(" (")
        .append(Units.usd(best.costUsd()))
        .append(", ")
        .append(Units.percent(best.attainment()));
    if (best.attainment() < p.attainment()) {
      s.append(", the most any reached");
    }
    s.append(")");
    return s.toString();
  }

  private static String ratioText(OptionalDouble ratio) {
    return ratio.isPresent()
        ? String.format(Locale.ROOT, "x%.2f the cheapest at this attainment", ratio.getAsDouble())
        : "beyond the frontier";
  }

  private ObjectNode json(
      String description,
      Objective objective,
      SearchFamily.Endpoint endpoint,
      double concurrency,
      List<Sample> samples,
      boolean anySeeded,
      List<Scored> searched,
      List<Point> frontier,
      List<Scored> placed,
      List<Point> reactivePoints,
      Scored whole,
      Candidate recommended,
      Split split,
      Spread chosenOn,
      Spread scoredOnRest,
      Point hindsight,
      List<Spread> firstParts,
      List<Spread> rests,
      ObjectNode document) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("trace", description);
    ArrayNode seedList = root.putArray("seeds");
    samples.forEach(s -> seedList.add(s.seed()));
    root.put("seedsChangeRuns", anySeeded && samples.size() > 1);
    ObjectNode o = root.putObject("objective");
    o.put("ttftMs", objective.ttftMs());
    o.put("itlMs", objective.itlMs());
    o.put("attainment", objective.attainment());
    ObjectNode e = root.putObject("endpoint");
    e.put("spec", endpointFile.toString());
    e.put("copiesPerInstance", endpoint.copiesPerInstance());
    e.put("maxInstances", endpoint.maxInstances());
    e.put("maxCopies", endpoint.maxCopies());
    e.put("objectiveConcurrency", endpoint.objectiveConcurrency());
    e.put("maxBatchTotalTokens", endpoint.maxBatchTotalTokens());
    e.put("copyConcurrency", concurrency);
    e.put("leadMinutes", endpoint.leadMinutes());
    Set<String> onFrontier = new LinkedHashSet<>();
    frontier.forEach(p -> onFrontier.add(p.name()));
    ArrayNode configs = root.putArray("configurations");
    for (int i = 0; i < searched.size(); i++) {
      Scored s = searched.get(i);
      ObjectNode c = configs.addObject();
      c.put("name", s.name());
      c.put("kind", s.kind());
      c.put("description", s.description());
      part(c, s.spread());
      c.put("onFrontier", onFrontier.contains(s.name()));
      // The reactive family comes first: its figures on the part it is chosen on and on the rest.
      if (i < firstParts.size()) {
        part(c.putObject("firstPart"), firstParts.get(i));
        part(c.putObject("rest"), rests.get(i));
      }
    }
    ArrayNode line = root.putArray("frontier");
    frontier.forEach(p -> line.add(p.name()));
    ArrayNode placedNode = root.putArray("placed");
    for (Scored s : placed) {
      Point p = s.point();
      ObjectNode c = placedNode.addObject();
      c.put("name", s.name());
      c.put("file", s.description());
      part(c, s.spread());
      OptionalDouble ratio = Frontier.ratio(p, frontier);
      if (ratio.isPresent()) {
        c.put("ratio", ratio.getAsDouble());
        c.put(
            "cheapestAtThisAttainment",
            Frontier.cheapestReaching(frontier, p.attainment()).orElseThrow().name());
      } else {
        c.putNull("ratio");
        c.putNull("cheapestAtThisAttainment");
      }
      Point best = Frontier.choose(reactivePoints, p.attainment());
      ObjectNode b = c.putObject("bestReactive");
      b.put("name", best.name());
      b.put("costUsd", best.costUsd());
      b.put("attainment", best.attainment());
    }
    ObjectNode r = root.putObject("recommended");
    r.put("name", recommended.name());
    r.put("description", recommended.description());
    ObjectNode on = r.putObject("chosenOn");
    on.put("fromMinute", 0);
    on.put("toMinute", split.atMicros() / 60_000_000L);
    part(on, chosenOn);
    ObjectNode scored = r.putObject("scoredOn");
    scored.put("fromMinute", split.atMicros() / 60_000_000L);
    scored.put("toMinute", (split.endMicros() + 59_999_999L) / 60_000_000L);
    part(scored, scoredOnRest);
    scored.put("meetsObjective", objective.metBy(scoredOnRest.mean().attainment()));
    ObjectNode best = r.putObject("hindsightOnRest");
    best.put("name", hindsight.name());
    best.put("costUsd", hindsight.costUsd());
    best.put("attainment", hindsight.attainment());
    part(r.putObject("wholeTrace"), whole.spread());
    r.set("spec", document);
    Units.forJson(root);
    return root;
  }

  /** A configuration's mean cost and attainment over seeds, and their range. */
  private static void part(ObjectNode node, Spread s) {
    node.put("costUsd", s.mean().costUsd());
    node.put("attainment", s.mean().attainment());
    ObjectNode over = node.putObject("overSeeds");
    over.put("seeds", s.seeds());
    over.put("minCostUsd", s.minCostUsd());
    over.put("maxCostUsd", s.maxCostUsd());
    over.put("minAttainment", s.minAttainment());
    over.put("maxAttainment", s.maxAttainment());
  }

  /** Runs one round of jobs on both cores. */
  private List<Simulations.Run> run(List<Simulations.Job> jobs, String label, PrintWriter err)
      throws InterruptedException, ExecutionException {
    return Simulations.run(commandSpec, jobs, label, noProgress || json, err);
  }

  /** A generated configuration, validated as every spec is (a failure here is a bug). */
  private Simulations.Prepared prepared(
      Candidate c, Simulations.Prepared endpointSpec, SearchFamily.Endpoint endpoint) {
    ObjectNode doc = c.document((ObjectNode) endpointSpec.document(), endpoint.copiesPerInstance());
    SpecResult parsed = SpecParser.parse(doc);
    if (!parsed.problems().isEmpty()) {
      throw new IllegalStateException(
          "copyscale generated an invalid spec "
              + c.name()
              + " (a bug; please report it): "
              + parsed.problems());
    }
    DeploymentSpec spec = parsed.orThrow();
    return new Simulations.Prepared(
        c.name(),
        doc,
        spec,
        SpecFiles.serving(commandSpec, c.name(), spec, Optional.empty(), Optional.empty()));
  }

  /** The recommended configuration as a spec the user can use: the endpoint's own names kept. */
  private static ObjectNode recommendedSpec(
      Candidate c, Simulations.Prepared endpointSpec, SearchFamily.Endpoint endpoint) {
    ObjectNode doc = c.document((ObjectNode) endpointSpec.document(), endpoint.copiesPerInstance());
    DeploymentSpec own = endpointSpec.spec();
    doc.put("name", own.name());
    ((ObjectNode) doc.get("endpoint")).put("name", own.endpoint().name());
    ((ObjectNode) doc.get("component")).put("name", own.component().name());
    SpecResult parsed = SpecParser.parse(doc);
    if (!parsed.problems().isEmpty()) {
      throw new IllegalStateException(
          "copyscale recommended an invalid spec (a bug; please report it): " + parsed.problems());
    }
    return doc;
  }

  private double checkedCost(Summary s) {
    if (!Double.isFinite(s.costUsd())) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          s.specFile()
              + ": the catalog has no price for "
              + s.instanceType()
              + "; a frontier compares costs");
    }
    return s.costUsd();
  }

  private static List<String> names(List<Candidate> candidates) {
    return candidates.stream().map(Candidate::name).toList();
  }

  private static String minutes(long micros) {
    return Units.duration(micros / 1e6);
  }

  /** --choose-on as a share: "50%", "0.5" (a number at most 1 is a share). */
  private double share(String text) {
    double share = ObjectiveOptions.share(text);
    if (!(share > 0 && share < 1)) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          "--choose-on must be a percentage above 0 and below 100, such as 50%, got " + text);
    }
    return share;
  }
}
