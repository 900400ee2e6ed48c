package dev.copyscale.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/** The twin's CloudWatch alarms: they exist, are listed, change state and go. */
class CloudWatchTwinTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

  TwinWorld world;
  CloudWatchTwin cw;

  @BeforeEach
  void world() {
    world = TwinWorld.fresh(T0);
    cw = world.cloudWatch();
  }

  void alarm(String name, double threshold) {
    cw.putMetricAlarm(b -> b.alarmName(name).namespace("AWS/SageMaker").metricName("InvocationsPerCopy")
        .dimensions(d -> d.name("InferenceComponentName").value("ic")).statistic("Sum").period(60).evaluationPeriods(3).datapointsToAlarm(2)
        .threshold(threshold).comparisonOperator("GreaterThanThreshold").alarmActions("arn:aws:lambda:us-east-1:123456789012:function:f"));
  }

  MetricAlarm only(String name) {
    return cw.describeAlarms(b -> b.alarmNames(name)).metricAlarms().get(0);
  }

  @Test
  void alarmsAreCreatedListedByNameAndPrefixAndDeleted() {
    alarm("copyscale-a-high", 1000);
    alarm("copyscale-a-low", 10);
    alarm("other", 1);
    MetricAlarm high = only("copyscale-a-high");
    assertThat(high.alarmArn()).isEqualTo("arn:aws:cloudwatch:us-east-1:123456789012:alarm:copyscale-a-high");
    assertThat(high.stateValueAsString()).isEqualTo("INSUFFICIENT_DATA");
    assertThat(high.threshold()).isEqualTo(1000.0);
    assertThat(high.datapointsToAlarm()).isEqualTo(2);
    assertThat(high.dimensions().get(0).value()).isEqualTo("ic");
    assertThat(cw.describeAlarms(b -> b.alarmNamePrefix("copyscale-")).metricAlarms()).extracting(MetricAlarm::alarmName)
        .containsExactly("copyscale-a-high", "copyscale-a-low");
    cw.deleteAlarms(b -> b.alarmNames("copyscale-a-high", "other"));
    assertThat(cw.describeAlarms(b -> { }).metricAlarms()).extracting(MetricAlarm::alarmName).containsExactly("copyscale-a-low");
  }

  @Test
  void puttingAnExistingAlarmUpdatesItAndKeepsItsState() {
    alarm("a", 1000);
    cw.setAlarmState(b -> b.alarmName("a").stateValue("ALARM").stateReason("test"));
    world.pause(Duration.ofMinutes(1));
    alarm("a", 2000);
    MetricAlarm a = only("a");
    assertThat(a.threshold()).isEqualTo(2000.0);
    assertThat(a.stateValueAsString()).isEqualTo("ALARM");
    assertThat(a.alarmConfigurationUpdatedTimestamp()).isEqualTo(T0.plusSeconds(60));
    assertThat(a.stateUpdatedTimestamp()).isEqualTo(T0);
  }

  @Test
  void stateChangesAreRecordedForDelivery() {
    alarm("a", 1000);
    cw.setAlarmState(b -> b.alarmName("a").stateValue("ALARM").stateReason("threshold crossed").stateReasonData("{\"v\":1}"));
    cw.setAlarmState(b -> b.alarmName("a").stateValue("ALARM").stateReason("still"));
    assertThat(cw.describeAlarms(b -> b.stateValue("ALARM")).metricAlarms()).hasSize(1);
    assertThat(cw.drainStateChanges()).singleElement().satisfies(c -> {
      assertThat(c.previousState()).isEqualTo("INSUFFICIENT_DATA");
      assertThat(c.state()).isEqualTo("ALARM");
      assertThat(c.at()).isEqualTo(T0);
    });
    assertThat(cw.drainStateChanges()).isEmpty();
  }

  @Test
  void errors() {
    assertThatThrownBy(() -> cw.setAlarmState(b -> b.alarmName("nope").stateValue("ALARM").stateReason("x")))
        .isInstanceOfSatisfying(CloudWatchException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound"));
    assertThatThrownBy(() -> cw.deleteAlarms(b -> b.alarmNames("nope"))).hasMessageContaining("nope");
    alarm("a", 1);
    assertThatThrownBy(() -> cw.setAlarmState(b -> b.alarmName("a").stateValue("ALARM").stateReason("x").stateReasonData("not json")))
        .isInstanceOfSatisfying(CloudWatchException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidFormat"));
    assertThatThrownBy(() -> cw.putMetricAlarm(b -> b.alarmName("b").metricName("m").namespace("n").period(45).evaluationPeriods(1).threshold(1.0)
        .comparisonOperator("GreaterThanThreshold"))).hasMessageContaining("Period");
    assertThatThrownBy(() -> cw.putMetricAlarm(b -> b.alarmName("b").metricName("m").namespace("n").period(60).evaluationPeriods(1).datapointsToAlarm(2)
        .threshold(1.0).comparisonOperator("GreaterThanThreshold"))).hasMessageContaining("DatapointsToAlarm");
  }
}
