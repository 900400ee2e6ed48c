package dev.copyscale.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which passes TGI runs as CUDA graphs, and what eager ones cost (docs/serving.md). */
class CudaGraphsTest {
  static final String DLC = "763104351884.dkr.ecr.us-east-1.amazonaws.com/";

  static CudaGraphs of(String image, Map<String, String> env) {
    return CudaGraphs.of(Optional.of(image), env);
  }

  @Test
  void theImagesTgiVersionDecides() {
    // The examples' DLC (TGI 2.0) and TGI's own images from 2.0 on: graphs up to 32.
    assertThat(
            of(
                    DLC
                        + "huggingface-pytorch-tgi-inference:2.1-tgi2.0-gpu-py310-cu121-ubuntu22.04",
                    Map.of())
                .largestBatch())
        .isEqualTo(32);
    assertThat(of("ghcr.io/huggingface/text-generation-inference:2.0.4", Map.of()).largestBatch())
        .isEqualTo(32);
    // The HF Llama 2 benchmark's DLC: TGI 1.0.3 predates CUDA graphs.
    CudaGraphs old =
        of(
            DLC + "huggingface-pytorch-tgi-inference:2.0.1-tgi1.0.3-gpu-py39-cu118-ubuntu20.04",
            Map.of());
    assertThat(old.largestBatch()).isZero();
    assertThat(old.reason()).isEqualTo("TGI 1.0.3 (image) predates CUDA graphs: every pass eager");
    assertThat(old.isCalibrationDefault()).isFalse();
    assertThat(of("ghcr.io/huggingface/text-generation-inference:1.4.0", Map.of()).largestBatch())
        .isZero();
    // v1.4.1 to v1.4.5: only when asked for.
    assertThat(of("ghcr.io/huggingface/text-generation-inference:1.4.5", Map.of()).largestBatch())
        .isZero();
    assertThat(
            of(
                    "ghcr.io/huggingface/text-generation-inference:1.4.5",
                    Map.of("ENABLE_CUDA_GRAPHS", "true"))
                .largestBatch())
        .isEqualTo(64);
  }

  @Test
  void anImageNamingNoVersionIsServedAsTheCalibrationsTgiAndSaysSo() {
    CudaGraphs latest = of("ghcr.io/huggingface/text-generation-inference:latest", Map.of());
    assertThat(latest.largestBatch()).isEqualTo(32);
    assertThat(latest.reason()).startsWith("image names no TGI version, served as TGI 2.x");
    assertThat(CudaGraphs.of(Optional.empty(), Map.of())).isEqualTo(CudaGraphs.TGI2_DEFAULT);
  }

  @Test
  void cudaGraphsAndQuantizeOverrideTgi2sDefault() {
    String image = "ghcr.io/huggingface/text-generation-inference:2.0.4";
    assertThat(of(image, Map.of("CUDA_GRAPHS", "0")).largestBatch()).isZero();
    assertThat(of(image, Map.of("CUDA_GRAPHS", "1,2,4,8,16,32,64,128")).largestBatch())
        .isEqualTo(128);
    assertThat(of(image, Map.of("QUANTIZE", "bitsandbytes-nf4")).largestBatch()).isZero();
    assertThatThrownBy(() -> of(image, Map.of("CUDA_GRAPHS", "all")))
        .hasMessageContaining("CUDA_GRAPHS");
  }

  @Test
  void anEagerPassTakesAtLeastTheCpusLaunchTime() {
    // 32 layers x 27 calls x 15.1 us: 13.0 ms; sharded, 29 calls a layer.
    assertThat(CudaGraphs.eagerLaunchMs(32, false)).isCloseTo(13.05, within(0.01));
    assertThat(CudaGraphs.eagerLaunchMs(80, true)).isCloseTo(35.03, within(0.01));
    CopyPhysics graphs = Physics.of("meta-llama/Meta-Llama-3-70B-Instruct", "ml.p4d.24xlarge", 8);
    CopyPhysics eager = graphs.withGraphs(new CudaGraphs(0, "eager"));
    // 70B over eight A100s reads its weights in ~13 ms: the GPU waits for the CPU's 35 ms.
    assertThat(graphs.decodeStepMs(1, 600)).isLessThan(20);
    assertThat(eager.decodeStepMs(1, 600))
        .isCloseTo(CudaGraphs.eagerLaunchMs(80, true) + 1.42, within(0.01));
    // A decode batch above the largest graph runs eagerly even on TGI 2.x.
    assertThat(graphs.decodeStepMs(33, 33 * 600)).isGreaterThan(35);
    // One A10G's 8B decode step outlasts the launches: eager or not, the same.
    CopyPhysics small = Physics.llama8bOnA10G();
    assertThat(small.withGraphs(new CudaGraphs(0, "eager")).decodeStepMs(1, 600))
        .isEqualTo(small.decodeStepMs(1, 600));
  }
}
