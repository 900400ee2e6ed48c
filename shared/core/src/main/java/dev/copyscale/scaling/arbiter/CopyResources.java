package dev.copyscale.scaling.arbiter;

/**
 * What one copy of a component reserves on an instance, as its {@code ComputeResourceRequirements}
 * say: SageMaker places a copy only on an instance with all three free.
 *
 * @param accelerators {@code NumberOfAcceleratorDevicesRequired}
 * @param cpus {@code NumberOfCpuCoresRequired}
 * @param memoryMb {@code MinMemoryRequiredInMb}
 */
public record CopyResources(double accelerators, double cpus, long memoryMb) {
  public CopyResources {
    if (!(accelerators >= 0)
        || !(cpus >= 0)
        || memoryMb < 0
        || Double.isInfinite(accelerators)
        || Double.isInfinite(cpus)) {
      throw new IllegalArgumentException(
          "a copy's resources must be finite and not negative: accelerators "
              + accelerators
              + ", cpus "
              + cpus
              + ", memoryMb "
              + memoryMb);
    }
  }

  /** In words, for messages: {@code 2 accelerators, 12 CPUs, 49152 MiB}. */
  public String describe() {
    return Words.number(accelerators)
        + (accelerators == 1 ? " accelerator, " : " accelerators, ")
        + Words.number(cpus)
        + (cpus == 1 ? " CPU, " : " CPUs, ")
        + memoryMb
        + " MiB";
  }
}
