package dev.copyscale.cli;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.cli.chat.TgiRequest;
import dev.copyscale.cli.load.ConcurrencySweep;
import dev.copyscale.cli.load.LoadTarget;
import dev.copyscale.cli.load.Tutorial;
import dev.copyscale.cli.load.TwinTarget;
import dev.copyscale.cli.report.ProfileChart;
import dev.copyscale.cli.report.Units;
import dev.copyscale.json.Json;
import dev.copyscale.preflight.ProfilePrediction;
import dev.copyscale.serving.Efficiencies;
import dev.copyscale.serving.RequestShape;
import dev.copyscale.serving.ServingModel;
import dev.copyscale.serving.ServingModels;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.ServingQueries;
import dev.copyscale.twin.world.TwinWorld;
import dev.copyscale.twin.world.WorldFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code copyscale profile}: how one copy of a model serves, predicted from the model's and GPUs'
 * figures ({@code --predict}) or measured on a deployed endpoint ({@code --measure}), as the table
 * {@code scaling.slo.servingProfile} takes.
 */
@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Predicts or measures how one copy of a model serves: time to first token, inter-token"
          + " latency and requests per minute against its concurrency.",
      "--predict derives the table from the model's figures (the catalog's, or its config.json"
          + " with --model-config), the instance's GPUs (dense FP16 throughput, memory bandwidth,"
          + " NVLink or PCIe) and TGI's batching, with the efficiencies calibrated once on the"
          + " bundled measured table (docs/serving.md); it always says which figures it used, the"
          + " concurrency the KV cache holds, and what tensor parallelism over PCIe costs.",
      "--measure DEPLOYMENT sweeps a deployed endpoint's concurrency with streamed requests of the"
          + " tutorial's sampling (in the twin, or a real endpoint with --aws) and writes the table"
          + " in the format scaling.slo.servingProfile takes, with a chart. In the twin it measures"
          + " the twin's own serving, which is the derived model."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the table was predicted, or measured with every request answered",
      "1:a measurement saw failed requests or stopped early",
      "2:usage error (unknown model or instance type, a copy that does not fit, bad options)"
    })
final class ProfileCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  static final class Mode {
    @Option(
        names = "--predict",
        required = true,
        description = "derive the table from the model's and GPUs' figures")
    boolean predict;

    @Option(
        names = "--measure",
        required = true,
        paramLabel = "DEPLOYMENT",
        description = "measure a deployed deployment (the spec's name) at each concurrency")
    String measure;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  @Option(
      names = "--model",
      paramLabel = "ID",
      description = "--predict: a model of the catalog (copyscale catalog lists them)",
      completionCandidates = ModelIds.class)
  String model;

  @Option(
      names = "--model-config",
      paramLabel = "FILE",
      description =
          "--predict: the model's Hugging Face config.json (for a model the catalog lacks; with"
              + " --model, the figures of that model)")
  Path modelConfig;

  @Option(
      names = "--instance-type",
      paramLabel = "TYPE",
      description = "--predict: a SageMaker GPU instance type (copyscale catalog lists them)",
      completionCandidates = InstanceTypes.class)
  String instanceType;

  @Option(
      names = "--gpus",
      paramLabel = "N",
      description =
          "--predict: GPUs per copy, TGI's SM_NUM_GPUS; it must divide the instance's GPUs"
              + " (default: the fewest that hold the model and one request of MAX_TOTAL_TOKENS,"
              + " as a copy would be deployed)")
  Integer gpus;

  @Option(
      names = "--env",
      paramLabel = "NAME=VALUE",
      description =
          "--predict: a TGI setting of the container (MAX_BATCH_TOTAL_TOKENS,"
              + " MAX_BATCH_PREFILL_TOKENS, MAX_INPUT_LENGTH, MAX_TOTAL_TOKENS,"
              + " WAITING_SERVED_RATIO, MAX_WAITING_TOKENS, MAX_BATCH_SIZE, QUANTIZE, DTYPE,"
              + " KV_CACHE_DTYPE); repeat it for several (default: TGI 2.0's defaults)")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(
      names = "--prompt-tokens",
      paramLabel = "N",
      description = "prompt tokens of a request (default: the bundled table's, ${DEFAULT-VALUE})")
  int promptTokens = RequestShape.BUNDLED_TABLE.promptTokens();

  @Option(
      names = "--output-tokens",
      paramLabel = "N",
      description = "output tokens of a request (default: the bundled table's, ${DEFAULT-VALUE})")
  int outputTokens = RequestShape.BUNDLED_TABLE.outputTokens();

  @Mixin WorldOptions where;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      split = ",",
      description =
          "--measure: the concurrencies per copy to measure, increasing (default: the bundled"
              + " table's, 1,2,4,8,16,32,64)")
  List<Integer> concurrency = new ArrayList<>(List.of(1, 2, 4, 8, 16, 32, 64));

  @Option(
      names = "--rounds",
      paramLabel = "R",
      description =
          "--measure: requests per client at each level, the first a warm-up (default:"
              + " ${DEFAULT-VALUE})")
  int rounds = 4;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "--measure: where the table goes (default: DEPLOYMENT-profile.csv)")
  Path out;

  @Option(
      names = "--chart",
      paramLabel = "FILE",
      description = "--measure: where the chart goes, .svg or .png (default: the table's, .svg)")
  Path chart;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "--measure, twin: the routing's random choices (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--json", description = "print the result as JSON")
  boolean json;

  /** The highest concurrency per copy a sweep may ask for. */
  static final int MAX_LEVEL = 1024;

  static final class ModelIds implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Catalog.bundled().models().stream().map(ModelProfile::id).iterator();
    }
  }

  static final class InstanceTypes implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Catalog.bundled().instanceTypes().stream().map(InstanceType::name).sorted().iterator();
    }
  }

  @Override
  public Integer call() throws Exception {
    if (promptTokens < 1 || promptTokens > 1_000_000) {
      throw usage("--prompt-tokens must be from 1 to 1000000, got " + promptTokens);
    }
    if (outputTokens < 1 || outputTokens > 1_000_000) {
      throw usage("--output-tokens must be from 1 to 1000000, got " + outputTokens);
    }
    return mode.predict ? predict() : measure();
  }

  // --predict

  private Integer predict() {
    refuse(
        "--predict",
        List.of("--world", "--aws", "--concurrency", "--rounds", "--out", "--chart", "--seed"));
    if (model == null && modelConfig == null) {
      throw usage("--predict needs --model ID (a catalog model) or --model-config FILE");
    }
    if (instanceType == null) {
      throw usage("--predict needs --instance-type TYPE (copyscale catalog lists them)");
    }
    Optional<ModelProfile> config =
        SpecFiles.modelConfig(commandSpec, modelConfig).map(SpecFiles.ModelConfig::profile);
    String modelId = model != null ? model : modelConfig.toString();
    ProfilePrediction.Result result =
        ProfilePrediction.predict(
            new ProfilePrediction.Question(
                Catalog.bundled(),
                modelId,
                config,
                instanceType,
                Optional.ofNullable(gpus),
                env,
                new RequestShape(promptTokens, outputTokens)));
    if (result.prediction().isEmpty()) {
      ProfilePrediction.Problem p = result.problems().get(0);
      throw usage(option(p.input()) + ": " + p.message());
    }
    ProfilePrediction.Prediction prediction = result.prediction().get();
    PrintWriter o = commandSpec.commandLine().getOut();
    if (json) {
      o.println(Json.pretty(Units.forJson(Json.mapper().valueToTree(predictionJson(prediction)))));
    } else {
      printPrediction(o, prediction);
    }
    o.flush();
    return 0;
  }

  private String option(ProfilePrediction.Input input) {
    return switch (input) {
      case MODEL -> modelConfig != null ? "--model-config " + modelConfig : "--model " + model;
      case INSTANCE_TYPE -> "--instance-type " + instanceType;
      case GPUS -> "--gpus " + gpus;
      case PROMPT_TOKENS -> "--prompt-tokens " + promptTokens;
      case OUTPUT_TOKENS -> "--output-tokens " + outputTokens;
      case ENV -> "--env";
    };
  }

  static Map<String, Object> predictionJson(ProfilePrediction.Prediction p) {
    ServingModel m = p.model();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("model", p.modelFigures().id());
    doc.put("modelSource", p.modelSource());
    doc.put("instanceType", p.instance().name());
    doc.put("gpu", p.gpu().label());
    doc.put("gpusPerCopy", p.gpus());
    doc.put("gpusPerCopyChosen", p.gpusGiven() ? "given" : "the fewest that hold the model");
    doc.put("interconnect", p.gpus() > 1 ? p.gpu().interconnect().label() : null);
    doc.put(
        "request",
        Map.of("promptTokens", m.shape().promptTokens(), "outputTokens", m.shape().outputTokens()));
    doc.put("source", m.source().name().toLowerCase(Locale.ROOT));
    doc.put("provenance", m.provenance());
    Efficiencies e = m.efficiencies().orElseThrow();
    Map<String, Object> eff = new LinkedHashMap<>();
    eff.put("compute", e.compute());
    eff.put("bandwidth", e.bandwidth());
    eff.put("stepOverheadMs", e.stepOverheadMs());
    eff.put("calibratedOn", ServingModels.CALIBRATION_TABLE);
    doc.put("efficiencies", eff);
    TgiLimits l = p.limits();
    Map<String, Object> tgi = new LinkedHashMap<>();
    tgi.put("maxInputTokens", l.maxInputTokens());
    tgi.put("maxTotalTokens", l.maxTotalTokens());
    tgi.put("maxBatchTotalTokens", l.maxBatchTotalTokens());
    tgi.put("maxBatchPrefillTokens", l.maxBatchPrefillTokens());
    tgi.put("waitingServedRatio", l.waitingServedRatio());
    tgi.put("maxWaitingTokens", l.maxWaitingTokens());
    tgi.put("defaulted", l.defaulted());
    doc.put("tgi", tgi);
    Map<String, Object> kv = new LinkedHashMap<>();
    kv.put("tokens", p.capacity().kvCacheTokens());
    kv.put("fromEnvironment", p.capacity().kvCacheFromEnv());
    kv.put("memoryHoldsTokens", p.capacity().memoryKvTokens());
    kv.put("tokensPerRequest", p.capacity().tokensPerRequest());
    kv.put("concurrency", p.capacity().requests());
    kv.put("fullLengthConcurrency", p.capacity().fullLengthRequests());
    doc.put("kvCache", kv);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ServingModel.Row r : m.rows()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("concurrency", r.concurrency());
      row.put("ttftMs", r.ttftMs());
      row.put("itlMs", r.itlMs());
      row.put("latencyPerTokenMs", r.latencyPerTokenMs());
      row.put("requestsPerMinute", r.requestsPerMinute());
      rows.add(row);
    }
    doc.put("rows", rows);
    ServingModel.Row peak = peak(m);
    doc.put("peakRequestsPerMinute", peak.requestsPerMinute());
    doc.put("peakAtConcurrency", peak.concurrency());
    Map<String, Object> tp = new LinkedHashMap<>();
    tp.put("decodeStepMs", p.tensorParallel().decodeStepMs());
    tp.put("decodeAllReduceMs", p.tensorParallel().decodeAllReduceMs());
    tp.put("prefillMs", p.tensorParallel().prefillMs());
    tp.put("prefillAllReduceMs", p.tensorParallel().prefillAllReduceMs());
    doc.put("tensorParallel", tp);
    doc.put("warnings", p.warnings());
    doc.put(
        "measured",
        p.measured()
            .map(
                measured -> {
                  Map<String, Object> mm = new LinkedHashMap<>();
                  mm.put("table", measured.table());
                  List<Map<String, Object>> figures = new ArrayList<>();
                  for (ProfilePrediction.Versus v : measured.figures()) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("concurrency", v.nominal());
                    f.put("inFlight", v.inFlight());
                    f.put("figure", v.figure());
                    f.put("predicted", v.predicted());
                    f.put("measured", v.measured());
                    f.put("error", v.error());
                    figures.add(f);
                  }
                  mm.put("figures", figures);
                  return mm;
                })
            .orElse(null));
    return doc;
  }

  private static ServingModel.Row peak(ServingModel m) {
    ServingModel.Row best = m.rows().get(0);
    for (ServingModel.Row r : m.rows()) {
      if (r.requestsPerMinute() > best.requestsPerMinute()) {
        best = r;
      }
    }
    return best;
  }

  private static void printPrediction(PrintWriter o, ProfilePrediction.Prediction p) {
    ServingModel m = p.model();
    ModelProfile figures = p.modelFigures();
    o.printf(
        Locale.ROOT,
        "copyscale profile --predict: %s on %d x %s (%s)%n%n",
        figures.id(),
        p.gpus(),
        p.gpu().label(),
        p.instance().name());
    o.printf(
        Locale.ROOT,
        "Model        %s: %.2f B parameters%s, %d layers, %d KV heads, %s (%s)%n",
        figures.id(),
        figures.parametersBillions(),
        figures.activeParametersBillions() < figures.parametersBillions()
            ? String.format(Locale.ROOT, " (%.1f B active)", figures.activeParametersBillions())
            : "",
        figures.layers(),
        figures.kvHeads(),
        figures.dtype(),
        p.modelSource());
    o.printf(
        Locale.ROOT,
        "Copy         %d x %s%s on %s: %s%n",
        p.gpus(),
        p.gpu().label(),
        p.gpus() > 1 ? " over " + p.gpu().interconnect().label() : "",
        p.instance().name(),
        p.gpusGiven()
            ? "GPUs per copy as given"
            : "the fewest GPUs per copy that hold the model (--gpus to choose)");
    o.printf(Locale.ROOT, "Request      %s%n", m.shape());
    o.printf(Locale.ROOT, "Provenance   %s%n", m.provenance());
    o.printf(
        Locale.ROOT,
        "Calibration  %s, fitted once on the bundled table %s (docs/serving.md)%n",
        m.efficiencies().orElseThrow(),
        ServingModels.CALIBRATION_TABLE);
    TgiLimits l = p.limits();
    o.printf(
        Locale.ROOT,
        "TGI          MAX_INPUT_LENGTH %,d, MAX_TOTAL_TOKENS %,d, MAX_BATCH_PREFILL_TOKENS %,d,"
            + " WAITING_SERVED_RATIO %s, MAX_WAITING_TOKENS %d%s%n",
        l.maxInputTokens(),
        l.maxTotalTokens(),
        l.maxBatchPrefillTokens(),
        trim(l.waitingServedRatio()),
        l.maxWaitingTokens(),
        l.defaulted().isEmpty()
            ? ""
            : " (TGI 2.0's defaults for " + String.join(", ", l.defaulted()) + ")");
    o.printf(Locale.ROOT, "KV cache     %s%n%n", p.capacity().describe());
    o.printf(
        Locale.ROOT,
        "%12s %12s %10s %15s %14s%n",
        "concurrency",
        "TTFT",
        "ITL",
        "latency/token",
        "requests/min");
    for (ServingModel.Row r : m.rows()) {
      o.printf(
          Locale.ROOT,
          "%12d %12s %10s %15s %14.1f%n",
          r.concurrency(),
          Units.ms(r.ttftMs()),
          oneDecimalMs(r.itlMs()),
          oneDecimalMs(r.latencyPerTokenMs()),
          r.requestsPerMinute());
    }
    ServingModel.Row peak = peak(m);
    o.printf(
        Locale.ROOT,
        "%nPeak         %.1f requests a minute at concurrency %d (ITL: between tokens after the"
            + " first; latency/token: a request's latency over its output tokens, as llmperf and"
            + " the table format count it)%n",
        peak.requestsPerMinute(),
        peak.concurrency());
    p.measured()
        .ifPresent(
            measured -> {
              o.printf(
                  Locale.ROOT,
                  "%nMeasured     the bundled table %s, at the concurrency its client kept in"
                      + " flight:%n",
                  measured.table());
              o.printf(
                  Locale.ROOT,
                  "%12s %10s %22s %22s %24s%n",
                  "concurrency",
                  "in flight",
                  "TTFT pred / meas",
                  "latency/token",
                  "requests/min");
              List<ProfilePrediction.Versus> f = measured.figures();
              for (int i = 0; i + 2 < f.size(); i += 3) {
                o.printf(
                    Locale.ROOT,
                    "%12d %10.1f %22s %22s %24s%n",
                    f.get(i).nominal(),
                    f.get(i).inFlight(),
                    versus(f.get(i), "%.0f"),
                    versus(f.get(i + 1), "%.1f"),
                    versus(f.get(i + 2), "%.1f"));
              }
            });
    if (!p.warnings().isEmpty()) {
      o.printf("%nWarnings:%n");
      p.warnings().forEach(w -> o.printf("  - %s%n", w));
    }
  }

  private static String versus(ProfilePrediction.Versus v, String format) {
    return String.format(
        Locale.ROOT,
        format + " / " + format + " (%+.0f%%)",
        v.predicted(),
        v.measured(),
        100 * v.error());
  }

  private static String oneDecimalMs(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f ms", v) : Units.NONE;
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  // --measure

  /** The twin world, locked from the deployment's read to the end of the sweep. */
  private WorldFile locked;

  private Integer measure() throws Exception {
    try {
      return sweep();
    } finally {
      if (locked != null) {
        locked.close();
      }
    }
  }

  private Integer sweep() throws Exception {
    refuse("--measure", List.of("--model", "--model-config", "--instance-type", "--gpus", "--env"));
    String deployment = mode.measure;
    List<Integer> levels = levels();
    if (rounds < 2 || rounds > 100) {
      throw usage("--rounds must be from 2 to 100 (the first round is a warm-up), got " + rounds);
    }
    Path table = out != null ? out : Path.of(deployment + "-profile.csv");
    Path picture = chart != null ? chart : withExtension(table, ".svg");
    String ext = picture.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!ext.endsWith(".svg") && !ext.endsWith(".png")) {
      throw usage("--chart " + picture + ": give a .svg or .png file");
    }
    RequestShape shape = new RequestShape(promptTokens, outputTokens);
    DeployedEndpoint endpoint =
        DeployedEndpoint.open(commandSpec, where, deployment, "--measure: ");
    locked = endpoint.locked();
    TwinWorld world = endpoint.world();
    DeploymentSpec spec = endpoint.spec();
    Optional<ServingModel> derived = derived(spec, shape);
    derived.flatMap(ServingModel::limits).ifPresent(limits -> checkShape(limits, shape, spec));
    // Room in the HTTP client for the highest level's requests on every copy serving now; the
    // twin serves with the deployed spec's own serving model, as simulate and load serve it.
    DeployedEndpoint.Target reached =
        endpoint.target(
            () -> levels.get(levels.size() - 1) * Math.max(1, endpoint.awsCopies()),
            null,
            null,
            seed);
    StringWriter functionLog = reached.functionLog();
    LoadTarget target = reached.target();
    IntSupplier copies = reached.copies();
    String body =
        TgiRequest.of(
                LoadCommand.filler(shape.promptTokens()),
                Tutorial.PARAMETERS.withMaxNewTokens(shape.outputTokens()))
            .withStream(true)
            .toJson();
    PrintWriter o = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    if (!json) {
      o.printf(
          Locale.ROOT,
          "copyscale profile --measure %s (%s): %s, %d rounds per client, streamed, the tutorial's"
              + " sampling%n%n",
          deployment,
          where.aws ? "AWS" : "twin, virtual time: it serves with the derived model",
          shape,
          rounds);
      o.printf(
          Locale.ROOT,
          "%12s %7s %9s %8s %12s %15s %14s%n",
          "concurrency",
          "copies",
          "measured",
          "failed",
          "TTFT p50",
          "latency/token",
          "requests/min");
      o.flush();
    }
    CtrlC ctrlC = CtrlC.watch("copyscale-profile-stop");
    List<ConcurrencySweep.Level> measured;
    String stoppedBecause = null;
    List<ConcurrencySweep.Level> seen = new ArrayList<>();
    try {
      try (target) {
        measured =
            ConcurrencySweep.run(
                target,
                levels,
                c -> rounds * c,
                i -> body,
                copies,
                ctrlC::pressed,
                level -> {
                  seen.add(level);
                  if (!json) {
                    o.printf(
                        Locale.ROOT,
                        "%12d %7d %9d %8d %12s %15s %14.1f%n",
                        level.concurrency(),
                        level.copies(),
                        level.measured(),
                        level.failed(),
                        Units.ms(level.ttftMs()),
                        oneDecimalMs(level.perTokenMs()),
                        level.requestsPerMinute());
                    o.flush();
                  }
                });
      } catch (ConcurrencySweep.Stopped e) {
        measured = seen;
        stoppedBecause = e.getMessage();
      }
      if (target instanceof TwinTarget twin) {
        twin.finishPeriod();
        locked.save(world);
      }
      if (!functionLog.toString().isEmpty()) {
        err.print(functionLog);
      }
      List<ConcurrencySweep.Level> usable =
          measured.stream()
              .filter(
                  l ->
                      Double.isFinite(l.ttftMs())
                          && Double.isFinite(l.perTokenMs())
                          && Double.isFinite(l.requestsPerMinute())
                          && l.requestsPerMinute() > 0)
              .toList();
      long failed = measured.stream().mapToLong(ConcurrencySweep.Level::failed).sum();
      if (usable.size() < 2) {
        String why =
            stoppedBecause != null
                ? stoppedBecause
                : measured.stream()
                    .map(ConcurrencySweep.Level::firstError)
                    .filter(s -> !s.isEmpty())
                    .findFirst()
                    .map(s -> "requests failed: " + s)
                    .orElse("the run was stopped");
        err.println(
            "copyscale: --measure "
                + deployment
                + ": fewer than two concurrencies measured, so no table was written: "
                + why);
        err.flush();
        return 1;
      }
      String csv = table(spec, usable, shape);
      // The table is read back as scaling.slo.servingProfile reads it: what is written is usable.
      ServingProfile.read(
          table.toString(), new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
      write(table, csv.getBytes(StandardCharsets.UTF_8));
      ProfileChart picture0 =
          new ProfileChart(
              "One copy of " + spec.component().modelId() + " on " + spec.endpoint().instanceType(),
              usable.stream()
                  .map(
                      l ->
                          new ProfileChart.Point(
                              l.concurrency(), l.ttftMs(), l.perTokenMs(), l.requestsPerMinute()))
                  .toList(),
              derived
                  .map(
                      m ->
                          m.rows().stream()
                              .filter(r -> r.concurrency() <= levels.get(levels.size() - 1))
                              .map(
                                  r ->
                                      new ProfileChart.Point(
                                          r.concurrency(),
                                          r.ttftMs(),
                                          r.latencyPerTokenMs(),
                                          r.requestsPerMinute()))
                              .toList())
                  .orElse(List.of()));
      write(
          picture,
          ext.endsWith(".png") ? picture0.png() : picture0.svg().getBytes(StandardCharsets.UTF_8));
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("deployment", deployment);
        doc.put("target", where.aws ? "aws" : "twin");
        doc.put("request", Map.of("promptTokens", promptTokens, "outputTokens", outputTokens));
        doc.put("levels", measured);
        doc.put("failed", failed);
        doc.put("stopped", stoppedBecause != null || ctrlC.pressed());
        doc.put("reason", stoppedBecause);
        doc.put("table", table.toString());
        doc.put("chart", picture.toString());
        doc.put("derived", derived.map(ServingModel::provenance).orElse(null));
        o.println(Json.pretty(Units.forJson(Json.mapper().valueToTree(doc))));
      } else {
        if (stoppedBecause != null) {
          o.printf("%nStopped: %s%n", stoppedBecause);
        }
        if (failed > 0) {
          o.printf(
              Locale.ROOT,
              "%n%s failed: %s%n",
              Units.plural(failed, "request", "requests"),
              measured.stream()
                  .map(ConcurrencySweep.Level::firstError)
                  .filter(s -> !s.isEmpty())
                  .findFirst()
                  .orElse(""));
        }
        o.printf(
            Locale.ROOT,
            "%nWrote %s (scaling.slo.servingProfile takes it as it is) and %s%n",
            table,
            picture);
        derived.ifPresent(
            m -> o.printf(Locale.ROOT, "The chart's dashed line: %s%n", m.provenance()));
      }
      o.flush();
      return failed == 0 && stoppedBecause == null && !ctrlC.pressed() ? 0 : 1;
    } finally {
      ctrlC.close();
    }
  }

  private List<Integer> levels() {
    if (concurrency.size() < 2) {
      throw usage(
          "--concurrency needs at least two levels (a serving table has two rows or more), got "
              + concurrency.size());
    }
    for (int i = 0; i < concurrency.size(); i++) {
      int c = concurrency.get(i);
      if (c < 1 || c > MAX_LEVEL) {
        throw usage("--concurrency " + c + " must be from 1 to " + MAX_LEVEL + " per copy");
      }
      if (i > 0 && c <= concurrency.get(i - 1)) {
        throw usage(
            "--concurrency must increase, as a serving table's rows do: "
                + c
                + " after "
                + concurrency.get(i - 1));
      }
    }
    return List.copyOf(concurrency);
  }

  /** The derived model for the deployment's spec at the shape, when its figures are known. */
  private static Optional<ServingModel> derived(DeploymentSpec spec, RequestShape shape) {
    try {
      return ServingModels.resolve(
              ServingQueries.forSpec(
                  spec,
                  Catalog.bundled(),
                  Optional.empty(),
                  Optional.empty(),
                  false,
                  Optional.of(shape)))
          .model()
          .filter(m -> m.source() == ServingModel.Source.DERIVED);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A request the container would refuse is refused here, before any is sent. */
  private void checkShape(TgiLimits limits, RequestShape shape, DeploymentSpec spec) {
    if (shape.promptTokens() > limits.maxInputTokens()) {
      throw usage(
          String.format(
              Locale.ROOT,
              "--prompt-tokens %d is more than the deployment's MAX_INPUT_LENGTH %d: TGI would"
                  + " refuse every request",
              shape.promptTokens(),
              limits.maxInputTokens()));
    }
    if (shape.promptTokens() + shape.outputTokens() > limits.maxTotalTokens()) {
      throw usage(
          String.format(
              Locale.ROOT,
              "--output-tokens %d with %d prompt tokens is more than the deployment's"
                  + " MAX_TOTAL_TOKENS %d: TGI would refuse every request",
              shape.outputTokens(),
              shape.promptTokens(),
              limits.maxTotalTokens()));
    }
  }

  private String table(
      DeploymentSpec spec, List<ConcurrencySweep.Level> levels, RequestShape shape) {
    int n = levels.size();
    int[] c = new int[n];
    double[] ttft = new double[n];
    double[] perToken = new double[n];
    double[] rpm = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = levels.get(i).concurrency();
      ttft[i] = levels.get(i).ttftMs();
      perToken[i] = levels.get(i).perTokenMs();
      rpm[i] = levels.get(i).requestsPerMinute();
    }
    String where =
        this.where.aws
            ? "measured on AWS"
            : "measured in copyscale's twin, which serves with the derived serving model (so this"
                + " table is that model's, not a measurement of TGI)";
    return ServingProfile.of(spec.name(), c, ttft, perToken, rpm, shape)
        .toCsv(
            "Serving capacity of ONE model copy: "
                + spec.component().modelId()
                + ", "
                + spec.component().resources().accelerators()
                + " GPU(s) per copy on "
                + spec.endpoint().instanceType()
                + ", image "
                + spec.component().image()
                + ".",
            "By copyscale profile --measure "
                + spec.name()
                + ", "
                + where
                + ": medians of "
                + rounds
                + " streamed requests per client after a warm-up round, requests per minute while"
                + " every client was busy; the tutorial's sampling.");
  }

  private void write(Path file, byte[] bytes) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, bytes);
    } catch (IOException e) {
      throw usage("cannot write " + file + ": " + e.getMessage());
    }
  }

  private static Path withExtension(Path file, String ext) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ext);
  }

  /** Options that belong to the other mode, given with this one. */
  private void refuse(String modeName, List<String> options) {
    CommandLine.ParseResult parsed = commandSpec.commandLine().getParseResult();
    List<String> given = options.stream().filter(parsed::hasMatchedOption).toList();
    if (!given.isEmpty()) {
      throw usage(
          String.join(", ", given)
              + (given.size() == 1 ? " does" : " do")
              + " not go with "
              + modeName
              + (modeName.equals("--predict")
                  ? " (it deploys nothing and measures nothing)"
                  : " (the deployment's spec says which model, GPUs and TGI settings serve)"));
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(commandSpec.commandLine(), message);
  }
}
