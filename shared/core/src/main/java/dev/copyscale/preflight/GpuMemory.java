package dev.copyscale.preflight;

import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.spec.ModelDtype;

/**
 * What one model copy needs in GPU memory, in GiB: weights, the KV cache for the tokens TGI may
 * hold at once ({@code MAX_BATCH_TOTAL_TOKENS}), and the runtime (CUDA context, activations,
 * workspace).
 *
 * @param weightsGiB parameters x bytes per weight
 * @param kvCacheGiB 2 (K and V) x layers x KV heads x head dim x KV bytes x tokens
 * @param runtimeGiB the assumed runtime overhead for all the copy's GPUs
 * @param kvTokens the tokens the KV cache is sized for
 */
public record GpuMemory(double weightsGiB, double kvCacheGiB, double runtimeGiB, int kvTokens) {
  static final double GIB = 1024.0 * 1024 * 1024;

  public double totalGiB() {
    return weightsGiB + kvCacheGiB + runtimeGiB;
  }

  /** Weights in decimal gigabytes, the unit model cards use ("about 16 GB in fp16"). */
  public double weightsGB() {
    return weightsGiB * GIB / 1e9;
  }

  public static GpuMemory of(
      ModelProfile model,
      ModelDtype weights,
      double kvBytesPerValue,
      int kvTokens,
      int accelerators,
      double runtimeGiBPerGpu) {
    double weightBytes = model.parametersBillions() * 1e9 * weights.bytesPerParameter();
    double kvBytesPerToken =
        2.0 * model.layers() * model.kvHeads() * model.headDim() * kvBytesPerValue;
    return new GpuMemory(
        weightBytes / GIB,
        kvBytesPerToken * kvTokens / GIB,
        runtimeGiBPerGpu * accelerators,
        kvTokens);
  }
}
