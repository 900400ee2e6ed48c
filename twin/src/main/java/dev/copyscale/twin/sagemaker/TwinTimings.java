package dev.copyscale.twin.sagemaker;

import java.time.Duration;

/**
 * How long SageMaker takes, in the twin. Defaults from measured or published figures; every one
 * can be set in the world file (twin/README.md lists them with their sources).
 *
 * @param instanceProvisioning a new endpoint instance until it can host copies (Hugging Face's
 *     SageMaker guides: endpoints take 5-15 minutes; an inference-component endpoint only provisions
 *     instances, so the low end plus boot: 7 minutes)
 * @param imagePull pulling the container image onto an instance: 346 s without container caching
 *     minus 164 s with it (AWS, 2026 container-caching announcement: P50 time for a new copy to serve
 *     on g5.2xlarge with a 17.5 GB image)
 * @param modelLoad downloading and loading the model once the image is there: 164 s (same source)
 * @param copyStagger copies started together come up this far apart (assumed)
 * @param endpointDeletion until a deleted endpoint is gone (assumed)
 * @param componentDeletion until a deleted inference component is gone (assumed)
 */
public record TwinTimings(
    Duration instanceProvisioning,
    Duration imagePull,
    Duration modelLoad,
    Duration copyStagger,
    Duration endpointDeletion,
    Duration componentDeletion) {

  public static TwinTimings defaults() {
    return new TwinTimings(
        Duration.ofMinutes(7), Duration.ofSeconds(182), Duration.ofSeconds(164), Duration.ofSeconds(10),
        Duration.ofSeconds(90), Duration.ofSeconds(60));
  }
}
