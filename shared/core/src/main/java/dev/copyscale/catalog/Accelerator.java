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
 * @param allReduceBusGBs a measured NCCL all-reduce bus bandwidth between these GPUs on their AWS
 *     instances (nccl-tests' {@code busbw}, GB/s each way per GPU), 0 where none is published: then
 *     half the datasheet's bidirectional figure
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
    double allReduceBusGBs,
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

  /** Whether an all-reduce bus bandwidth was measured on these GPUs' instances. */
  public boolean allReduceMeasured() {
    return allReduceBusGBs > 0;
  }

  /**
   * Bytes a second each GPU's share of a ring all-reduce moves each way (NCCL's bus bandwidth): the
   * measured figure where there is one, else the datasheet link's each way.
   */
  public double allReduceBytesPerSecond() {
    return allReduceMeasured() ? allReduceBusGBs * 1e9 : linkBytesPerSecondEachWay();
  }

  /**
   * The link for provenance lines, e.g. "PCIe 64 GB/s" or "PCIe 64 GB/s (all-reduce measured at 3.1
   * GB/s)".
   */
  public String linkLabel() {
    return String.format(Locale.ROOT, "%s %.0f GB/s", interconnect.label(), interconnectGBs)
        + (allReduceMeasured()
            ? String.format(Locale.ROOT, " (all-reduce measured at %.1f GB/s)", allReduceBusGBs)
            : "");
  }

  /** A short name for provenance lines, e.g. "NVIDIA A100 40 GB". */
  public String label() {
    return gpuModel + " " + Math.round(gpuMemoryGiB) + " GB";
  }
}
