package dev.copyscale.serving;

import dev.copyscale.catalog.Accelerator;
import dev.copyscale.catalog.ModelProfile;
import java.util.Locale;
import java.util.Optional;

/**
 * How long one forward pass of a model copy takes on its GPUs (docs/serving.md, "The model"):
 *
 * <ul>
 *   <li>a <b>prefill</b> of prompts totalling T tokens is compute-bound: 2 x active parameters x T
 *       FLOPs for the matrix products plus attention's 2 x layers x heads x head dim x sum of
 *       prompt² (causal), at the compute efficiency of the GPUs' dense FP16 peak, but never faster
 *       than reading the weights once;
 *   <li>a <b>decode step</b> of a batch of B requests holding K tokens of KV cache is memory-bound:
 *       the weights once (shared by the whole batch; for a mixture of experts the experts the B
 *       tokens are routed to) plus K tokens of KV cache, at the bandwidth efficiency of the GPUs'
 *       memory bandwidth, but never faster than its FLOPs;
 *   <li><b>tensor parallelism</b> over G GPUs divides both, and pays two all-reduces per layer
 *       (after attention and after the MLP) of tokens x hidden x 2 bytes, ring-reduced: 2 (G-1)/G
 *       of the message over each GPU's link one way, at the all-reduce bus bandwidth measured on
 *       the GPUs' instances where one is published (g5's A10Gs), else half the datasheet link, plus
 *       a fixed latency per all-reduce;
 *   <li>a pass TGI runs eagerly (every prefill; a decode step above the largest CUDA graph, or
 *       every one before TGI 2.0) takes at least the CPU's time to launch its layers' kernels
 *       ({@link CudaGraphs}): the GPU cannot run ahead of the Python that feeds it;
 *   <li>every pass adds a fixed overhead.
 * </ul>
 *
 * <p>Pure arithmetic on the catalog's figures; the {@link Efficiencies} are the only fitted
 * numbers.
 *
 * @param model the model, with its architecture
 * @param gpu the accelerator
 * @param gpus GPUs per copy (TGI's SM_NUM_GPUS): the tensor-parallel degree
 * @param bytesPerWeight 2 for 16-bit weights, less when quantized
 * @param kvBytesPerValue 2 for a 16-bit KV cache, 1 for fp8
 * @param efficiencies the fitted fractions of peak and the per-pass overhead
 * @param graphs which decode steps replay a CUDA graph (the others are launched eagerly)
 */
public record CopyPhysics(
    ModelProfile model,
    Accelerator gpu,
    int gpus,
    double bytesPerWeight,
    double kvBytesPerValue,
    Efficiencies efficiencies,
    CudaGraphs graphs) {

  /**
   * The latency of one all-reduce of a small message (NCCL's fixed cost), ASSUMED: NCCL's own tests
   * show 14-15 us for the smallest all-reduces; PCIe hops cost more than NVLink ones.
   */
  public static final double NVLINK_ALL_REDUCE_US = 10;

  /** As {@link #NVLINK_ALL_REDUCE_US}, over PCIe (ASSUMED). */
  public static final double PCIE_ALL_REDUCE_US = 25;

  public CopyPhysics {
    if (model.architecture().isEmpty()) {
      throw new IllegalArgumentException(
          model.id() + ": the serving model needs the model's architecture (config.json)");
    }
    if (gpus < 1) {
      throw new IllegalArgumentException("gpus per copy must be at least 1: " + gpus);
    }
  }

  private ModelProfile.Architecture arch() {
    return model.architecture().get();
  }

  /** Parameters whose matrix products every token computes: the active ones, less the lookup. */
  double flopParameters() {
    ModelProfile.Architecture a = arch();
    double embedding = a.tiedEmbeddings() ? 0 : (double) a.vocabSize() * a.hiddenSize();
    return model.activeParametersBillions() * 1e9 - embedding;
  }

  /** Bytes of weights a pass over {@code tokens} tokens reads (all GPUs together). */
  double weightBytesRead(double tokens) {
    ModelProfile.Architecture a = arch();
    double total = model.parametersBillions() * 1e9;
    double embedding = a.tiedEmbeddings() ? 0 : (double) a.vocabSize() * a.hiddenSize();
    double experts = (double) a.experts() * model.layers() * a.expertParameters();
    // Under uniform routing, B tokens choosing k of E experts touch E (1 - (1 - k/E)^B) of them.
    double touched =
        a.experts()
            * (1 - Math.pow(1 - (double) a.expertsPerToken() / a.experts(), Math.max(1, tokens)));
    double read = total - embedding - experts + touched * model.layers() * a.expertParameters();
    return read * bytesPerWeight;
  }

  /** Bytes of KV cache one token holds: 2 (K and V) x layers x KV heads x head dim x width. */
  public double kvBytesPerToken() {
    return 2.0 * model.layers() * model.kvHeads() * model.headDim() * kvBytesPerValue;
  }

  /** Bytes of all the weights (what must fit in GPU memory). */
  public double weightBytes() {
    return model.parametersBillions() * 1e9 * bytesPerWeight;
  }

  private double flops() {
    return gpus * gpu.denseFp16Tflops() * 1e12 * efficiencies.compute();
  }

  private double bandwidth() {
    return gpus * gpu.memoryBandwidthGBs() * 1e9 * efficiencies.bandwidth();
  }

  /**
   * Attention FLOPs a token spends per token of context it attends to: 4 x layers x heads x dim.
   */
  private double attentionFlopsPerContextToken() {
    return 4.0 * model.layers() * arch().attentionHeads() * model.headDim();
  }

  /**
   * Milliseconds of one prefill pass over prompts totalling {@code tokens} tokens whose squares sum
   * to {@code sumOfSquares} (causal attention costs half of 4 x layers x heads x dim per pair).
   */
  public double prefillMs(double tokens, double sumOfSquares) {
    double compute =
        (2 * flopParameters() * tokens + attentionFlopsPerContextToken() / 2 * sumOfSquares)
            / flops();
    double memory = weightBytesRead(tokens) / bandwidth();
    double gpu = Math.max(compute, memory) * 1000 + allReduceMs(tokens);
    return Math.max(gpu, eagerLaunchMs()) + efficiencies.stepOverheadMs();
  }

  /** Milliseconds of one decode step of {@code batch} requests holding {@code kvTokens} tokens. */
  public double decodeStepMs(int batch, double kvTokens) {
    return decodeSteps().ms(batch, kvTokens);
  }

  /**
   * The warning where this copy's TGI decodes eagerly at one request in flight and the CPU's
   * launches outlast the GPU's step ({@link CudaGraphs}): its latency per token is the CPU's.
   *
   * @param kvTokens the KV cache the one request holds
   */
  public Optional<String> eagerWarning(double kvTokens) {
    double gpuMs =
        withGraphs(CudaGraphs.TGI2_DEFAULT).decodeStepMs(1, kvTokens)
            - efficiencies.stepOverheadMs();
    if (graphs.covers(1) || eagerLaunchMs() <= gpuMs) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "%s: launching a pass's kernels from Python takes the CPU about %.1f ms (%d layers),"
                + " longer than the %.1f ms the GPUs need for a decode step of one request, so"
                + " every token waits for the CPU; TGI 2.0 and later replay CUDA graphs for decode"
                + " batches up to 32 (docs/serving.md, \"Kernel launches\")",
            graphs.reason(),
            eagerLaunchMs(),
            model.layers(),
            gpuMs));
  }

  /** Milliseconds the CPU takes to launch one eager pass of this copy ({@link CudaGraphs}). */
  public double eagerLaunchMs() {
    return CudaGraphs.eagerLaunchMs(model.layers(), gpus > 1);
  }

  /**
   * Decode steps of this copy, timed as {@link #decodeStepMs} times them with what depends only on
   * the copy and the batch size worked out once: a simulated copy times a step at every event.
   */
  public DecodeSteps decodeSteps() {
    return new DecodeSteps(this);
  }

  /** {@link #decodeStepMs} with its per-copy and per-batch-size terms kept. Not thread-safe. */
  public static final class DecodeSteps {
    private final CopyPhysics physics;
    private final double kvBytesPerToken;
    private final double bandwidth;
    private final double twiceFlopParameters;
    private final double attentionFlopsPerContextToken;
    private final double flops;
    private final double stepOverheadMs;
    private final CudaGraphs graphs;
    private final double eagerLaunchMs;

    /** Weight bytes read and all-reduce milliseconds by batch size; NaN until worked out. */
    private double[] weightBytes = new double[0];

    private double[] allReduceMs = new double[0];

    private DecodeSteps(CopyPhysics physics) {
      this.physics = physics;
      this.kvBytesPerToken = physics.kvBytesPerToken();
      this.bandwidth = physics.bandwidth();
      this.twiceFlopParameters = 2 * physics.flopParameters();
      this.attentionFlopsPerContextToken = physics.attentionFlopsPerContextToken();
      this.flops = physics.flops();
      this.stepOverheadMs = physics.efficiencies().stepOverheadMs();
      this.graphs = physics.graphs();
      this.eagerLaunchMs = physics.eagerLaunchMs();
    }

    /** Milliseconds of one decode step of {@code batch} requests holding {@code kvTokens}. */
    public double ms(int batch, double kvTokens) {
      if (batch >= weightBytes.length) {
        int n = Math.max(batch + 1, 2 * weightBytes.length);
        int from = weightBytes.length;
        weightBytes = java.util.Arrays.copyOf(weightBytes, n);
        allReduceMs = java.util.Arrays.copyOf(allReduceMs, n);
        java.util.Arrays.fill(weightBytes, from, n, Double.NaN);
      }
      if (Double.isNaN(weightBytes[batch])) {
        weightBytes[batch] = physics.weightBytesRead(batch);
        allReduceMs[batch] = physics.allReduceMs(batch);
      }
      double memory = (weightBytes[batch] + kvBytesPerToken * kvTokens) / bandwidth;
      double compute =
          (twiceFlopParameters * batch + attentionFlopsPerContextToken * kvTokens) / flops;
      double gpu = Math.max(memory, compute) * 1000 + allReduceMs[batch];
      return (graphs.covers(batch) ? gpu : Math.max(gpu, eagerLaunchMs)) + stepOverheadMs;
    }
  }

  /** The two all-reduces per layer of a pass over {@code tokens} tokens, in milliseconds. */
  public double allReduceMs(double tokens) {
    if (gpus == 1) {
      return 0;
    }
    double message = tokens * arch().hiddenSize() * 2;
    double ring = 2.0 * (gpus - 1) / gpus * message / gpu.allReduceBytesPerSecond();
    double latencyUs =
        gpu.interconnect() == Accelerator.Interconnect.NVLINK
            ? NVLINK_ALL_REDUCE_US
            : PCIE_ALL_REDUCE_US;
    return 2.0 * model.layers() * (ring * 1000 + latencyUs / 1000);
  }

  /**
   * The tokens TGI's KV cache holds when MAX_BATCH_TOTAL_TOKENS is not set: after loading the
   * weights TGI's warmup gives 95 % of the free memory to KV cache blocks
   * (text-generation-inference v2.0.4, server/.../flash_causal_lm.py {@code warmup}); free memory
   * here is the GPUs' memory less the weights and {@code runtimeGiBPerGpu} (CUDA context,
   * activations) on each GPU.
   */
  public long kvCacheTokens(double runtimeGiBPerGpu) {
    double gib = 1024.0 * 1024 * 1024;
    double free = gpus * (gpu.gpuMemoryGiB() - runtimeGiBPerGpu) * gib - weightBytes();
    return Math.max(0, (long) (0.95 * free / kvBytesPerToken()));
  }

  /** One line: the model, its GPUs and how they are joined. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%s on %d x %s%s",
        model.id(),
        gpus,
        gpu.label(),
        gpus > 1 ? " (" + gpu.interconnect().label() + ")" : "");
  }

  public CopyPhysics withEfficiencies(Efficiencies e) {
    return new CopyPhysics(model, gpu, gpus, bytesPerWeight, kvBytesPerValue, e, graphs);
  }

  public CopyPhysics withGraphs(CudaGraphs g) {
    return new CopyPhysics(model, gpu, gpus, bytesPerWeight, kvBytesPerValue, efficiencies, g);
  }
}
