package dev.copyscale.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Every GPU the catalog's instance types carry has the figures a serving model needs, sourced. */
class AcceleratorsTest {
  private final Catalog catalog = Catalog.bundled();

  @Test
  void everyInstanceTypesGpuHasThroughputBandwidthAndInterconnectWithItsSource() {
    for (InstanceType type : catalog.instanceTypes()) {
      Accelerator gpu = catalog.accelerator(type).orElseThrow(() -> new AssertionError(type));
      assertThat(gpu.denseFp16Tflops()).as(type.name()).isBetween(50.0, 2000.0);
      assertThat(gpu.memoryBandwidthGBs()).as(type.name()).isBetween(200.0, 5000.0);
      assertThat(gpu.interconnectGBs()).as(type.name()).isPositive();
      assertThat(gpu.source()).as(type.name()).contains("datasheet").contains("https://");
      assertThat(gpu.datasheet()).as(type.name()).contains("datasheet");
    }
  }

  @Test
  void theDatasheetsFiguresDenseNotSparse() {
    // NVIDIA quotes tensor peaks with 2:4 sparsity beside the dense ones; the dense ones are the
    // ones dense weights run at.
    assertThat(gpu("ml.p4d.24xlarge").denseFp16Tflops()).isEqualTo(312);
    assertThat(gpu("ml.p4d.24xlarge").memoryBandwidthGBs()).isEqualTo(1555);
    assertThat(gpu("ml.p4de.24xlarge").memoryBandwidthGBs()).isEqualTo(2039);
    assertThat(gpu("ml.p5.48xlarge").denseFp16Tflops()).isEqualTo(989);
    assertThat(gpu("ml.g6.12xlarge").denseFp16Tflops()).isEqualTo(121);
    assertThat(gpu("ml.g6e.12xlarge").denseFp16Tflops()).isEqualTo(362);
    assertThat(gpu("ml.g5.12xlarge").interconnect()).isEqualTo(Accelerator.Interconnect.PCIE);
    assertThat(gpu("ml.g6.12xlarge").interconnect()).isEqualTo(Accelerator.Interconnect.PCIE);
    assertThat(gpu("ml.p4d.24xlarge").interconnect()).isEqualTo(Accelerator.Interconnect.NVLINK);
    assertThat(gpu("ml.p4d.24xlarge").linkBytesPerSecondEachWay()).isEqualTo(300e9);
  }

  @Test
  void anAllReduceBusBandwidthMeasuredOnTheInstancesWinsOverTheDatasheetLinkAndCitesItsRun() {
    Accelerator a10g = gpu("ml.g5.12xlarge");
    assertThat(a10g.allReduceMeasured()).isTrue();
    assertThat(a10g.allReduceBytesPerSecond()).isEqualTo(3.1e9);
    assertThat(a10g.source()).contains("nccl-tests").contains("pytorch/pytorch#127077");
    assertThat(a10g.linkLabel()).isEqualTo("PCIe 64 GB/s (all-reduce measured at 3.1 GB/s)");
    Accelerator l4 = gpu("ml.g6.12xlarge");
    assertThat(l4.allReduceMeasured()).isFalse();
    assertThat(l4.allReduceBytesPerSecond()).isEqualTo(l4.linkBytesPerSecondEachWay());
    assertThat(l4.linkLabel()).isEqualTo("PCIe 64 GB/s");
  }

  @Test
  void everyCatalogModelsArchitectureAccountsForItsParameters() {
    for (ModelProfile m : catalog.models()) {
      ModelProfile.Architecture a = m.architecture().orElseThrow(() -> new AssertionError(m.id()));
      double attention =
          2.0 * a.hiddenSize() * a.attentionHeads() * m.headDim()
              + 2.0 * a.hiddenSize() * m.kvHeads() * m.headDim();
      double mlp =
          a.experts() * a.expertParameters() + (a.experts() > 1 ? a.hiddenSize() * a.experts() : 0);
      double counted = 2.0 * a.vocabSize() * a.hiddenSize() + m.layers() * (attention + mlp);
      assertThat(counted / 1e9).as(m.id()).isCloseTo(m.parametersBillions(), within(0.06));
      assertThat(a.hiddenSize()).as(m.id()).isEqualTo(a.attentionHeads() * m.headDim());
    }
    assertThat(
            catalog
                .model("mistralai/Mixtral-8x7B-Instruct-v0.1")
                .orElseThrow()
                .activeParametersBillions())
        .as("Mistral AI: 12.9B active of 46.7B")
        .isCloseTo(12.9, within(0.1));
  }

  private Accelerator gpu(String type) {
    return catalog.accelerator(catalog.instanceType(type).orElseThrow()).orElseThrow();
  }
}
