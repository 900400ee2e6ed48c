package dev.copyscale.twin.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.twin.account.TwinAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * The twin's CloudWatch: alarms exist, are listed, change state and go; metrics are stored, read
 * back and evaluated by alarms.
 */
class CloudWatchTwinTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

  TwinAccount world;
  CloudWatchTwin cw;

  @BeforeEach
  void world() {
    // CloudWatch's rules, without the ingestion delay (CloudWatchDelaysTest covers that).
    world =
        new TwinAccount(
            T0,
            dev.copyscale.twin.sagemaker.TwinTimings.defaults(),
            dev.copyscale.twin.account.TwinDelays.none());
    cw = world.cloudWatch();
  }

  void alarm(String name, double threshold) {
    cw.putMetricAlarm(
        b ->
            b.alarmName(name)
                .namespace("AWS/SageMaker")
                .metricName("InvocationsPerCopy")
                .dimensions(d -> d.name("InferenceComponentName").value("ic"))
                .statistic("Sum")
                .period(60)
                .evaluationPeriods(3)
                .datapointsToAlarm(2)
                .threshold(threshold)
                .comparisonOperator("GreaterThanThreshold")
                .alarmActions("arn:aws:lambda:us-east-1:123456789012:function:f"));
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
    assertThat(high.alarmArn())
        .isEqualTo("arn:aws:cloudwatch:us-east-1:123456789012:alarm:copyscale-a-high");
    assertThat(high.stateValueAsString()).isEqualTo("INSUFFICIENT_DATA");
    assertThat(high.threshold()).isEqualTo(1000.0);
    assertThat(high.datapointsToAlarm()).isEqualTo(2);
    assertThat(high.dimensions().get(0).value()).isEqualTo("ic");
    assertThat(cw.describeAlarms(b -> b.alarmNamePrefix("copyscale-")).metricAlarms())
        .extracting(MetricAlarm::alarmName)
        .containsExactly("copyscale-a-high", "copyscale-a-low");
    cw.deleteAlarms(b -> b.alarmNames("copyscale-a-high", "other"));
    assertThat(cw.describeAlarms(b -> {}).metricAlarms())
        .extracting(MetricAlarm::alarmName)
        .containsExactly("copyscale-a-low");
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
    cw.setAlarmState(
        b ->
            b.alarmName("a")
                .stateValue("ALARM")
                .stateReason("threshold crossed")
                .stateReasonData("{\"v\":1}"));
    cw.setAlarmState(b -> b.alarmName("a").stateValue("ALARM").stateReason("still"));
    assertThat(cw.describeAlarms(b -> b.stateValue("ALARM")).metricAlarms()).hasSize(1);
    assertThat(cw.drainStateChanges())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.previousState()).isEqualTo("INSUFFICIENT_DATA");
              assertThat(c.state()).isEqualTo("ALARM");
              assertThat(c.at()).isEqualTo(T0);
            });
    assertThat(cw.drainStateChanges()).isEmpty();
  }

  @Test
  void errors() {
    assertThatThrownBy(
            () -> cw.setAlarmState(b -> b.alarmName("nope").stateValue("ALARM").stateReason("x")))
        .isInstanceOfSatisfying(
            CloudWatchException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound"));
    assertThatThrownBy(() -> cw.deleteAlarms(b -> b.alarmNames("nope")))
        .hasMessageContaining("nope");
    alarm("a", 1);
    assertThatThrownBy(
            () ->
                cw.setAlarmState(
                    b ->
                        b.alarmName("a")
                            .stateValue("ALARM")
                            .stateReason("x")
                            .stateReasonData("not json")))
        .isInstanceOfSatisfying(
            CloudWatchException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidFormat"));
    assertThatThrownBy(
            () ->
                cw.putMetricAlarm(
                    b ->
                        b.alarmName("b")
                            .metricName("m")
                            .namespace("n")
                            .period(45)
                            .evaluationPeriods(1)
                            .threshold(1.0)
                            .comparisonOperator("GreaterThanThreshold")))
        .hasMessageContaining("Period");
    assertThatThrownBy(
            () ->
                cw.putMetricAlarm(
                    b ->
                        b.alarmName("b")
                            .metricName("m")
                            .namespace("n")
                            .period(60)
                            .evaluationPeriods(1)
                            .datapointsToAlarm(2)
                            .threshold(1.0)
                            .comparisonOperator("GreaterThanThreshold")))
        .hasMessageContaining("DatapointsToAlarm");
  }

  static final String NS = "AWS/SageMaker";
  static final String METRIC = "ConcurrentRequestsPerCopy";
  static final Map<String, String> IC = Map.of("InferenceComponentName", "ic");
  static final String POLICY =
      "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1234:resource/sagemaker/inference-component/ic:policyName/burst";

  void metricAlarm(
      String name,
      int period,
      int evaluationPeriods,
      Integer datapointsToAlarm,
      String op,
      double threshold,
      String... actions) {
    cw.putMetricAlarm(
        b ->
            b.alarmName(name)
                .namespace(NS)
                .metricName(METRIC)
                .dimensions(d -> d.name("InferenceComponentName").value("ic"))
                .statistic("Average")
                .period(period)
                .evaluationPeriods(evaluationPeriods)
                .datapointsToAlarm(datapointsToAlarm)
                .threshold(threshold)
                .comparisonOperator(op)
                .alarmActions(actions));
  }

  void put(Instant at, double value) {
    cw.publish(NS, METRIC, IC, at, value * 6, 6, value, value);
  }

  String state(String name) {
    return only(name).stateValueAsString();
  }

  @ParameterizedTest(name = "{1} {0} {2} -> {3}")
  @CsvSource({
    "GreaterThanThreshold, 5, 4, OK", "GreaterThanThreshold, 5, 5, OK",
        "GreaterThanThreshold, 5, 6, ALARM",
    "GreaterThanOrEqualToThreshold, 5, 4, OK", "GreaterThanOrEqualToThreshold, 5, 5, ALARM",
        "GreaterThanOrEqualToThreshold, 5, 6, ALARM",
    "LessThanThreshold, 5, 4, ALARM", "LessThanThreshold, 5, 5, OK", "LessThanThreshold, 5, 6, OK",
    "LessThanOrEqualToThreshold, 5, 4, ALARM", "LessThanOrEqualToThreshold, 5, 5, ALARM",
        "LessThanOrEqualToThreshold, 5, 6, OK"
  })
  void eachComparisonOperator(String op, double threshold, double value, String expected) {
    metricAlarm("a", 60, 1, null, op, threshold);
    put(T0, value);
    cw.evaluateAlarms(T0.plusSeconds(60));
    assertThat(state("a")).isEqualTo(expected);
  }

  @Test
  void mOutOfNNeedsMBreachingDatapointsAnywhereInTheLastN() {
    metricAlarm("a", 60, 4, 2, "GreaterThanThreshold", 5);
    double[] minutes = {9, 1, 1, 1, 9, 1};
    List<String> states = new ArrayList<>();
    for (int i = 0; i < minutes.length; i++) {
      put(T0.plusSeconds(60L * i), minutes[i]);
      cw.evaluateAlarms(T0.plusSeconds(60L * (i + 1)));
      states.add(state("a"));
    }
    // 4 real datapoints exist only from minute 4: [9 1 1 1] has 1 breaching, [1 1 1 9] 1, [1 1 9 1]
    // 1.
    assertThat(states).containsExactly("INSUFFICIENT_DATA", "OK", "OK", "OK", "OK", "OK");
    put(T0.plusSeconds(360), 9);
    cw.evaluateAlarms(T0.plusSeconds(420));
    assertThat(state("a")).isEqualTo("ALARM");
    assertThat(only("a").stateReason())
        .isEqualTo(
            "Threshold Crossed: 2 out of the last 4 datapoints [9.0 (25/11/26 09:06:00), 9.0"
                + " (25/11/26 09:04:00)] were greater than the threshold (5.0) (minimum 2"
                + " datapoints for OK -> ALARM transition).");
  }

  @Test
  void aSixtySecondPeriodAggregatesItsTenSecondBucketsAndIsEvaluatedOnTheMinute() {
    metricAlarm("minute", 60, 1, null, "GreaterThanThreshold", 5);
    metricAlarm("ten", 10, 1, null, "GreaterThanThreshold", 5);
    // Six 10-second buckets averaging 4.5 over the minute; the last one alone is 12.
    double[] buckets = {1, 2, 3, 5, 4, 12};
    for (int i = 0; i < buckets.length; i++) {
      put(T0.plusSeconds(10L * i), buckets[i]);
    }
    cw.evaluateAlarms(T0.plusSeconds(50));
    assertThat(state("ten")).isEqualTo("OK");
    assertThat(state("minute")).isEqualTo("INSUFFICIENT_DATA");
    cw.evaluateAlarms(T0.plusSeconds(60));
    assertThat(state("ten")).isEqualTo("ALARM");
    assertThat(state("minute")).isEqualTo("OK");
    JsonNode data = Json.read(only("minute").stateReasonData(), JsonNode.class);
    assertThat(data.get("period").asInt()).isEqualTo(60);
    assertThat(data.get("evaluatedDatapoints").get(0).get("value").asDouble()).isEqualTo(4.5);
    assertThat(data.get("evaluatedDatapoints").get(0).get("sampleCount").asDouble()).isEqualTo(36);
    assertThat(data.get("evaluatedDatapoints").get(0).get("timestamp").asText())
        .isEqualTo("2026-11-25T09:00:00.000+0000");
    // Not on its minute: a 60-second alarm is not evaluated.
    put(T0.plusSeconds(60), 100);
    cw.evaluateAlarms(T0.plusSeconds(70));
    assertThat(state("minute")).isEqualTo("OK");
  }

  @Test
  void autoScalingActionsAreInvokedOnTheChangeIntoAlarmAndOncePerMinuteWhileInAlarm() {
    metricAlarm(
        "burst",
        10,
        1,
        null,
        "GreaterThanOrEqualToThreshold",
        8,
        POLICY,
        "arn:aws:lambda:us-east-1:123456789012:function:f");
    List<AlarmActionInvocation> all = new ArrayList<>();
    for (int s = 0; s < 150; s += 10) {
      put(T0.plusSeconds(s), 10 + s / 10.0);
      all.addAll(cw.evaluateAlarms(T0.plusSeconds(s + 10)));
    }
    assertThat(all)
        .extracting(AlarmActionInvocation::at)
        .containsExactly(T0.plusSeconds(10), T0.plusSeconds(70), T0.plusSeconds(130));
    assertThat(all.get(0))
        .isEqualTo(
            new AlarmActionInvocation(
                POLICY,
                "burst",
                T0.plusSeconds(10),
                "ALARM",
                10.0,
                8.0,
                "GreaterThanOrEqualToThreshold"));
    assertThat(all.get(1).metricValue()).isEqualTo(16.0);
    assertThat(cw.drainStateChanges())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.previousState()).isEqualTo("INSUFFICIENT_DATA");
              assertThat(c.state()).isEqualTo("ALARM");
              assertThat(c.at()).isEqualTo(T0.plusSeconds(10));
              assertThat(c.alarmArn()).isEqualTo(cw.alarmArn("burst"));
            });
    // Back to OK: no invocations; into ALARM again: invoked at once.
    put(T0.plusSeconds(150), 1);
    assertThat(cw.evaluateAlarms(T0.plusSeconds(160))).isEmpty();
    assertThat(state("burst")).isEqualTo("OK");
    put(T0.plusSeconds(160), 9);
    assertThat(cw.evaluateAlarms(T0.plusSeconds(170)))
        .extracting(AlarmActionInvocation::metricValue)
        .containsExactly(9.0);
  }

  @Test
  void anAlarmOfOneOutOfTwoIsActedOnWithItsBreachingDatapoint() {
    metricAlarm("burst", 10, 2, 1, "GreaterThanOrEqualToThreshold", 8, POLICY);
    put(T0, 14);
    put(T0.plusSeconds(10), 2);
    // In ALARM on the older datapoint; the newer one (2) would size a step below the threshold.
    assertThat(cw.evaluateAlarms(T0.plusSeconds(20)))
        .singleElement()
        .satisfies(i -> assertThat(i.metricValue()).isEqualTo(14.0));
    assertThat(state("burst")).isEqualTo("ALARM");
  }

  @Test
  void anEvaluationOverridesSetAlarmState() {
    metricAlarm("a", 60, 1, null, "GreaterThanThreshold", 5);
    cw.setAlarmState(b -> b.alarmName("a").stateValue("ALARM").stateReason("test"));
    put(T0, 1);
    assertThat(cw.evaluateAlarms(T0.plusSeconds(60))).isEmpty();
    assertThat(state("a")).isEqualTo("OK");
    assertThat(only("a").stateReason())
        .isEqualTo(
            "Threshold Crossed: 1 datapoint [1.0 (25/11/26 09:00:00)] was not greater than the"
                + " threshold (5.0).");
  }

  @Test
  void theReasonDataIsWhatAlarmEventParses() {
    metricAlarm("burst", 10, 3, null, "GreaterThanThreshold", 2);
    put(T0.plusSeconds(60), 5);
    put(T0.plusSeconds(70), 6);
    put(T0.plusSeconds(80), 7);
    cw.evaluateAlarms(T0.plusSeconds(90));
    CloudWatchTwin.StateChange change = cw.drainStateChanges().get(0);
    assertThat(change.reason())
        .isEqualTo(
            "Threshold Crossed: 3 datapoints [7.0 (25/11/26 09:01:20), 6.0 (25/11/26 09:01:10), 5.0"
                + " (25/11/26 09:01:00)] were greater than the threshold (2.0).");
    JsonNode data = Json.read(change.reasonData(), JsonNode.class);
    assertThat(data.get("version").asText()).isEqualTo("1.0");
    assertThat(data.get("queryDate").asText()).isEqualTo("2026-11-25T09:01:30.000+0000");
    assertThat(data.get("startDate").asText()).isEqualTo("2026-11-25T09:01:00.000+0000");
    assertThat(data.get("statistic").asText()).isEqualTo("Average");
    assertThat(data.get("recentDatapoints"))
        .extracting(JsonNode::asDouble)
        .containsExactly(5.0, 6.0, 7.0);

    ObjectNode event = Json.mapper().createObjectNode();
    event
        .put("version", "0")
        .put("id", "e1")
        .put("detail-type", "CloudWatch Alarm State Change")
        .put("source", "aws.cloudwatch");
    ObjectNode detail = event.putObject("detail");
    detail.put("alarmName", change.alarmName());
    detail
        .putObject("state")
        .put("value", change.state())
        .put("reason", change.reason())
        .put("timestamp", "2026-11-25T09:01:30.000+0000")
        .put("reasonData", change.reasonData());
    AlarmEvent parsed = AlarmEvent.parse(event);
    assertThat(parsed.state()).isEqualTo(dev.copyscale.scaling.event.AlarmState.ALARM);
    assertThat(parsed.datapoints()).containsExactly(7.0, 6.0, 5.0);
    assertThat(parsed.threshold()).contains(2.0);
    assertThat(parsed.aggregate("Maximum")).contains(7.0);
  }

  @Test
  void insufficientDataListsTheUnknownDatapoints() {
    metricAlarm("a", 10, 2, null, "GreaterThanThreshold", 8);
    put(T0, 9);
    put(T0.plusSeconds(10), 9);
    cw.evaluateAlarms(T0.plusSeconds(20));
    assertThat(state("a")).isEqualTo("ALARM");
    cw.evaluateAlarms(T0.plusSeconds(60));
    assertThat(state("a")).isEqualTo("INSUFFICIENT_DATA");
    assertThat(only("a").stateReason()).isEqualTo("Insufficient Data: 2 datapoints were unknown.");
    JsonNode data = Json.read(only("a").stateReasonData(), JsonNode.class);
    assertThat(data.get("evaluatedDatapoints"))
        .hasSize(2)
        .allSatisfy(p -> assertThat(p.has("value")).isFalse());
  }

  List<MetricDataResult> query(Instant start, Instant end, int period, String stat, String scanBy) {
    GetMetricDataResponse r =
        cw.getMetricData(
            b ->
                b.startTime(start)
                    .endTime(end)
                    .scanBy(scanBy)
                    .metricDataQueries(
                        q ->
                            q.id("m")
                                .metricStat(
                                    m ->
                                        m.metric(
                                                x ->
                                                    x.namespace(NS)
                                                        .metricName(METRIC)
                                                        .dimensions(
                                                            d ->
                                                                d.name("InferenceComponentName")
                                                                    .value("ic")))
                                            .period(period)
                                            .stat(stat))));
    return r.metricDataResults();
  }

  @Test
  void getMetricDataReadsBackWhatWasPublished() {
    assertThat(query(T0, T0.plusSeconds(600), 60, "Average", null))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.statusCodeAsString()).isEqualTo("Complete");
              assertThat(r.values()).isEmpty();
            });
    put(T0, 1);
    put(T0.plusSeconds(10), 3);
    put(T0.plusSeconds(120), 8);
    MetricDataResult newestFirst =
        query(T0.plusSeconds(5), T0.plusSeconds(180), 60, "Average", null).get(0);
    assertThat(newestFirst.id()).isEqualTo("m");
    assertThat(newestFirst.label()).isEqualTo(METRIC);
    assertThat(newestFirst.timestamps()).containsExactly(T0.plusSeconds(120), T0);
    assertThat(newestFirst.values()).containsExactly(8.0, 2.0);
    MetricDataResult ascending =
        query(T0, T0.plusSeconds(180), 10, "Sum", "TimestampAscending").get(0);
    assertThat(ascending.timestamps()).containsExactly(T0, T0.plusSeconds(10), T0.plusSeconds(120));
    assertThat(ascending.values()).containsExactly(6.0, 18.0, 48.0);
    assertThat(query(T0, T0.plusSeconds(60), 60, "Maximum", null).get(0).values())
        .containsExactly(3.0);
    assertThat(query(T0, T0.plusSeconds(60), 60, "Minimum", null).get(0).values())
        .containsExactly(1.0);
    assertThat(query(T0, T0.plusSeconds(60), 60, "SampleCount", null).get(0).values())
        .containsExactly(12.0);
    // EndTime is exclusive.
    assertThat(query(T0, T0.plusSeconds(120), 60, "Sum", null).get(0).timestamps())
        .containsExactly(T0);
  }

  @Test
  void getMetricDataRefusesWhatTheTwinCannotAnswer() {
    assertThatThrownBy(
            () ->
                cw.getMetricData(
                    b ->
                        b.startTime(T0)
                            .endTime(T0.plusSeconds(60))
                            .metricDataQueries(q -> q.id("e").expression("SUM(METRICS())"))))
        .isInstanceOfSatisfying(
            CloudWatchException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).contains("metric math"));
    assertThatThrownBy(() -> query(T0, T0.plusSeconds(60), 60, "p99", null))
        .hasMessageContaining("p99");
    assertThatThrownBy(() -> query(T0, T0.plusSeconds(60), 5, "Sum", null))
        .hasMessageContaining("Period 5");
    assertThatThrownBy(() -> query(T0, T0, 60, "Sum", null)).hasMessageContaining("StartTime");
  }
}
