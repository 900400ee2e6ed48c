package dev.copyscale.serving;

import dev.copyscale.catalog.Accelerator;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.ModelProfile;
import java.util.Map;

/** The catalog's models on the catalog's GPUs, for the serving tests. */
final class Physics {
  static final Catalog CATALOG = Catalog.bundled();
  static final String LLAMA3_8B = "meta-llama/Meta-Llama-3-8B-Instruct";

  /** The bundled table's TGI settings (philschmid/llmperf's TGI 2.0.4 run). */
  static final Map<String, String> TABLE_ENV =
      Map.of(
          "MAX_INPUT_LENGTH",
          "6000",
          "MAX_TOTAL_TOKENS",
          "6144",
          "MAX_BATCH_PREFILL_TOKENS",
          "8192");

  private Physics() {}

  static CopyPhysics of(String model, String instanceType, int gpus) {
    ModelProfile m = CATALOG.model(model).orElseThrow();
    Accelerator gpu =
        CATALOG.accelerator(CATALOG.instanceType(instanceType).orElseThrow()).orElseThrow();
    return new CopyPhysics(m, gpu, gpus, 2, 2, Efficiencies.CALIBRATED, CudaGraphs.TGI2_DEFAULT);
  }

  static CopyPhysics llama8bOnA10G() {
    return of(LLAMA3_8B, "ml.g5.2xlarge", 1);
  }

  static TgiLimits limits(CopyPhysics p, Map<String, String> env) {
    return TgiLimits.of(
        env, p.model().maxContextTokens(), p.kvCacheTokens(ServingModels.RUNTIME_GIB_PER_GPU));
  }
}
