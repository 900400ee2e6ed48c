package dev.copyscale.catalog;

import java.util.Locale;

/**
 * What one GPU does for a serving model: its dense 16-bit tensor throughput (what a prefill's FLOPs
 * run at), its memory bandwidth (what a decode step's bytes stream at) and how it talks to the
 * other GPUs of a copy sharded over several (tensor parallelism: an all-reduce per layer).
 *
 * @param gpuModel as instance-types.csv names it, e.g. {@code NVIDIA A10G}
 * @param gpuMemoryGiB the memory of one GPU (the A100 comes with 40 and 80)
 * @param denseFp16Tflops dense (no 2:4 sparsity) FP16/BF16 tensor-core peak, TFLOPS
 * @param memoryBandwidthGBs GPU memory bandwidth, decimal GB/s
 * @param interconnect how the GPUs of one instance are joined
 * @param interconnectGBs the link's total bidirectional bandwidth per GPU, as the datasheet gives
 *     it
 * @param datasheet the short name of the source, for provenance lines
 * @param source where the figures come from
 */
public record Accelerator(
    String gpuModel,
    double gpuMemoryGiB,
    double denseFp16Tflops,
    double memoryBandwidthGBs,
    Interconnect interconnect,
    double interconnectGBs,
    String datasheet,
    String source) {

  /** The GPU-to-GPU link. */
  public enum Interconnect {
    NVLINK("NVLink"),
    PCIE("PCIe");

    private final String label;

    Interconnect(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static Interconnect parse(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "nvlink" -> NVLINK;
        case "pcie" -> PCIE;
        default -> throw new IllegalStateException("unknown interconnect " + value);
      };
    }
  }

  /** Whether this entry describes the GPUs of an instance type. */
  public boolean describes(InstanceType type) {
    return gpuModel.equals(type.gpuModel()) && gpuMemoryGiB == type.gpuMemoryGiB();
  }

  /** Bytes a second that flow each way over the link: half of the bidirectional figure. */
  public double linkBytesPerSecondEachWay() {
    return interconnectGBs * 1e9 / 2;
  }

  /** A short name for provenance lines, e.g. "NVIDIA A100 40 GB". */
  public String label() {
    return gpuModel + " " + Math.round(gpuMemoryGiB) + " GB";
  }
}
