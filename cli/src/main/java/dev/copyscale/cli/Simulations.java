package dev.copyscale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.cli.report.Decisions;
import dev.copyscale.cli.report.OsReason;
import dev.copyscale.cli.report.Report;
import dev.copyscale.json.Json;
import dev.copyscale.preflight.Preflight;
import dev.copyscale.preflight.PreflightReport;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.ServingQueries;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.sim.SharedSimulation;
import dev.copyscale.twin.sim.Simulation;
import dev.copyscale.twin.sim.SimulationResult;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.world.TwinWorld;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Specs run on traces in the twin, each in a world of its own, as many at once as there are cores
 * (one thread a spec): what simulate and frontier share.
 */
final class Simulations {
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
    Duration warmUp = WARM_UP;
    // On a shared endpoint, long enough for the component with the largest model.
    for (DeploymentSpec.Member m : spec.components()) {
      Duration settle =
          SloCapacity.estimatedLeadTime(spec.member(m), Catalog.bundled()).multipliedBy(2);
      warmUp = settle.compareTo(warmUp) > 0 ? settle : warmUp;
    }
    return warmUp;
  }

  private Simulations() {}

  /**
   * A spec to simulate: where it comes from (a file as given, or a generated spec's name), its
   * document (with --model-config's config.json as component.model.config), what it says and how
   * its copies serve.
   */
  record Prepared(
      String file,
      JsonNode document,
      DeploymentSpec spec,
      Serving serving,
      Map<String, Serving> servings) {
    /** A spec of one component, served by {@code serving}. */
    Prepared(String file, JsonNode document, DeploymentSpec spec, Serving serving) {
      this(file, document, spec, serving, Map.of(spec.component().name(), serving));
    }
  }

  /**
   * One spec's run: its result and its scaling decisions; for a spec run as a shared endpoint
   * ({@link Job#componentTraces}), its components' results (the first of them as {@code result})
   * and their decisions, and the cost split.
   */
  record Run(
      SimulationResult result,
      Decisions decisions,
      SharedSimulation.SharedResult shared,
      List<Decisions> componentDecisions) {
    Run(SimulationResult result, Decisions decisions) {
      this(result, decisions, null, List.of(decisions));
    }
  }

  /**
   * One spec on one trace starting at {@code first}, described for the inputs by {@code input},
   * simulated with {@code options} (the objective, and the seed of the routing's random choices);
   * its world is saved to {@code world} when the run ends (null: not kept).
   */
  record Job(
      Prepared spec,
      Trace trace,
      Instant first,
      Input input,
      Simulation.Options options,
      Path world,
      Map<String, Trace> componentTraces) {
    Job(Prepared spec, Trace trace, Instant first, Input input, Simulation.Options options) {
      this(spec, trace, first, input, options, null);
    }

    Job(
        Prepared spec,
        Trace trace,
        Instant first,
        Input input,
        Simulation.Options options,
        Path world) {
      this(spec, trace, first, input, options, world, null);
    }

    /**
     * Every component of the spec on its one endpoint, each replaying its own trace (all on the
     * clock that starts at {@code first}), the cost split among them ({@link SharedSimulation}).
     */
    static Job shared(
        Prepared spec,
        Map<String, Trace> traces,
        Instant first,
        Input input,
        Simulation.Options options,
        Path world) {
      return new Job(spec, null, first, input, options, world, Map.copyOf(traces));
    }

    long requests() {
      return componentTraces == null
          ? trace.size()
          : componentTraces.values().stream().mapToLong(Trace::size).sum();
    }
  }

  /**
   * Checks before anything runs that a directory an option writes into (when given) can be written.
   *
   * @throws CommandLine.ParameterException naming the option, with the operating system's reason
   */
  static void checkWritable(CommandSpec command, String option, Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Report.checkWritable(dir);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          command.commandLine(), option + " " + dir + ": cannot write there: " + OsReason.of(e));
    }
  }

  /**
   * A spec file read, validated and sized; empty (with why printed to {@code err}) when it does not
   * fit its instance type.
   *
   * @throws CommandLine.ParameterException when it cannot be read, is not a valid spec, or nothing
   *     describes how its model serves
   */
  static Optional<Prepared> prepare(
      CommandSpec command,
      Path file,
      Optional<SpecFiles.ModelConfig> model,
      Optional<ServingQueries.Table> table,
      PrintWriter err) {
    return prepare(command, file, model, table, err, false);
  }

  /**
   * As {@link #prepare(CommandSpec, Path, Optional, Optional, PrintWriter)}; with {@code shared}, a
   * spec with several components too (simulate), each component served by its own model.
   */
  static Optional<Prepared> prepare(
      CommandSpec command,
      Path file,
      Optional<SpecFiles.ModelConfig> model,
      Optional<ServingQueries.Table> table,
      PrintWriter err,
      boolean shared) {
    SpecFiles.Parsed read = SpecFiles.parse(SpecFiles.read(command, file), model);
    SpecResult parsed = read.result();
    if (!parsed.problems().isEmpty()) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          file
              + " is not a valid spec:\n  - "
              + String.join("\n  - ", parsed.problems().stream().map(Object::toString).toList()));
    }
    DeploymentSpec spec = parsed.orThrow();
    if (spec.shared() && !shared) {
      // Running one of them alone would report an endpoint that is not the one deployed.
      throw new CommandLine.ParameterException(
          command.commandLine(),
          file
              + " puts "
              + spec.components().size()
              + " components on endpoint "
              + spec.endpoint().name()
              + ": this command serves one component per endpoint (simulate runs a spec with"
              + " several); give each component as a spec of its own");
    }
    if (spec.shared() && model.isPresent()) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          "--model-config gives one model's figures, but "
              + file
              + " has "
              + spec.components().size()
              + " components: give each its own as components[i].model.config");
    }
    // What serves first: a model nothing describes is refused naming the field that describes it.
    Serving served = SpecFiles.serving(command, file.toString(), spec, model, table);
    PreflightReport preflight =
        new Preflight(Catalog.bundled(), Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB).run(parsed);
    if (!preflight.fits()) {
      err.println(file + " does not fit its instance type:");
      preflight.problems().forEach(p -> err.println("  - " + p));
      err.flush();
      return Optional.empty();
    }
    if (!spec.shared()) {
      return Optional.of(new Prepared(file.toString(), read.tree(), spec, served));
    }
    Map<String, Serving> servings = new LinkedHashMap<>();
    for (DeploymentSpec.Member m : spec.components()) {
      servings.put(
          m.name(),
          SpecFiles.serving(
              command, file + " component " + m.name(), spec.member(m), model, table));
    }
    return Optional.of(
        new Prepared(file.toString(), read.tree(), spec, served, Map.copyOf(servings)));
  }

  /**
   * The components of a shared spec each alone on an endpoint of its own, to compare with: the
   * spec's document with {@code components:} replaced by that component alone in the single form
   * ({@code component:} and its {@code scaling:}), deployment and endpoint named {@code
   * NAME-COMPONENT}; everything else as the spec has it: the instance type, initial instances,
   * managed instance scaling (so its min and max instances), routing, budget and guardrails. The
   * component's {@code priority} goes (nothing to share with); its adapters stay on it.
   *
   * @throws CommandLine.ParameterException when such a spec is not valid (naming the component)
   */
  static List<Prepared> separate(CommandSpec command, Prepared shared) {
    List<Prepared> alone = new ArrayList<>();
    JsonNode entries = shared.document().path("components");
    for (int i = 0; i < entries.size(); i++) {
      ObjectNode root = ((ObjectNode) shared.document()).deepCopy();
      root.remove("components");
      ObjectNode component = ((ObjectNode) entries.get(i)).deepCopy();
      String name = component.path("name").asText();
      JsonNode scaling = component.remove("scaling");
      component.remove("priority");
      root.set("component", component);
      if (scaling != null) {
        root.set("scaling", scaling);
      }
      String deployment = shared.spec().name() + "-" + name;
      root.put("name", deployment);
      ((ObjectNode) root.path("endpoint")).put("name", deployment);
      SpecResult parsed = SpecParser.parse(root);
      if (!parsed.problems().isEmpty()) {
        throw new CommandLine.ParameterException(
            command.commandLine(),
            shared.file()
                + ": component "
                + name
                + " alone on an endpoint of its own (to compare with) is not a valid spec:\n  - "
                + String.join("\n  - ", parsed.problems().stream().map(Object::toString).toList()));
      }
      DeploymentSpec spec = parsed.orThrow();
      alone.add(
          new Prepared(
              shared.file() + " (" + name + " alone)", root, spec, shared.servings().get(name)));
    }
    return alone;
  }

  /**
   * Runs every job, as many at once as there are cores, with a progress bar on a terminal unless
   * {@code quiet}; the functions' warnings are printed to {@code err} once all are done.
   *
   * @return the runs in the jobs' order
   */
  static List<Run> run(
      CommandSpec command, List<Job> jobs, String label, boolean quiet, PrintWriter err)
      throws InterruptedException, ExecutionException {
    AtomicLong done = new AtomicLong();
    long total = jobs.stream().mapToLong(Job::requests).sum();
    Progress bar =
        Progress.onTerminal(
            label,
            "/s",
            !quiet,
            () ->
                new Progress.Status(
                    done.get(),
                    (double) done.get() / total,
                    Progress.compact(done.get()) + " of " + Progress.compact(total) + " requests"));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(jobs.size(), Runtime.getRuntime().availableProcessors())));
    StringWriter functionLog = new StringWriter();
    PrintWriter warnings = new PrintWriter(functionLog, true);
    List<Run> runs = new ArrayList<>();
    try {
      List<Future<Run>> futures = new ArrayList<>();
      for (Job job : jobs) {
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
        futures.add(pool.submit(() -> simulate(command, job, warnings, progress)));
      }
      for (Future<Run> f : futures) {
        try {
          runs.add(f.get());
        } catch (ExecutionException e) {
          // A spec the deploy function refused, say: its own message, not the pool's wrapping.
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw e;
        }
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
    return runs;
  }

  private static Run simulate(
      CommandSpec command, Job job, PrintWriter warnings, LongConsumer progress) {
    Prepared p = job.spec();
    Duration warmUp = warmUp(p.spec());
    TwinWorld world = TwinWorld.fresh(job.first().minus(warmUp));
    TwinFunctions functions = new TwinFunctions(world, warnings);
    String response =
        TwinFunctions.invoke(
            functions.deploy,
            "deploy",
            Json.compact(p.document()).getBytes(StandardCharsets.UTF_8));
    JsonNode answer = Json.read(response, JsonNode.class);
    if (answer.has("error")) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          p.file() + ": the deploy function refused it: " + answer.get("error"));
    }
    world.advance(warmUp, functions);
    if (job.componentTraces() != null) {
      SharedSimulation.SharedResult shared =
          new SharedSimulation(world, functions, p.spec(), p.file(), p.servings(), job.options())
              .withInput(job.input())
              .run(job.componentTraces(), progress);
      if (job.world() != null) {
        world.save(job.world());
      }
      List<Decisions> decisions =
          p.spec().components().stream()
              .map(m -> SimulateCommand.decisions(p.spec().member(m), world, job.first()))
              .toList();
      return new Run(shared.components().get(0), decisions.get(0), shared, decisions);
    }
    Simulation simulation =
        new Simulation(world, functions, p.spec(), p.file(), p.serving(), job.options())
            .withInput(job.input());
    SimulationResult result = simulation.run(job.trace(), progress);
    if (job.world() != null) {
      world.save(job.world());
    }
    return new Run(result, SimulateCommand.decisions(p.spec(), world, job.first()));
  }
}
