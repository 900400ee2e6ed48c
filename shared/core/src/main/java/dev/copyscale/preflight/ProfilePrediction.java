package dev.copyscale.preflight;

import dev.copyscale.catalog.Accelerator;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.serving.Calibration;
import dev.copyscale.serving.CopyCapacity;
import dev.copyscale.serving.CopyPhysics;
import dev.copyscale.serving.RequestShape;
import dev.copyscale.serving.ServingModel;
import dev.copyscale.serving.ServingModels;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.serving.ServingProfiles;
import dev.copyscale.serving.TensorParallelCost;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.spec.ModelDtype;
import dev.copyscale.spec.ServingQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code copyscale profile --predict} answers, before anything is deployed: how one copy of a
 * model serves on an instance type's GPUs, for a request shape, from the derived serving model
 * (docs/serving.md): time to first token, inter-token latency and requests per minute against the
 * copy's concurrency, the concurrency its KV cache holds, what tensor parallelism costs, and where
 * every figure comes from. A pure function of the catalog and the question; every problem names
 * what the user gave ({@link Input}).
 */
public final class ProfilePrediction {
  /** What the user gave, named in problems (the command maps them to its options). */
  public enum Input {
    MODEL,
    INSTANCE_TYPE,
    GPUS,
    PROMPT_TOKENS,
    OUTPUT_TOKENS,
    ENV
  }

  /** One thing that stops the prediction. */
  public record Problem(Input input, String message) {}

  /**
   * The question.
   *
   * @param modelId the model (a catalog id, or the name a config.json goes by)
   * @param ownModel the model's own figures (its config.json), winning over the catalog's
   * @param gpus GPUs per copy (SM_NUM_GPUS); empty: the fewest that hold the model
   * @param env TGI's environment (MAX_BATCH_TOTAL_TOKENS, QUANTIZE, ...); TGI's defaults otherwise
   */
  public record Question(
      Catalog catalog,
      String modelId,
      Optional<ModelProfile> ownModel,
      String instanceType,
      Optional<Integer> gpus,
      Map<String, String> env,
      RequestShape shape) {}

  /**
   * A measured figure against the prediction at the concurrency the measurement's client actually
   * kept (Little's law on the measured row: a benchmark's client may fall short of its nominal
   * concurrency, as the bundled table's did above 8).
   */
  public record Versus(
      int nominal, double inFlight, String figure, double predicted, double measured) {
    public double error() {
      return predicted / measured - 1;
    }
  }

  /** A bundled measurement of the same model on the same GPU, set against the prediction. */
  public record Measured(String table, List<Versus> figures) {}

  /**
   * The answer.
   *
   * @param gpusGiven whether the user chose the GPUs per copy (else the fewest that hold the model)
   * @param fewestGpus the fewest GPUs per copy on this instance that hold the model
   * @param warnings what the user should know: tensor parallelism over PCIe
   * @param measured a bundled measurement of this pair at this request shape, if copyscale has one
   */
  public record Prediction(
      ServingModel model,
      ModelProfile modelFigures,
      String modelSource,
      InstanceType instance,
      Accelerator gpu,
      int gpus,
      boolean gpusGiven,
      int fewestGpus,
      TgiLimits limits,
      CopyCapacity capacity,
      TensorParallelCost tensorParallel,
      List<String> warnings,
      Optional<Measured> measured) {}

  /** The prediction, or every problem that stops it. */
  public record Result(Optional<Prediction> prediction, List<Problem> problems) {
    static Result problem(Input input, String message) {
      return new Result(Optional.empty(), List.of(new Problem(input, message)));
    }
  }

  private ProfilePrediction() {}

  public static Result predict(Question q) {
    Catalog catalog = q.catalog();
    Optional<ModelProfile> found =
        q.ownModel().map(m -> m.as(q.modelId(), m.source())).or(() -> catalog.model(q.modelId()));
    if (found.isEmpty()) {
      return Result.problem(
          Input.MODEL,
          q.modelId()
              + " is not in copyscale's catalog, so nothing describes how it serves: give its"
              + " Hugging Face config.json (copyscale catalog lists the known models)");
    }
    ModelProfile model = found.get();
    if (model.architecture().isEmpty()) {
      return Result.problem(
          Input.MODEL,
          q.modelId()
              + " has only memory figures; how it serves also needs its config.json's hidden size,"
              + " heads, MLP and vocabulary");
    }
    Optional<InstanceType> type = catalog.instanceType(q.instanceType());
    if (type.isEmpty()) {
      return Result.problem(
          Input.INSTANCE_TYPE,
          q.instanceType()
              + " is not in copyscale's catalog (copyscale catalog lists the known GPU instance"
              + " types)");
    }
    InstanceType t = type.get();
    Optional<Accelerator> gpu = catalog.accelerator(t);
    if (gpu.isEmpty()) {
      return Result.problem(
          Input.INSTANCE_TYPE,
          t.name()
              + "'s "
              + t.gpuModel()
              + " has no throughput, bandwidth and interconnect figures in copyscale's catalog");
    }
    List<Problem> problems = envProblems(q.env());
    if (!problems.isEmpty()) {
      return new Result(Optional.empty(), problems);
    }
    Optional<String> ignoredBatchTokens =
        Optional.ofNullable(q.env().get(TgiLimits.BATCH_TOTAL_TOKENS));
    int heads = model.architecture().get().attentionHeads();
    Optional<Integer> fewest =
        fewestGpus(
            catalog,
            q.modelId(),
            q.ownModel(),
            t,
            q.env(),
            q.shape(),
            ServingModels.RUNTIME_GIB_PER_GPU);
    int gpus;
    if (q.gpus().isPresent()) {
      gpus = q.gpus().get();
      if (gpus < 1 || t.gpuCount() % gpus != 0) {
        return Result.problem(
            Input.GPUS,
            String.format(
                Locale.ROOT,
                "%s %s's %d GPU%s (a copy takes %s of them)",
                gpus < 1 ? "must be at least 1, and divide" : gpus + " does not divide",
                t.name(),
                t.gpuCount(),
                t.gpuCount() == 1 ? "" : "s",
                divisors(t.gpuCount())));
      }
      if (heads % gpus != 0) {
        return Result.problem(
            Input.GPUS,
            String.format(
                Locale.ROOT,
                "TGI shards %s's %d attention heads evenly over the GPUs of a copy; %d does not"
                    + " divide them",
                model.id(),
                heads,
                gpus));
      }
      Optional<String> shortOf = capacity(q, gpus).shortOfMemory();
      if (shortOf.isPresent()) {
        return Result.problem(
            Input.GPUS,
            String.format(
                Locale.ROOT,
                "%s does not fit %d x %s: %s, %s; %s",
                model.id(),
                gpus,
                gpu.get().label(),
                weights(q, gpus),
                shortOf.get(),
                fewest
                    .map(f -> "it fits " + f + " GPUs per copy on " + t.name())
                    .orElse("it does not fit all " + t.gpuCount() + " of " + t.name())));
      }
    } else if (fewest.isPresent()) {
      gpus = fewest.get();
    } else {
      int all = t.gpuCount();
      String why =
          heads % all == 0
              ? weights(q, all) + ", " + capacity(q, all).shortOfMemory().orElse("")
              : "its " + heads + " attention heads do not split over " + all + " GPUs";
      return Result.problem(
          Input.INSTANCE_TYPE,
          String.format(
              Locale.ROOT,
              "%s does not fit %s, even on all its %d x %s: %s; choose an instance type with more"
                  + " GPU memory",
              model.id(),
              t.name(),
              all,
              gpu.get().label(),
              why));
    }
    ServingModels.Query query = query(q, gpus);
    CopyPhysics physics = ServingModels.physics(query).orElseThrow();
    TgiLimits limits = ServingModels.limits(physics, q.env());
    RequestShape shape = q.shape();
    if (shape.promptTokens() > limits.maxInputTokens()) {
      problems.add(
          new Problem(
              Input.PROMPT_TOKENS,
              String.format(
                  Locale.ROOT,
                  "%d is more than MAX_INPUT_LENGTH %d%s: TGI refuses such requests",
                  shape.promptTokens(),
                  limits.maxInputTokens(),
                  defaulted(limits, "MAX_INPUT_LENGTH"))));
    }
    if (shape.promptTokens() + shape.outputTokens() > limits.maxTotalTokens()) {
      problems.add(
          new Problem(
              Input.OUTPUT_TOKENS,
              String.format(
                  Locale.ROOT,
                  "%d prompt + %d output tokens are more than MAX_TOTAL_TOKENS %d%s: TGI refuses"
                      + " such requests",
                  shape.promptTokens(),
                  shape.outputTokens(),
                  limits.maxTotalTokens(),
                  defaulted(limits, "MAX_TOTAL_TOKENS"))));
    }
    if (!problems.isEmpty()) {
      return new Result(Optional.empty(), problems);
    }
    ServingModels.Resolution resolution = ServingModels.resolve(query);
    ServingModel served =
        resolution
            .model()
            .orElseThrow(
                () -> new IllegalStateException(resolution.field() + ": " + resolution.problem()));
    CopyCapacity capacity = CopyCapacity.of(physics, limits, shape);
    TensorParallelCost tp = TensorParallelCost.of(physics, shape);
    List<String> warnings = new ArrayList<>();
    ignoredBatchTokens
        .map(v -> ignoredBatchTokens(v, capacity.kvCacheTokens()))
        .ifPresent(warnings::add);
    tp.pcieWarning(t.name(), fewest).ifPresent(warnings::add);
    Optional<Measured> measured =
        q.ownModel().isPresent()
            ? Optional.empty()
            : ServingProfiles.bundledFor(catalog, q.modelId(), t.name(), gpus)
                .filter(
                    table ->
                        table.referenceInputTokens() == shape.promptTokens()
                            && table.referenceOutputTokens() == shape.outputTokens())
                .map(table -> measured(table, served));
    return new Result(
        Optional.of(
            new Prediction(
                served,
                model,
                q.ownModel().isPresent() ? model.source() : "catalog models.csv",
                t,
                gpu.get(),
                gpus,
                q.gpus().isPresent(),
                fewest.orElse(gpus),
                limits,
                capacity,
                tp,
                warnings,
                measured)),
        List.of());
  }

  /**
   * The bundled measurement against the prediction, row by row, at the concurrency the client kept
   * in flight.
   */
  static Measured measured(ServingProfile table, ServingModel predicted) {
    List<Versus> figures = new ArrayList<>();
    for (Calibration.Target t : Calibration.targets(table)) {
      double c = t.inFlight();
      figures.add(new Versus(t.nominal(), c, "ttftMs", predicted.ttftMs(c), t.ttftMs()));
      figures.add(
          new Versus(
              t.nominal(), c, "latencyPerTokenMs", latencyPerToken(predicted, c), t.perTokenMs()));
      figures.add(
          new Versus(
              t.nominal(),
              c,
              "requestsPerMinute",
              predicted.requestsPerMinute(c),
              t.requestsPerMinute()));
    }
    return new Measured(table.name(), figures);
  }

  /** llmperf's "inter-token latency" (latency over output tokens) at a concurrency. */
  private static double latencyPerToken(ServingModel model, double concurrency) {
    return model.profile().measuredItlMs(concurrency);
  }

  /** The warning for a MAX_BATCH_TOTAL_TOKENS TGI will not use. */
  public static String ignoredBatchTokens(String given, long kvCacheTokens) {
    return String.format(
        Locale.ROOT,
        "MAX_BATCH_TOTAL_TOKENS %s is not what TGI uses: for flash-attention models (Llama,"
            + " Mistral, Mixtral, Qwen, Yi on GPUs) TGI 2.x ignores it and sizes the batch from the"
            + " GPU memory its warmup finds free (its log says \"`--max-batch-total-tokens` is"
            + " deprecated for Flash Attention models\"); copyscale counts with what the memory"
            + " holds, %,d tokens",
        given.trim(),
        kvCacheTokens);
  }

  /**
   * The fewest GPUs per copy (1, 2, 4, 8: dividing the instance's GPUs and the model's attention
   * heads, as TGI shards) on which TGI starts: the weights and one request of MAX_TOTAL_TOKENS fit.
   */
  public static Optional<Integer> fewestGpus(
      Catalog catalog,
      String modelId,
      Optional<ModelProfile> ownModel,
      InstanceType type,
      Map<String, String> env,
      RequestShape shape,
      double runtimeGiBPerGpu) {
    Question q =
        new Question(catalog, modelId, ownModel, type.name(), Optional.empty(), env, shape);
    Optional<ModelProfile> model =
        ownModel.or(() -> catalog.model(modelId)).filter(m -> m.architecture().isPresent());
    if (model.isEmpty()) {
      return Optional.empty();
    }
    int heads = model.get().architecture().get().attentionHeads();
    for (int g = 1; g <= type.gpuCount(); g *= 2) {
      if (type.gpuCount() % g == 0
          && heads % g == 0
          && ServingModels.physics(query(q, g)).isPresent()
          && capacity(q, g, runtimeGiBPerGpu).shortOfMemory().isEmpty()) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  /** "its weights take 131.5 GiB of the 4 x 24 GiB (bfloat16)". */
  private static String weights(Question q, int gpus) {
    CopyPhysics physics = ServingModels.physics(query(q, gpus)).orElseThrow();
    return String.format(
        Locale.ROOT,
        "its weights take %.1f GiB (%.1f bytes a parameter) of the %d x %.0f GiB",
        physics.weightBytes() / (1024.0 * 1024 * 1024),
        physics.bytesPerWeight(),
        gpus,
        physics.gpu().gpuMemoryGiB());
  }

  private static CopyCapacity capacity(Question q, int gpus) {
    return capacity(q, gpus, ServingModels.RUNTIME_GIB_PER_GPU);
  }

  private static CopyCapacity capacity(Question q, int gpus, double runtimeGiBPerGpu) {
    CopyPhysics physics = ServingModels.physics(query(q, gpus)).orElseThrow();
    return CopyCapacity.of(
        physics,
        TgiLimits.of(
            q.env(), physics.model().maxContextTokens(), physics.kvCacheTokens(runtimeGiBPerGpu)),
        q.shape(),
        runtimeGiBPerGpu);
  }

  private static ServingModels.Query query(Question q, int gpus) {
    return ServingQueries.query(
        q.catalog(),
        q.modelId(),
        q.ownModel().map(m -> m.as(q.modelId(), m.source())),
        "--model-config",
        q.instanceType(),
        gpus,
        q.env(),
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.of(q.shape()));
  }

  /** TGI settings that must be numbers, and the widths copyscale must know. */
  static List<Problem> envProblems(Map<String, String> env) {
    List<Problem> problems = new ArrayList<>();
    for (String name :
        List.of(
            "MAX_INPUT_LENGTH",
            "MAX_INPUT_TOKENS",
            "MAX_TOTAL_TOKENS",
            "MAX_BATCH_TOTAL_TOKENS",
            "MAX_BATCH_PREFILL_TOKENS",
            "MAX_WAITING_TOKENS",
            "MAX_BATCH_SIZE")) {
      String v = env.get(name);
      if (v != null && !positiveInt(v)) {
        problems.add(new Problem(Input.ENV, name + " must be a positive whole number, got " + v));
      }
    }
    String ratio = env.get("WAITING_SERVED_RATIO");
    if (ratio != null) {
      try {
        double r = Double.parseDouble(ratio.trim());
        if (!(r >= 0 && r <= 100)) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.add(
            new Problem(Input.ENV, "WAITING_SERVED_RATIO must be a number from 0, got " + ratio));
      }
    }
    String quantize = env.get("QUANTIZE");
    if (quantize != null && ModelDtype.forTgiQuantize(quantize).isEmpty()) {
      problems.add(
          new Problem(
              Input.ENV,
              "QUANTIZE "
                  + quantize
                  + " is not one copyscale knows ("
                  + String.join(", ", ModelDtype.tgiQuantizeNames())
                  + ")"));
    }
    String dtype = env.get("DTYPE");
    if (dtype != null && ModelDtype.byName(dtype).isEmpty()) {
      problems.add(
          new Problem(
              Input.ENV,
              "DTYPE " + dtype + " is not one of " + String.join(", ", ModelDtype.names())));
    }
    return problems;
  }

  private static boolean positiveInt(String v) {
    try {
      return Integer.parseInt(v.trim()) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String defaulted(TgiLimits limits, String name) {
    return limits.defaulted().contains(name)
        ? " (TGI's default here; raise it with --env " + name + "=N)"
        : "";
  }

  private static String divisors(int n) {
    List<String> d = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (n % i == 0) {
        d.add(String.valueOf(i));
      }
    }
    if (d.size() == 1) {
      return d.get(0);
    }
    return String.join(", ", d.subList(0, d.size() - 1)) + " or " + d.get(d.size() - 1);
  }
}
