package dev.copyscale.serving;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which forward passes of a TGI copy replay a captured CUDA graph, and what the others cost the CPU
 * to launch (docs/serving.md, "Kernel launches"). A pass run eagerly launches every layer's kernels
 * from Python one call at a time; when the GPU's work is shorter than that, the GPU waits for the
 * CPU and the pass takes the CPU's time.
 *
 * <ul>
 *   <li>TGI v2.0.0 made CUDA graphs the default (huggingface/text-generation-inference#1703,
 *       launcher/src/main.rs: decode batches of 1, 2, 4, 8, 16 and 32 unless CUDA_GRAPHS says
 *       otherwise, "0" disabling them; none with bitsandbytes quantization). A decode batch above
 *       the largest graph, and every prefill, runs eagerly (server/.../flash_causal_lm.py {@code
 *       forward}: {@code if cu_seqlen_prefill is not None or cuda_graph is None}).
 *   <li>v1.4.1 to v1.4.5 captured graphs (batches up to 64) only with ENABLE_CUDA_GRAPHS (#1428).
 *   <li>Earlier versions (v1.0.3 among them) ran every pass eagerly.
 * </ul>
 *
 * <p>The version comes from the container image: a Hugging Face LLM DLC tag ({@code
 * huggingface-pytorch-tgi-inference:2.1-tgi2.0-gpu-...}, {@code 2.0.1-tgi1.0.3-gpu-...}) or TGI's
 * own image ({@code ghcr.io/huggingface/text-generation-inference:1.0.3}). An image that names no
 * TGI version is served as TGI 2.x, the calibration's engine, and the reason says so.
 *
 * @param largestBatch decode batches up to this size replay a graph (0: none do)
 * @param reason where the setting comes from, for provenance
 */
public record CudaGraphs(int largestBatch, String reason) {
  /**
   * The CPU time of one PyTorch call from Python, in microseconds, ASSUMED from one published
   * measurement: gpt-fast's unfused Llama-2-7B ran at 25.5 tokens a second on an A100 eagerly,
   * "heavily CPU overhead bound" (pytorch.org/blog/accelerating-generative-ai-2/): 39.2 ms a token
   * over its ~2,590 PyTorch calls (32 layers of 80, ~30 outside them; pytorch-labs/gpt-fast
   * model.py and generate.py at commit 3bcaaaf068d1), 15.1 us each.
   */
  public static final double CALL_US = 15.1;

  /**
   * PyTorch calls of one layer of TGI's flash Llama in a decode step (server/.../
   * flash_llama_modeling.py, v1.0.3 and v2.0.4 alike): two fused RMS norms, the QKV and output
   * projections, the split and three views, rotary embedding of query and key (two slices and one
   * kernel each, and a select), the KV cache write (two slices and one kernel), the output buffer,
   * paged attention, the fused gate-and-up projection, its view and two slices, the activation, the
   * product and the down projection: 27. Sharded, each of the two row-parallel projections adds its
   * all-reduce call.
   */
  public static final int CALLS_PER_LAYER = 27;

  /** TGI 2.x's default, the calibration's engine. */
  public static final int TGI2_LARGEST_BATCH = 32;

  /** Served as the calibration's TGI 2.x: the provenance says nothing more. */
  public static final CudaGraphs TGI2_DEFAULT =
      new CudaGraphs(TGI2_LARGEST_BATCH, "TGI 2.x's CUDA graphs for decode batches up to 32");

  private static final Pattern DLC_TAG = Pattern.compile("-tgi(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
  private static final Pattern TGI_IMAGE =
      Pattern.compile("text-generation-inference:v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  public CudaGraphs {
    if (largestBatch < 0) {
      throw new IllegalArgumentException("largest CUDA graph batch must be >= 0: " + largestBatch);
    }
  }

  /** Whether a decode step of {@code batch} requests replays a graph. */
  public boolean covers(int batch) {
    return batch <= largestBatch;
  }

  /** Whether this is the calibration's engine's setting (the provenance says more otherwise). */
  public boolean isCalibrationDefault() {
    return largestBatch == TGI2_LARGEST_BATCH;
  }

  /**
   * Milliseconds the CPU takes to launch one eager pass of {@code layers} layers ({@code sharded}:
   * over more than one GPU, with two all-reduce calls a layer).
   */
  public static double eagerLaunchMs(int layers, boolean sharded) {
    return layers * (CALLS_PER_LAYER + (sharded ? 2 : 0)) * CALL_US / 1000;
  }

  /**
   * As the container {@code image} runs with the environment {@code env} (CUDA_GRAPHS,
   * ENABLE_CUDA_GRAPHS, QUANTIZE).
   */
  public static CudaGraphs of(Optional<String> image, Map<String, String> env) {
    Optional<int[]> version = image.flatMap(CudaGraphs::tgiVersion);
    if (version.isEmpty() || version.get()[0] >= 2) {
      String name =
          version
              .map(v -> label(v) + " (image)")
              .orElse(
                  image.isEmpty() ? "TGI 2.x" : "image names no TGI version, served as TGI 2.x");
      String sizes = env.get("CUDA_GRAPHS");
      if (sizes != null) {
        int largest = largest(sizes);
        return new CudaGraphs(
            largest,
            largest == 0
                ? name + ", CUDA_GRAPHS=0: every pass eager"
                : name + ", CUDA_GRAPHS=" + sizes.trim() + ": CUDA graphs up to " + largest);
      }
      if (env.getOrDefault("QUANTIZE", "")
          .trim()
          .toLowerCase(Locale.ROOT)
          .startsWith("bitsandbytes")) {
        return new CudaGraphs(0, name + ": no CUDA graphs with bitsandbytes, every pass eager");
      }
      return image.isEmpty()
          ? TGI2_DEFAULT
          : new CudaGraphs(TGI2_LARGEST_BATCH, name + ": CUDA graphs for decode batches up to 32");
    }
    int[] v = version.get();
    if (v[0] == 1 && v[1] == 4 && v[2] != 0) {
      return env.getOrDefault("ENABLE_CUDA_GRAPHS", "").trim().equalsIgnoreCase("true")
          ? new CudaGraphs(64, label(v) + " (image), ENABLE_CUDA_GRAPHS: CUDA graphs up to 64")
          : new CudaGraphs(0, label(v) + " (image): no CUDA graphs, every pass eager");
    }
    return new CudaGraphs(0, label(v) + " (image) predates CUDA graphs: every pass eager");
  }

  private static String label(int[] v) {
    return "TGI " + v[0] + "." + v[1] + (v[2] >= 0 ? "." + v[2] : "");
  }

  private static int largest(String sizes) {
    try {
      return Math.max(
          0,
          Arrays.stream(sizes.split(","))
              .map(String::trim)
              .mapToInt(Integer::parseInt)
              .max()
              .orElse(0));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "CUDA_GRAPHS must be comma-separated batch sizes (0 for none), got " + sizes);
    }
  }

  /** The TGI version an image names: {major, minor, patch or -1}. */
  static Optional<int[]> tgiVersion(String image) {
    for (Pattern p : new Pattern[] {DLC_TAG, TGI_IMAGE}) {
      Matcher m = p.matcher(image);
      if (m.find()) {
        return Optional.of(
            new int[] {
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              m.group(3) == null ? -1 : Integer.parseInt(m.group(3))
            });
      }
    }
    return Optional.empty();
  }
}
