package dev.copyscale.serving;

import dev.copyscale.catalog.Accelerator;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which serving model describes a copy, and why: a measured table where one is given (the spec's,
 * or a bundled one for the same model on the same GPU with one GPU per copy, when bundled tables
 * are to win), else one derived from the model's figures (the spec's own config.json, else the
 * catalog's) and the GPUs' (the catalog's accelerators) with the calibrated efficiencies. Nothing
 * is served as another model: when neither describes the copy the answer is the problem, naming the
 * field and how to supply what is missing.
 */
public final class ServingModels {
  /** The calibration's table: the efficiencies come from it (docs/serving.md). */
  public static final String CALIBRATION_TABLE = "llama3-8b-instruct-tgi-a10g.csv";

  /** GPU memory per GPU that is not KV cache or weights, as preflight assumes it (GiB). */
  public static final double RUNTIME_GIB_PER_GPU = 1.0;

  private ServingModels() {}

  /**
   * What to resolve.
   *
   * @param modelId the model TGI serves
   * @param ownModel the spec's (or a command's) own figures for it, winning over the catalog's; its
   *     {@code source} names where they come from ("config.json (component.model.config)")
   * @param ownModelField the field the own figures come from, named in problems
   * @param instanceType SageMaker instance type
   * @param gpus GPUs per copy (SM_NUM_GPUS)
   * @param env the container's environment (TGI's limits)
   * @param bytesPerWeight the width TGI loads the weights in (QUANTIZE, DTYPE, the published dtype)
   * @param kvBytesPerValue the KV cache's width (2, or 1 with KV_CACHE_DTYPE fp8)
   * @param graphs which decode steps replay a CUDA graph, from the image's TGI version and the
   *     environment
   * @param table a measured table's CSV text, if one is given
   * @param tableField where the table comes from, named in provenance and problems
   * @param bundledTablesWin whether a bundled measurement of the same model and GPU wins over the
   *     derived model (engine slo's planning: yes; the twin serving each request's shape: no)
   * @param shape the request shape to derive for (a table's own otherwise; the bundled table's by
   *     default)
   */
  public record Query(
      Catalog catalog,
      String modelId,
      Optional<ModelProfile> ownModel,
      String ownModelField,
      String instanceType,
      int gpus,
      Map<String, String> env,
      double bytesPerWeight,
      double kvBytesPerValue,
      CudaGraphs graphs,
      Optional<String> table,
      String tableField,
      boolean bundledTablesWin,
      Optional<RequestShape> shape) {}

  /** The serving model, or the field and problem that stop it. */
  public record Resolution(Optional<ServingModel> model, String field, String problem) {
    static Resolution problem(String field, String problem) {
      return new Resolution(Optional.empty(), field, problem);
    }
  }

  /**
   * The physics of the copy the query describes (no closed loop is run), when the model's
   * architecture and the GPUs' figures are known.
   */
  public static Optional<CopyPhysics> physics(Query q) {
    Optional<ModelProfile> model =
        q.ownModel().isPresent() ? q.ownModel() : q.catalog().model(q.modelId());
    Optional<Accelerator> gpu =
        q.catalog().instanceType(q.instanceType()).flatMap(t -> q.catalog().accelerator(t));
    if (model.isPresent() && model.get().architecture().isPresent() && gpu.isPresent()) {
      return Optional.of(
          new CopyPhysics(
              model.get(),
              gpu.get(),
              q.gpus(),
              q.bytesPerWeight(),
              q.kvBytesPerValue(),
              Efficiencies.CALIBRATED,
              q.graphs()));
    }
    return Optional.empty();
  }

  /** TGI's limits for the copy's physics: its environment, else TGI's defaults for this copy. */
  public static TgiLimits limits(CopyPhysics physics, Map<String, String> env) {
    return TgiLimits.of(
        env, physics.model().maxContextTokens(), physics.kvCacheTokens(RUNTIME_GIB_PER_GPU));
  }

  public static Resolution resolve(Query q) {
    Optional<ModelProfile> model =
        q.ownModel().isPresent() ? q.ownModel() : q.catalog().model(q.modelId());
    Optional<InstanceType> type = q.catalog().instanceType(q.instanceType());
    Optional<Accelerator> gpu = type.flatMap(t -> q.catalog().accelerator(t));
    Optional<CopyPhysics> physics = physics(q);
    Optional<TgiLimits> limits = physics.map(p -> limits(p, q.env()));
    if (q.table().isPresent()) {
      try {
        ServingProfile table =
            ServingProfile.read(
                q.tableField(),
                new ByteArrayInputStream(q.table().get().getBytes(StandardCharsets.UTF_8)));
        return found(
            ServingModel.measured(table, physics, limits, "measured table " + q.tableField()), q);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalArgumentException e) {
        return Resolution.problem(q.tableField(), e.getMessage());
      }
    }
    if (q.bundledTablesWin() && q.ownModel().isEmpty()) {
      Optional<ServingProfile> bundled =
          ServingProfiles.bundledFor(q.catalog(), q.modelId(), q.instanceType(), q.gpus());
      if (bundled.isPresent()) {
        return found(
            ServingModel.measured(
                bundled.get(), physics, limits, "measured table " + bundled.get().name()),
            q);
      }
    }
    if (physics.isPresent()) {
      String modelSource =
          q.ownModel().isPresent() ? q.ownModel().get().source() : "catalog models.csv";
      String provenance =
          "derived from: model figures ("
              + modelSource
              + "), GPU figures ("
              + gpu.get().datasheet()
              + "), calibration (bundled table "
              + CALIBRATION_TABLE
              + ")"
              + (physics.get().gpus() > 1 && gpu.get().allReduceMeasured()
                  ? String.format(
                      Locale.ROOT,
                      ", all-reduces (%.1f GB/s bus bandwidth measured by nccl-tests, catalog"
                          + " accelerators.csv)",
                      gpu.get().allReduceBusGBs())
                  : "")
              + (q.graphs().isCalibrationDefault()
                  ? ""
                  : ", kernel launches (" + q.graphs().reason() + ")");
      return found(
          ServingModel.derived(
              physics.get(),
              limits.get(),
              q.shape().orElse(RequestShape.BUNDLED_TABLE),
              provenance),
          q);
    }
    return missing(q, model, type);
  }

  private static Resolution found(ServingModel model, Query q) {
    return new Resolution(Optional.of(q.shape().map(model::at).orElse(model)), "", "");
  }

  private static Resolution missing(
      Query q, Optional<ModelProfile> model, Optional<InstanceType> type) {
    String supply =
        " (or --model-config FILE), or a measured serving table as scaling.slo.servingProfile (or"
            + " --serving FILE)";
    if (model.isEmpty()) {
      return Resolution.problem(
          "component.modelId",
          q.modelId()
              + " is not in copyscale's catalog, so nothing describes how it serves: give its"
              + " Hugging Face config.json as component.model.config"
              + supply);
    }
    if (model.get().architecture().isEmpty()) {
      return Resolution.problem(
          q.ownModelField(),
          "gives "
              + q.modelId()
              + "'s memory figures only; how it serves also needs hiddenSize, attentionHeads,"
              + " intermediateSize and vocabSize, or its config.json as component.model.config"
              + supply);
    }
    if (type.isEmpty()) {
      return Resolution.problem(
          "endpoint.instanceType",
          q.instanceType()
              + " is not in copyscale's catalog, so its GPUs are unknown (copyscale catalog lists"
              + " the known types)");
    }
    return Resolution.problem(
        "endpoint.instanceType",
        String.format(
            Locale.ROOT,
            "%s's %s has no throughput, bandwidth and interconnect figures in copyscale's catalog"
                + " (accelerators.csv)",
            q.instanceType(),
            type.get().gpuModel()));
  }
}
