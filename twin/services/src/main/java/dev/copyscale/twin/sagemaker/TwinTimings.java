package dev.copyscale.twin.sagemaker;

import java.time.Duration;

/**
 * How long SageMaker takes to start a copy, stage by stage, in the twin, and the world settings
 * that change it. Defaults come from AWS's container-caching announcement (AWS Machine Learning
 * blog, "Introducing container caching in Amazon SageMaker AI for faster model scaling",
 * 2026-06-16): for Qwen3-8B (16.4 GB of bf16 weights) on a new ml.g6.2xlarge, the image pull (333
 * s) and the model download from S3 (168 s) ran in parallel and the copy served after 525 s; with
 * the image cached the download took 77 s and the copy served after 258 s; a 15.7 GB image with no
 * weights served after 134 s on a new ml.g4dn.xlarge. docs/simulation.md lists each figure with its
 * source.
 *
 * <p>A copy's stages: the instance is provisioned (on a new instance); the container image is there
 * (cached, the default since the announcement) or pulled, while the model artifacts download beside
 * it (Hub or S3, weights sized from the catalog); then the container starts, loads the weights and
 * passes its health check.
 *
 * @param instanceProvisioning a new instance until it can start containers: 100 s (ASSUMED split of
 *     the 134 s AWS measured for a cached image and no weights, with {@code containerStart})
 * @param containerStart the container starting and answering its health check, weights aside: 34 s
 *     (the rest of those 134 s)
 * @param imageCached whether a new instance finds the image cached (SageMaker's default for every
 *     accelerator instance type since June 2026); false: it pulls the image from ECR
 * @param imagePull an uncached image pull: 333 s (AWS: the 17.7 GB LMI image on ml.g6.2xlarge)
 * @param downloadMegabytesPerSecond model artifact download with the image cached: 213 MB/s (16.4
 *     GB in 77 s)
 * @param contendedDownloadMegabytesPerSecond while an image pull runs beside it: 98 MB/s (16.4 GB
 *     in 168 s)
 * @param loadSecondsPerGigabyte loading weights onto the GPUs: 2.9 s per GB ((258 - 77 - 134) s for
 *     16.4 GB)
 * @param healthCheckTimeout when the spec sets no ContainerStartupHealthCheckTimeoutInSeconds, a
 *     copy that cannot start fails after this long: 600 s (ASSUMED; AWS documents 60-3600 s, no
 *     default)
 * @param unknownModelGigabytes weights of a model the catalog does not know (S3 artifacts): 16 GB
 *     (ASSUMED: an 8B model in 16 bits)
 * @param copyStagger copies started together come up this far apart (assumed)
 * @param endpointDeletion until a deleted endpoint is gone (assumed)
 * @param componentDeletion until a deleted inference component is gone (assumed)
 * @param updateSettle after its instances are ready, an endpoint stays Updating this long
 *     (SageMaker registers the instances with the endpoint): 30 s (ASSUMED)
 * @param outOfCapacity instance types with no capacity in the region: launching one fails as EC2's
 *     InsufficientInstanceCapacity does (a world setting; none by default)
 * @param adapterLoad an adapter inference component is InService this long after it is created on a
 *     base that serves, after its base first serves, or after its artifact changes: 1 s (ASSUMED:
 *     AWS publishes no figure; a LoRA adapter of an 8B model is about 0.1-0.2 GB, about 1 s at
 *     {@code downloadMegabytesPerSecond}; SageMaker then loads it per request from GPU memory, CPU
 *     memory or local disk "in milliseconds", AWS ML blog, Nov 2024, which the twin does not
 *     charge)
 * @param oversizedCopiesPending what CreateInferenceComponent does with a copy larger than one
 *     instance of the endpoint's type: false (the default, ASSUMED) refuses it with a
 *     ValidationException; true creates the component, whose copies then fit nowhere and stay
 *     pending (Creating, CurrentCopyCount 0) and add no instance. AWS documents neither.
 */
public record TwinTimings(
    Duration instanceProvisioning,
    Duration containerStart,
    boolean imageCached,
    Duration imagePull,
    double downloadMegabytesPerSecond,
    double contendedDownloadMegabytesPerSecond,
    double loadSecondsPerGigabyte,
    Duration healthCheckTimeout,
    double unknownModelGigabytes,
    Duration copyStagger,
    Duration endpointDeletion,
    Duration componentDeletion,
    Duration updateSettle,
    java.util.List<String> outOfCapacity,
    Duration adapterLoad,
    boolean oversizedCopiesPending) {

  /** {@link #adapterLoad}'s default, also for a world file saved before adapters were modelled. */
  public static final Duration ADAPTER_LOAD = Duration.ofSeconds(1);

  public TwinTimings {
    outOfCapacity =
        outOfCapacity == null ? java.util.List.of() : java.util.List.copyOf(outOfCapacity);
    updateSettle = updateSettle == null ? Duration.ZERO : updateSettle;
    adapterLoad = adapterLoad == null ? ADAPTER_LOAD : adapterLoad;
  }

  public static TwinTimings defaults() {
    return new TwinTimings(
        Duration.ofSeconds(100),
        Duration.ofSeconds(34),
        true,
        Duration.ofSeconds(333),
        213,
        98,
        2.9,
        Duration.ofSeconds(600),
        16,
        Duration.ofSeconds(10),
        Duration.ofSeconds(90),
        Duration.ofSeconds(60),
        Duration.ofSeconds(30),
        java.util.List.of(),
        ADAPTER_LOAD,
        false);
  }

  /** These timings with the image pulled on every new instance (container caching off). */
  public TwinTimings uncached() {
    return with(false, outOfCapacity, oversizedCopiesPending);
  }

  /** These timings with {@code types} out of capacity. */
  public TwinTimings withOutOfCapacity(java.util.List<String> types) {
    return with(imageCached, types, oversizedCopiesPending);
  }

  /**
   * These timings with copies larger than an instance accepted and left pending ({@code true}) or
   * refused ({@code false}).
   */
  public TwinTimings withOversizedCopiesPending(boolean pending) {
    return with(imageCached, outOfCapacity, pending);
  }

  /** These timings with the world settings given, every duration and rate kept. */
  private TwinTimings with(
      boolean imageCached, java.util.List<String> outOfCapacity, boolean oversizedCopiesPending) {
    return new TwinTimings(
        instanceProvisioning,
        containerStart,
        imageCached,
        imagePull,
        downloadMegabytesPerSecond,
        contendedDownloadMegabytesPerSecond,
        loadSecondsPerGigabyte,
        healthCheckTimeout,
        unknownModelGigabytes,
        copyStagger,
        endpointDeletion,
        componentDeletion,
        updateSettle,
        outOfCapacity,
        adapterLoad,
        oversizedCopiesPending);
  }

  /** Downloading {@code gigabytes} of model artifacts, beside an image pull or not. */
  public Duration download(double gigabytes, boolean besidePull) {
    double rate = besidePull ? contendedDownloadMegabytesPerSecond : downloadMegabytesPerSecond;
    return Duration.ofMillis(Math.round(gigabytes * 1000 / rate * 1000));
  }

  /**
   * Starting the container and loading {@code gigabytes} of weights until the health check passes.
   */
  public Duration load(double gigabytes) {
    return containerStart.plusMillis(Math.round(gigabytes * loadSecondsPerGigabyte * 1000));
  }
}
