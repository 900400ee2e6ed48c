package dev.copyscale.twin.sagemaker;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.preflight.GpuMemory;
import dev.copyscale.preflight.Preflight;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.spec.ModelDtype;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a copy downloads and loads, and whether it fits its accelerators: the model TGI is told to
 * serve (HF_MODEL_ID), sized from copyscale's catalog as preflight sizes it (weights in the dtype
 * TGI loads, KV cache for MAX_BATCH_TOTAL_TOKENS, else MAX_TOTAL_TOKENS, else TGI's default (the
 * context capped at 4096), and the runtime overhead per GPU). A model the catalog does not know
 * (weights from S3) is downloaded as {@code unknownModelGigabytes} and assumed to fit.
 *
 * @param gigabytes the weights, in decimal GB
 * @param memory what one copy needs in GPU memory; empty when the model is unknown
 */
public record ModelWeights(double gigabytes, Optional<GpuMemory> memory) {

  static ModelWeights of(Map<String, String> env, int accelerators, TwinTimings timings) {
    Optional<ModelProfile> profile =
        Optional.ofNullable(env.get("HF_MODEL_ID")).flatMap(id -> Catalog.bundled().model(id));
    if (profile.isEmpty()) {
      return new ModelWeights(timings.unknownModelGigabytes(), Optional.empty());
    }
    ModelProfile p = profile.get();
    ModelDtype dtype =
        Optional.ofNullable(env.get("QUANTIZE"))
            .flatMap(ModelDtype::forTgiQuantize)
            .or(() -> Optional.ofNullable(env.get("DTYPE")).flatMap(ModelDtype::byName))
            .or(() -> ModelDtype.byName(p.dtype()))
            .orElse(ModelDtype.BFLOAT16);
    double kvBytes =
        env.getOrDefault("KV_CACHE_DTYPE", "").toLowerCase(Locale.ROOT).startsWith("fp8") ? 1 : 2;
    int kvTokens =
        intOr(
            env.get("MAX_BATCH_TOTAL_TOKENS"),
            intOr(
                env.get("MAX_TOTAL_TOKENS"),
                Math.min(p.maxContextTokens(), TgiLimits.DEFAULT_MAX_TOTAL_TOKENS)));
    GpuMemory need =
        GpuMemory.of(
            p,
            dtype,
            kvBytes,
            kvTokens,
            Math.max(1, accelerators),
            Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB);
    return new ModelWeights(need.weightsGB(), Optional.of(need));
  }

  /**
   * The weights, in GB, a copy of {@code spec} downloads and loads (for the simulation's inputs).
   */
  public static double gigabytes(dev.copyscale.spec.DeploymentSpec spec, TwinTimings timings) {
    Map<String, String> env = new java.util.TreeMap<>(spec.component().env());
    env.put("HF_MODEL_ID", spec.component().modelId());
    return of(env, spec.component().resources().accelerators(), timings).gigabytes();
  }

  private static int intOr(String value, int otherwise) {
    try {
      return value == null ? otherwise : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** Why a copy on {@code type} with {@code accelerators} GPUs cannot start, if it cannot. */
  Optional<String> doesNotFit(InstanceType type, int accelerators) {
    if (memory.isEmpty()) {
      return Optional.empty();
    }
    GpuMemory need = memory.get();
    double available = Math.max(1, accelerators) * type.gpuMemoryGiB();
    if (need.totalGiB() <= available) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "CUDA out of memory: the model needs %.2f GiB per copy (weights %.2f GiB, KV cache %.2f"
                + " GiB, runtime %.2f GiB) but %d x %s has %.2f GiB",
            need.totalGiB(),
            need.weightsGiB(),
            need.kvCacheGiB(),
            need.runtimeGiB(),
            Math.max(1, accelerators),
            type.gpuModel(),
            available));
  }
}
