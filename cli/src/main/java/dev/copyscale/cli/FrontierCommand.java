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
import dev.copyscale.frontier.SearchFamily;
import dev.copyscale.frontier.SearchFamily.Candidate;
import dev.copyscale.frontier.Split;
import dev.copyscale.json.Json;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import dev.copyscale.twin.sim.Input;
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
      "Searches a family of step specs and clairvoyant schedules for an endpoint on a trace and"
          + " prints the cost-versus-attainment frontier.",
      "Every configuration runs in the twin as simulate runs it (docs/frontier.md says which are"
          + " searched and why); --place puts your own specs on the frontier, and the best step"
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
          "the first part of the trace the recommended step spec is chosen on; it is scored on the"
              + " rest (default: 50%%)")
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

  /** A configuration searched or placed, with its result on the whole trace. */
  private record Scored(String name, String kind, String description, Summary summary) {
    static Scored of(Candidate c, Simulations.Run run) {
      return new Scored(c.name(), c.kind().label(), c.description(), run.result().summary());
    }

    Point point() {
      return new Point(name, summary.costUsd(), summary.sloAttainment());
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    Objective objective = objectiveOptions.objective(commandSpec);
    double firstShare = share(chooseOn);
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
    Instant first = traceOptions.first(trace);
    String description = traceOptions.describe(trace);
    Split split;
    try {
      split = Split.of(trace.endMicros(), firstShare);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--choose-on: " + e.getMessage());
    }
    Trace firstPart = TraceParts.before(trace, split.atMicros());
    Input input = traceOptions.input(description);
    Input firstInput = traceOptions.input(description + ", its first " + minutes(split.atMicros()));

    long began = System.nanoTime();
    // Round one: the reactive family on the whole trace and on its first part, and the placed
    // specs. The family knows the first part's requests only: what it is chosen on.
    double meanTokens = TraceParts.meanTokens(firstPart);
    if (!(meanTokens > 0)) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(),
          "--trace: its first "
              + minutes(split.atMicros())
              + " hold no request to choose a spec on; give a larger --choose-on");
    }
    List<Candidate> reactive = SearchFamily.reactive(endpoint, meanTokens);
    double concurrency = SearchFamily.copyConcurrency(endpoint, meanTokens);
    List<Simulations.Prepared> reactiveSpecs = new ArrayList<>();
    for (Candidate c : reactive) {
      reactiveSpecs.add(prepared(c, endpointSpec.get(), endpoint));
    }
    List<Simulations.Job> round = new ArrayList<>();
    reactiveSpecs.forEach(p -> round.add(new Simulations.Job(p, trace, first, input)));
    reactiveSpecs.forEach(p -> round.add(new Simulations.Job(p, firstPart, first, firstInput)));
    placed.forEach(p -> round.add(new Simulations.Job(p, trace, first, input)));
    List<Simulations.Run> runs = run(round, "reactive", objective, err);
    int n = reactive.size();
    List<Scored> searched = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      searched.add(Scored.of(reactive.get(i), runs.get(i)));
    }
    List<Point> chosenOn = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Summary s = runs.get(n + i).result().summary();
      chosenOn.add(new Point(reactive.get(i).name(), checkedCost(s), s.sloAttainment()));
    }
    List<Scored> placedScored = new ArrayList<>();
    for (int i = 0; i < placed.size(); i++) {
      Summary s = runs.get(2 * n + i).result().summary();
      placedScored.add(new Scored(s.spec(), "placed", placed.get(i).file(), s));
    }

    // Round two: the clairvoyant schedules (a copy's throughput is the simulator's, for the
    // trace's mean request) and the recommended step spec on the rest of the trace.
    Point recommended = Frontier.choose(chosenOn, objective.attainment());
    int chosen = names(reactive).indexOf(recommended.name());
    double copyRate = runs.get(0).result().summary().serving().requestsPerSecond();
    List<Candidate> clairvoyant =
        SearchFamily.clairvoyant(endpoint, TraceParts.perMinute(trace), first, copyRate);
    List<Simulations.Job> second = new ArrayList<>();
    for (Candidate c : clairvoyant) {
      second.add(
          new Simulations.Job(prepared(c, endpointSpec.get(), endpoint), trace, first, input));
    }
    List<Simulations.Run> secondRuns = run(second, "clairvoyant", objective, err);
    for (int i = 0; i < clairvoyant.size(); i++) {
      searched.add(Scored.of(clairvoyant.get(i), secondRuns.get(i)));
    }
    // Each reactive spec on the rest: what its whole run adds to its run on the first part.
    List<Point> onRest = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Summary whole = runs.get(i).result().summary();
      Summary part = runs.get(n + i).result().summary();
      onRest.add(
          Frontier.remainder(
              reactive.get(i).name(),
              new Point(whole.spec(), checkedCost(whole), whole.sloAttainment()),
              whole.requests(),
              chosenOn.get(i),
              part.requests()));
    }
    Point scoredOnRest = onRest.get(chosen);
    Point hindsight = Frontier.choose(onRest, objective.attainment());
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    // The frontier of everything run on the whole trace: the family's and the placed specs.
    List<Scored> all = new ArrayList<>(searched);
    all.addAll(placedScored);
    List<Point> points = new ArrayList<>();
    all.forEach(
        s ->
            points.add(new Point(s.name(), checkedCost(s.summary()), s.summary().sloAttainment())));
    List<Point> frontier = Frontier.pareto(points);
    List<Point> reactivePoints = points.subList(0, n);
    Map<String, Scored> byName = new LinkedHashMap<>();
    all.forEach(s -> byName.put(s.name(), s));

    ObjectNode document = recommendedSpec(reactive.get(chosen), endpointSpec.get(), endpoint);
    String yaml =
        new YAMLMapper()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .writeValueAsString(document);
    ObjectNode result =
        json(
            description,
            objective,
            endpoint,
            concurrency,
            all,
            frontier,
            placedScored,
            reactivePoints,
            points,
            byName,
            recommended,
            chosen,
            reactive,
            split,
            scoredOnRest,
            hindsight,
            chosenOn,
            onRest,
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
            + " the first part's mean request (%,.0f tokens): thresholds are shares of %.0f%n",
        Units.ms(objectiveOptions.sloTtft.toMillis()),
        endpoint.objectiveConcurrency(),
        endpoint.maxBatchTotalTokens(),
        Math.floor(endpoint.maxBatchTotalTokens() / meanTokens),
        meanTokens,
        concurrency);
    t.printf(
        Locale.ROOT,
        "searched: %d reactive step specs (also on the first %s) and %d clairvoyant schedules,"
            + " %d simulations in %s%n",
        n,
        minutes(split.atMicros()),
        clairvoyant.size(),
        round.size() + second.size(),
        Units.duration(took.toMillis() / 1000.0));
    t.println();
    t.println("frontier (no configuration run is as cheap and as good as one of these):");
    t.printf(
        Locale.ROOT, "  %10s  %10s  %-11s  %s%n", "cost", "attainment", "kind", "configuration");
    for (Point p : frontier) {
      Scored s = byName.get(p.name());
      t.printf(
          Locale.ROOT,
          "  %10s  %10s  %-11s  %s%n",
          Units.usd(p.costUsd()),
          Units.percent(p.attainment()),
          s.kind(),
          p.name());
    }
    if (!placedScored.isEmpty()) {
      t.println();
      t.println("placed:");
      for (Scored s : placedScored) {
        t.println("  " + placement(s.point(), frontier, reactivePoints));
      }
    }
    t.println();
    Summary onFirst = runs.get(n + chosen).result().summary();
    t.printf(
        Locale.ROOT,
        "recommended step spec for %s: %s%n  chosen on the first %s: %s at %s; scored on the"
            + " remaining %s (not seen when choosing): %s at %s%s%n  the best step spec for the"
            + " rest, chosen with hindsight: %s, %s at %s%n  on the whole trace: %s at %s (%s)%n",
        objective.describe(),
        recommended.name(),
        minutes(split.atMicros()),
        Units.percent(onFirst.sloAttainment()),
        Units.usd(onFirst.costUsd()),
        minutes(split.endMicros() - split.atMicros()),
        Units.percent(scoredOnRest.attainment()),
        Units.usd(scoredOnRest.costUsd()),
        objective.metBy(scoredOnRest.attainment()) ? ", meets it" : ", misses it",
        hindsight.name(),
        Units.percent(hindsight.attainment()),
        Units.usd(hindsight.costUsd()),
        Units.percent(byName.get(recommended.name()).summary().sloAttainment()),
        Units.usd(byName.get(recommended.name()).summary().costUsd()),
        ratioText(Frontier.ratio(byName.get(recommended.name()).point(), frontier)));
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
      List<Summary> summaries = all.stream().map(Scored::summary).toList();
      List<Summary> line = frontier.stream().map(p -> byName.get(p.name()).summary()).toList();
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
      List<Scored> searched,
      List<Point> frontier,
      List<Scored> placed,
      List<Point> reactivePoints,
      List<Point> points,
      Map<String, Scored> byName,
      Point recommended,
      int chosen,
      List<Candidate> reactive,
      Split split,
      Point scoredOnRest,
      Point hindsight,
      List<Point> chosenOn,
      List<Point> onRest,
      ObjectNode document) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("trace", description);
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
      c.put("costUsd", s.summary().costUsd());
      c.put("attainment", s.summary().sloAttainment());
      c.put("onFrontier", onFrontier.contains(s.name()));
      // The reactive family comes first: its figures on the part it is chosen on and on the rest.
      if (i < chosenOn.size()) {
        part(c.putObject("firstPart"), chosenOn.get(i));
        part(c.putObject("rest"), onRest.get(i));
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
      c.put("costUsd", p.costUsd());
      c.put("attainment", p.attainment());
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
    r.put("description", reactive.get(chosen).description());
    ObjectNode on = r.putObject("chosenOn");
    on.put("fromMinute", 0);
    on.put("toMinute", split.atMicros() / 60_000_000L);
    on.put("costUsd", recommended.costUsd());
    on.put("attainment", recommended.attainment());
    ObjectNode scored = r.putObject("scoredOn");
    scored.put("fromMinute", split.atMicros() / 60_000_000L);
    scored.put("toMinute", (split.endMicros() + 59_999_999L) / 60_000_000L);
    scored.put("costUsd", scoredOnRest.costUsd());
    scored.put("attainment", scoredOnRest.attainment());
    scored.put("meetsObjective", objective.metBy(scoredOnRest.attainment()));
    ObjectNode best = r.putObject("hindsightOnRest");
    best.put("name", hindsight.name());
    best.put("costUsd", hindsight.costUsd());
    best.put("attainment", hindsight.attainment());
    Scored whole = byName.get(recommended.name());
    ObjectNode w = r.putObject("wholeTrace");
    w.put("costUsd", whole.summary().costUsd());
    w.put("attainment", whole.summary().sloAttainment());
    r.set("spec", document);
    Units.forJson(root);
    return root;
  }

  private static void part(ObjectNode node, Point p) {
    node.put("costUsd", p.costUsd());
    node.put("attainment", p.attainment());
  }

  /** Runs one round of jobs on both cores, judged by {@code objective}. */
  private List<Simulations.Run> run(
      List<Simulations.Job> jobs, String label, Objective objective, PrintWriter err)
      throws InterruptedException, ExecutionException {
    return Simulations.run(
        commandSpec,
        jobs,
        ObjectiveOptions.simulation(traceOptions.seed, objective),
        label,
        noProgress || json,
        err);
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
