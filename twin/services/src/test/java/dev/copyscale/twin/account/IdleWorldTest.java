package dev.copyscale.twin.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Time passing without traffic: SageMaker's idle metrics are published and every alarm is evaluated
 * with its TreatMissingData.
 */
class IdleWorldTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

  static TwinAccount serving() {
    return AccountFixture.endpointWithComponent(T0, 2);
  }

  static void alarm(
      TwinAccount world, String name, String metric, String statistic, String treatMissingData) {
    world
        .cloudWatch()
        .putMetricAlarm(
            b ->
                b.alarmName(name)
                    .namespace("AWS/SageMaker")
                    .metricName(metric)
                    .dimensions(d -> d.name("InferenceComponentName").value("ic"))
                    .statistic(statistic)
                    .period(60)
                    .evaluationPeriods(5)
                    .datapointsToAlarm(5)
                    .threshold(1.0)
                    .comparisonOperator("LessThanThreshold")
                    .treatMissingData(treatMissingData));
  }

  static String state(TwinAccount world, String name) {
    return world.cloudWatch().state().alarm(name).stateValue();
  }

  @Test
  void anIdleComponentPublishesZeroConcurrencyPerCopyEveryTenSecondsWhileCopiesServe() {
    TwinAccount world = serving();
    world.advance(Duration.ofMinutes(30), Stack.NONE);
    Instant now = world.clock().instant();
    List<Double> values =
        world
            .cloudWatch()
            .getMetricData(
                b ->
                    b.startTime(now.minusSeconds(300))
                        .endTime(now)
                        .metricDataQueries(
                            q ->
                                q.id("c")
                                    .metricStat(
                                        s ->
                                            s.stat("Average")
                                                .period(10)
                                                .metric(
                                                    m ->
                                                        m.namespace("AWS/SageMaker")
                                                            .metricName("ConcurrentRequestsPerCopy")
                                                            .dimensions(
                                                                d ->
                                                                    d.name("InferenceComponentName")
                                                                        .value("ic"))))))
            .metricDataResults()
            .get(0)
            .values();
    // Five minutes of 10-second datapoints, less the newest one still inside the ingestion delay.
    assertThat(values).hasSize(29).containsOnly(0.0);
    List<Double> invocations =
        world
            .cloudWatch()
            .getMetricData(
                b ->
                    b.startTime(now.minusSeconds(300))
                        .endTime(now)
                        .metricDataQueries(
                            q ->
                                q.id("i")
                                    .metricStat(
                                        s ->
                                            s.stat("Sum")
                                                .period(60)
                                                .metric(
                                                    m ->
                                                        m.namespace("AWS/SageMaker")
                                                            .metricName("Invocations")
                                                            .dimensions(
                                                                d ->
                                                                    d.name("InferenceComponentName")
                                                                        .value("ic"))))))
            .metricDataResults()
            .get(0)
            .values();
    assertThat(invocations).as("event metrics have no datapoint without events").isEmpty();
  }

  @Test
  void everyAlarmIsEvaluatedWithItsTreatMissingDataWhileNoRequestsArrive() {
    TwinAccount world = serving();
    alarm(world, "idle-concurrency", "ConcurrentRequestsPerCopy", "Average", "missing");
    alarm(world, "idle-breaching", "Invocations", "Sum", "breaching");
    alarm(world, "idle-not-breaching", "Invocations", "Sum", "notBreaching");
    alarm(world, "idle-missing", "Invocations", "Sum", "missing");
    world.advance(Duration.ofMinutes(30), Stack.NONE);
    assertThat(state(world, "idle-concurrency")).isEqualTo("ALARM");
    assertThat(state(world, "idle-breaching")).isEqualTo("ALARM");
    assertThat(state(world, "idle-not-breaching")).isEqualTo("OK");
    assertThat(state(world, "idle-missing")).isEqualTo("INSUFFICIENT_DATA");
  }

  @Test
  void withoutIdleConcurrencyTheSameAlarmSeesMissingData() {
    TwinDelays quiet = new TwinDelays(null, null, null, null, null, false);
    TwinAccount world = new TwinAccount(T0, null, quiet);
    world
        .cloudWatch()
        .putMetricAlarm(
            b ->
                b.alarmName("idle")
                    .namespace("AWS/SageMaker")
                    .metricName("ConcurrentRequestsPerCopy")
                    .dimensions(d -> d.name("InferenceComponentName").value("ic"))
                    .statistic("Average")
                    .period(60)
                    .evaluationPeriods(5)
                    .threshold(1.0)
                    .comparisonOperator("LessThanThreshold")
                    .treatMissingData("missing"));
    world.advance(Duration.ofMinutes(30), Stack.NONE);
    assertThat(state(world, "idle")).isEqualTo("INSUFFICIENT_DATA");
  }
}
