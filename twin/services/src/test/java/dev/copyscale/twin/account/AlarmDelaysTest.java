package dev.copyscale.twin.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import dev.copyscale.twin.sagemaker.TwinTimings;
import dev.copyscale.twin.scheduler.SchedulerTwin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;

/**
 * The delays between a datapoint and the handler that acts on it: CloudWatch's ingestion delay,
 * each alarm's evaluation cadence, EventBridge's delivery and the function's cold or warm start.
 */
class AlarmDelaysTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  static final Map<String, String> DIMS = Map.of("Name", "x");
  static final TwinDelays D = TwinDelays.defaults();

  /** A stack that records when each alarm state change reached it, and runs no per-minute work. */
  static final class Recording implements Stack {
    final List<Instant> at = new ArrayList<>();
    final List<CloudWatchTwin.StateChange> changes = new ArrayList<>();
    private final TwinAccount world;
    private final boolean ticks;

    Recording(TwinAccount world, boolean ticks) {
      this.world = world;
      this.ticks = ticks;
    }

    @Override
    public void everyMinute(Instant now) {}

    @Override
    public void alarmStateChanged(CloudWatchTwin.StateChange change) {
      at.add(world.clock().instant());
      changes.add(change);
    }

    @Override
    public void scheduleFired(SchedulerTwin.Firing firing) {}
  }

  static void alarm(TwinAccount world, String name, int period) {
    world
        .cloudWatch()
        .putMetricAlarm(
            b ->
                b.alarmName(name)
                    .namespace("Custom")
                    .metricName("M")
                    .dimensions(d -> d.name("Name").value("x"))
                    .statistic("Average")
                    .period(period)
                    .evaluationPeriods(1)
                    .threshold(5.0)
                    .comparisonOperator("GreaterThanThreshold"));
  }

  static void put(TwinAccount world, Instant bucket, double value) {
    world.cloudWatch().publish("Custom", "M", DIMS, bucket, value, 1, value, value);
  }

  @Test
  void defaultsHaveTheirSources() {
    assertThat(D.metricIngestion()).isEqualTo(Duration.ofSeconds(10));
    assertThat(D.eventDelivery()).isEqualTo(Duration.ofMillis(500));
    // docs/benchmarks.md: bench/cold-start.sh medians 1027-1060 ms.
    assertThat(D.coldStart()).isEqualTo(Duration.ofMillis(1050));
    assertThat(D.warmStart()).isLessThan(D.coldStart());
  }

  @Test
  void aDatapointIsInvisibleToGetMetricDataUntilTheIngestionDelayAfterItsPeriodEnds() {
    TwinAccount world = new TwinAccount(T0);
    put(world, T0, 7);
    Instant visible = T0.plusSeconds(10).plus(D.metricIngestion());
    world.pause(Duration.between(T0, visible).minusSeconds(1));
    assertThat(values(world)).isEmpty();
    world.pause(Duration.ofSeconds(1));
    assertThat(values(world)).containsExactly(7.0);
  }

  private static List<Double> values(TwinAccount world) {
    GetMetricDataResponse r =
        world
            .cloudWatch()
            .getMetricData(
                b ->
                    b.startTime(T0)
                        .endTime(T0.plusSeconds(60))
                        .metricDataQueries(
                            q ->
                                q.id("m")
                                    .metricStat(
                                        s ->
                                            s.stat("Average")
                                                .period(10)
                                                .metric(
                                                    m ->
                                                        m.namespace("Custom")
                                                            .metricName("M")
                                                            .dimensions(
                                                                d -> d.name("Name").value("x"))))));
    return r.metricDataResults().get(0).values();
  }

  @Test
  void aHighResolutionAlarmReachesAColdHandlerAfterIngestionTenSecondCadenceDeliveryAndColdStart() {
    TwinAccount world = new TwinAccount(T0);
    alarm(world, "hi", 10);
    Recording stack = new Recording(world, false);
    put(world, T0, 9);
    world.advance(Duration.ofMinutes(2), stack);
    Instant periodEnd = T0.plusSeconds(10);
    // Visible at the period's end + 10 s; the next 10-second evaluation is that instant.
    Instant evaluated = periodEnd.plus(D.metricIngestion());
    // ALARM, then INSUFFICIENT_DATA once the one datapoint has left the range.
    assertThat(stack.changes.get(0).state()).isEqualTo("ALARM");
    assertThat(stack.changes.get(0).at()).isEqualTo(evaluated);
    assertThat(stack.at.get(0)).isEqualTo(evaluated.plus(D.eventDelivery()).plus(D.coldStart()));
    assertThat(Duration.between(periodEnd, stack.at.get(0)))
        .isGreaterThanOrEqualTo(D.metricIngestion().plus(D.eventDelivery()).plus(D.coldStart()));
  }

  @Test
  void aStandardAlarmIsEvaluatedOnTheMinuteAfterItsDatapointBecomesVisible() {
    TwinAccount world = new TwinAccount(T0);
    alarm(world, "std", 60);
    Recording stack = new Recording(world, false);
    for (int i = 0; i < 6; i++) {
      put(world, T0.plusSeconds(10L * i), 9);
    }
    // The minute [T0, T0+60) is visible at T0+70: the evaluation at T0+60 cannot see it; the next
    // is T0+120.
    world.advance(Duration.ofSeconds(119), stack);
    assertThat(world.cloudWatch().state().alarm("std").stateValue()).isEqualTo("INSUFFICIENT_DATA");
    world.advance(Duration.ofMinutes(1), stack);
    Instant evaluated = T0.plusSeconds(120);
    assertThat(stack.changes.get(0).at()).isEqualTo(evaluated);
    // The per-minute reconcile at T0+60 ran the rule's target function: it starts warm.
    assertThat(stack.at.get(0)).isEqualTo(evaluated.plus(D.eventDelivery()).plus(D.warmStart()));
    assertThat(Duration.between(T0.plusSeconds(60), stack.at.get(0)))
        .isGreaterThanOrEqualTo(D.metricIngestion().plus(D.eventDelivery()).plus(D.warmStart()));
  }

  @Test
  void aWarmHandlerStartsFasterThanAColdOne() {
    TwinAccount world = new TwinAccount(T0);
    alarm(world, "hi", 10);
    Recording stack = new Recording(world, false);
    // The per-minute reconcile at T0+60 runs the rule's target function: it is warm afterwards.
    world.advance(Duration.ofSeconds(60), Stack.NONE);
    put(world, T0.plusSeconds(60), 9);
    world.advance(Duration.ofMinutes(1), stack);
    Instant evaluated = T0.plusSeconds(70).plus(D.metricIngestion());
    assertThat(stack.at.get(0)).isEqualTo(evaluated.plus(D.eventDelivery()).plus(D.warmStart()));
  }

  @Test
  void aChangeStillOnItsWayIsDeliveredAfterTheWorldIsSavedAndLoaded() {
    TwinAccount world = new TwinAccount(T0);
    alarm(world, "hi", 10);
    put(world, T0, 9);
    world.advance(Duration.ofSeconds(20), Stack.NONE);
    assertThat(world.pendingDeliveries()).hasSize(1);
    TwinAccount loaded = AccountFixture.reloaded(world);
    Recording stack = new Recording(loaded, false);
    loaded.advance(Duration.ofSeconds(5), stack);
    assertThat(stack.at)
        .containsExactly(T0.plusSeconds(20).plus(D.eventDelivery()).plus(D.coldStart()));
  }

  @Test
  void delaysAreSettingsOfTheWorldFile() {
    TwinDelays slow =
        new TwinDelays(
            Duration.ofSeconds(60),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofMillis(100),
            Duration.ofMinutes(5),
            false);
    TwinAccount world = new TwinAccount(T0, TwinTimings.defaults(), slow);
    TwinAccount loaded = AccountFixture.reloaded(world);
    assertThat(loaded.delays()).isEqualTo(slow);
    assertThat(loaded.cloudWatch().ingestionDelay()).isEqualTo(Duration.ofSeconds(60));
  }
}
