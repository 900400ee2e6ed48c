package dev.copyscale.twin.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the tables in "How alarm state is evaluated when data is missing",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html (text
 * of awsdocs/amazon-cloudwatch-user-guide doc_source/AlarmThatSendsEmail.md, 2023-05-17, commit
 * b35549706cab03cdcd0a8df9956a2381c0315642), for all four treatments, run through the twin:
 * EvaluationPeriods 3, evaluation range 5, datapoints oldest on the left, 0 non-breaching, X
 * breaching, - missing. "retain" is the IGNORE column's "Retain current state", checked from OK and
 * from ALARM.
 */
class MissingDataTableTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

  /** DatapointsToAlarm, data points, then MISSING, IGNORE, BREACHING, NOT BREACHING. */
  static final List<String[]> TABLE =
      List.of(
          // First table: 3 out of 3.
          row("3", "0 - X - X", "OK", "OK", "OK", "OK"),
          row("3", "0 - - - -", "OK", "OK", "OK", "OK"),
          row("3", "- - - - -", "INSUFFICIENT_DATA", "retain", "ALARM", "OK"),
          row("3", "0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"),
          row("3", "- - X - -", "ALARM", "retain", "ALARM", "OK"),
          // Second table: 2 out of 3.
          row("2", "0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM"),
          row("2", "0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM"),
          row("2", "0 - X - -", "OK", "OK", "ALARM", "OK"),
          row("2", "- - - - 0", "OK", "OK", "ALARM", "OK"),
          row("2", "- - - X -", "ALARM", "retain", "ALARM", "OK"),
          // Rows of earlier versions of the same tables (2019-2020), consistent with the current
          // rules.
          row("3", "- - - - X", "INSUFFICIENT_DATA", "retain", "ALARM", "OK"),
          row("3", "X - - - -", "ALARM", "retain", "ALARM", "OK"),
          row("2", "- - - - X", "INSUFFICIENT_DATA", "retain", "ALARM", "OK"));

  static String[] row(String... cells) {
    return cells;
  }

  static final List<String> TREATMENTS = List.of("missing", "ignore", "breaching", "notBreaching");

  static Stream<Arguments> rows() {
    return TABLE.stream()
        .flatMap(
            r ->
                Stream.of("OK", "ALARM")
                    .flatMap(
                        previous ->
                            Stream.iterate(0, i -> i + 1)
                                .limit(4)
                                .map(
                                    t ->
                                        Arguments.of(
                                            r[1],
                                            Integer.parseInt(r[0]),
                                            TREATMENTS.get(t),
                                            previous,
                                            r[2 + t].equals("retain") ? previous : r[2 + t]))));
  }

  @ParameterizedTest(name = "{0} ({1} of 3), treat missing as {2}, from {3} -> {4}")
  @MethodSource("rows")
  void documentedOutcome(
      String points, int datapointsToAlarm, String treatment, String previous, String expected) {
    CloudWatchTwin cw =
        new CloudWatchTwin(
            Clock.fixed(T0, ZoneOffset.UTC),
            "us-east-1",
            "123456789012",
            new CloudWatchTwin.State());
    cw.putMetricAlarm(
        b ->
            b.alarmName("a")
                .namespace("AWS/SageMaker")
                .metricName("ConcurrentRequestsPerCopy")
                .dimensions(d -> d.name("InferenceComponentName").value("ic"))
                .statistic("Average")
                .period(60)
                .evaluationPeriods(3)
                .datapointsToAlarm(datapointsToAlarm)
                .threshold(5.0)
                .comparisonOperator("GreaterThanThreshold")
                .treatMissingData(treatment));
    cw.setAlarmState(b -> b.alarmName("a").stateValue(previous).stateReason("test"));
    String[] cells = points.split(" ");
    for (int i = 0; i < cells.length; i++) {
      if (!cells[i].equals("-")) {
        double value = cells[i].equals("X") ? 10 : 0;
        cw.publish(
            "AWS/SageMaker",
            "ConcurrentRequestsPerCopy",
            Map.of("InferenceComponentName", "ic"),
            T0.plusSeconds(60L * i + 20),
            value,
            1,
            value,
            value);
      }
    }
    cw.evaluateAlarms(T0.plusSeconds(60L * cells.length));
    assertThat(cw.describeAlarms(b -> b.alarmNames("a")).metricAlarms().get(0).stateValueAsString())
        .isEqualTo(expected);
  }
}
