package dev.copyscale.catalog;

/**
 * One SageMaker hosting instance type as the catalog knows it.
 *
 * @param name SageMaker instance type, e.g. {@code ml.g5.12xlarge}
 * @param gpuModel accelerator model, e.g. {@code NVIDIA A10G}
 * @param gpuCount accelerators on one instance
 * @param gpuMemoryGiB memory of one accelerator, GiB
 * @param vcpus vCPUs on one instance
 * @param memoryGiB host memory of one instance, GiB
 * @param priceUsdPerHour on-demand SageMaker real-time inference price in us-east-1, USD per hour
 * @param source where the figures come from
 */
public record InstanceType(
    String name,
    String gpuModel,
    int gpuCount,
    double gpuMemoryGiB,
    int vcpus,
    double memoryGiB,
    double priceUsdPerHour,
    String source) {

  /** Host memory in MiB, the unit SageMaker uses for {@code MinMemoryRequiredInMb}. */
  public long memoryMb() {
    return Math.round(memoryGiB * 1024);
  }

  /**
   * How many copies one instance holds when each reserves {@code accelerators} accelerators, {@code
   * cpus} vCPUs and {@code memoryMb} MiB of host memory: SageMaker places a copy only where all
   * three are free.
   */
  public int copiesPerInstance(int accelerators, double cpus, int memoryMb) {
    int byGpu = accelerators == 0 ? Integer.MAX_VALUE : gpuCount / accelerators;
    int byCpu = (int) Math.floor(vcpus / cpus);
    int byMemory = (int) (memoryMb() / memoryMb);
    return Math.min(byGpu, Math.min(byCpu, byMemory));
  }

  /** The instance type's family, e.g. {@code ml.g5} for {@code ml.g5.12xlarge}. */
  public String family() {
    int lastDot = name.lastIndexOf('.');
    return lastDot < 0 ? name : name.substring(0, lastDot);
  }
}
