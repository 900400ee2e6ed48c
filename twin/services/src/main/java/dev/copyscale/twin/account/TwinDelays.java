package dev.copyscale.twin.account;

import java.time.Duration;

/**
 * How slow CloudWatch, EventBridge and Lambda are in the twin, between a datapoint and the handler
 * that acts on it. Each figure has a source (docs/simulation.md lists them); where AWS publishes
 * none it is ASSUMED, and every one can be set in the world file ({@code delays}), as {@link
 * dev.copyscale.twin.sagemaker.TwinTimings} can. Alarm evaluation cadence is not a setting: AWS
 * documents it (10 s for 10- and 30-second periods, a minute otherwise).
 *
 * @param metricIngestion a datapoint is visible to GetMetricData and alarm evaluation this long
 *     after its period ends (ASSUMED: AWS publishes no figure; re:Post answers speak of "a few
 *     seconds" before data becomes available to an alarm)
 * @param eventDelivery an alarm state change reaches the EventBridge rule's target this long after
 *     the change (ASSUMED: no published delivery latency was found)
 * @param coldStart a Lambda function that has not run for {@code keepWarm} starts this long before
 *     its handler runs (MEASURED with bench/cold-start.sh on the development machine: medians of
 *     1.03-1.06 s on 2026-11-26; 1.18-1.25 s on 2026-11-27 after the move to Logback, with the bare
 *     SDK handler itself at 1.10 s that day, so the machine moved more than the functions did:
 *     docs/benchmarks.md. Kept at 1.05 s; a world file's delays.coldStart sets it)
 * @param warmStart a warm function's handler starts this long after the invocation (ASSUMED)
 * @param keepWarm how long Lambda keeps an idle execution environment (ASSUMED: AWS publishes no
 *     figure)
 * @param idleConcurrencyPublished whether SageMaker publishes ConcurrentRequestsPerCopy (and
 *     ConcurrentRequestsPerModel) as 0 every 10 s while copies (instances) exist and no request is
 *     in flight (ASSUMED: no AWS source found says either way; a gauge of outstanding requests
 *     reads 0 where a count of events has nothing to count)
 */
public record TwinDelays(
    Duration metricIngestion,
    Duration eventDelivery,
    Duration coldStart,
    Duration warmStart,
    Duration keepWarm,
    Boolean idleConcurrencyPublished) {

  public TwinDelays {
    TwinDelays d = defaultsOrNull();
    if (d != null) {
      metricIngestion = metricIngestion != null ? metricIngestion : d.metricIngestion();
      eventDelivery = eventDelivery != null ? eventDelivery : d.eventDelivery();
      coldStart = coldStart != null ? coldStart : d.coldStart();
      warmStart = warmStart != null ? warmStart : d.warmStart();
      keepWarm = keepWarm != null ? keepWarm : d.keepWarm();
      idleConcurrencyPublished =
          idleConcurrencyPublished != null
              ? idleConcurrencyPublished
              : d.idleConcurrencyPublished();
    }
    for (Duration x :
        new Duration[] {metricIngestion, eventDelivery, coldStart, warmStart, keepWarm}) {
      if (x != null && x.isNegative()) {
        throw new IllegalArgumentException("twin delays cannot be negative: " + x);
      }
    }
  }

  private static TwinDelays defaults;

  private static TwinDelays defaultsOrNull() {
    return defaults;
  }

  /** The figures above. */
  public static TwinDelays defaults() {
    return defaults;
  }

  static {
    defaults =
        new TwinDelays(
            Duration.ofSeconds(10),
            Duration.ofMillis(500),
            Duration.ofMillis(1050),
            Duration.ofMillis(50),
            Duration.ofMinutes(10),
            true);
  }

  /**
   * No delays at all: what the twin did before delays were modelled (tests of other behaviour use
   * it).
   */
  public static TwinDelays none() {
    return new TwinDelays(
        Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(10), true);
  }

  /**
   * How long until the alarm rule's target runs its handler: EventBridge delivery, then a cold or
   * warm start.
   */
  public Duration untilHandler(boolean warm) {
    return eventDelivery.plus(warm ? warmStart : coldStart);
  }
}
