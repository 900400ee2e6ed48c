package dev.copyscale.aws.observe;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.requests.Requests;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.event.AlarmState;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/** A deployment's CloudWatch alarms as they are now, and the datapoints their metrics have. */
public final class AlarmReader {
  private final Clients aws;

  public AlarmReader(Clients aws) {
    this.aws = aws;
  }

  /**
   * The deployment's alarms in ALARM now (DescribeAlarms), each as the event the tick evaluates,
   * keyed by {@code key} of the alarm's name.
   */
  public List<AlarmEvent> inAlarm(DeploymentSpec spec, Function<String, String> key) {
    return aws
        .cloudWatch()
        .describeAlarmsPaginator(
            b -> b.alarmNamePrefix("copyscale-" + spec.name() + "-").stateValue(StateValue.ALARM))
        .metricAlarms()
        .stream()
        // Filtered here too: the state filter is the server's, and a wrong answer must not scale.
        .filter(a -> a.stateValue() == StateValue.ALARM)
        .map(a -> described(a, key.apply(a.alarmName())))
        .toList();
  }

  private static AlarmEvent described(MetricAlarm alarm, String eventKey) {
    return AlarmEvent.described(
        alarm.alarmName(),
        AlarmState.ALARM,
        alarm.stateUpdatedTimestamp(),
        alarm.stateReason() == null ? "" : alarm.stateReason(),
        Optional.ofNullable(alarm.stateReasonData()),
        eventKey);
  }

  /**
   * The policy's alarm metric and statistic over its evaluation periods up to {@code end}
   * (GetMetricData): what an event without datapoints is sized from, and what the tick measures an
   * alarm long in ALARM by.
   */
  public List<Double> datapoints(DeploymentSpec spec, StepPolicy policy, Instant end) {
    PutMetricAlarmRequest alarm = Requests.alarm(spec, ResourceNames.of(spec), policy, List.of());
    Instant start = end.minusSeconds((long) alarm.period() * alarm.evaluationPeriods());
    GetMetricDataResponse data =
        aws.cloudWatch()
            .getMetricData(
                b ->
                    b.startTime(start)
                        .endTime(end)
                        .metricDataQueries(
                            q ->
                                q.id("m")
                                    .metricStat(
                                        m ->
                                            m.metric(
                                                    x ->
                                                        x.namespace(alarm.namespace())
                                                            .metricName(alarm.metricName())
                                                            .dimensions(alarm.dimensions()))
                                                .period(alarm.period())
                                                .stat(alarm.statisticAsString()))));
    return data.metricDataResults().stream().flatMap(r -> r.values().stream()).toList();
  }
}
