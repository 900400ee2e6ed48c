package dev.copyscale.twin;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.copyscale.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmResponse;
import software.amazon.awssdk.services.cloudwatch.model.SetAlarmStateRequest;
import software.amazon.awssdk.services.cloudwatch.model.SetAlarmStateResponse;

/**
 * CloudWatch alarms in the twin: they exist, are listed and change state (SetAlarmState). A new
 * alarm starts in INSUFFICIENT_DATA, as CloudWatch's do. Every state change is kept, so the world
 * can deliver it as EventBridge would ("CloudWatch Alarm State Change").
 */
public final class CloudWatchTwin implements CloudWatchClient {
  /** Alarms by name, and the state changes not yet delivered. */
  public static final class State {
    public TreeMap<String, Alarm> alarms = new TreeMap<>();
    public List<StateChange> undelivered = new ArrayList<>();
  }

  public static final class Alarm {
    public String alarmName;
    public String alarmDescription;
    public String namespace;
    public String metricName;
    public TreeMap<String, String> dimensions = new TreeMap<>();
    public String statistic;
    public int period;
    public int evaluationPeriods;
    public Integer datapointsToAlarm;
    public double threshold;
    public String comparisonOperator;
    public String treatMissingData;
    public List<String> alarmActions = new ArrayList<>();
    public String stateValue = "INSUFFICIENT_DATA";
    public String stateReason = "Unchecked: Initial alarm creation";
    public String stateReasonData;
    public Instant stateUpdatedTimestamp;
    public Instant alarmConfigurationUpdatedTimestamp;
  }

  /** One alarm state change, with what EventBridge's event carries. */
  public record StateChange(String alarmName, String alarmArn, Instant at, String previousState, String state, String reason, String reasonData) {}

  private final Clock clock;
  private final String region;
  private final String account;
  private final State state;

  public CloudWatchTwin(Clock clock, String region, String account, State state) {
    this.clock = clock;
    this.region = region;
    this.account = account;
    this.state = state;
  }

  public State state() {
    return state;
  }

  public String alarmArn(String name) {
    return "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + name;
  }

  @Override
  public String serviceName() {
    return "monitoring";
  }

  @Override
  public void close() {}

  private static CloudWatchException error(String code, String message) {
    return (CloudWatchException) CloudWatchException.builder().message(message).statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("CloudWatch").build()).build();
  }

  @Override
  public synchronized PutMetricAlarmResponse putMetricAlarm(PutMetricAlarmRequest r) {
    if (r.alarmName() == null || r.alarmName().isEmpty() || r.alarmName().length() > 255) {
      throw error("ValidationError", "AlarmName must be 1 to 255 characters.");
    }
    if (r.evaluationPeriods() == null || r.evaluationPeriods() < 1) {
      throw error("ValidationError", "EvaluationPeriods must be at least 1.");
    }
    if (r.period() != null && !(r.period() == 10 || r.period() == 20 || r.period() == 30 || r.period() % 60 == 0)) {
      throw error("ValidationError", "Period must be 10, 20, 30 or a multiple of 60.");
    }
    if (r.datapointsToAlarm() != null && r.datapointsToAlarm() > r.evaluationPeriods()) {
      throw error("ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods.");
    }
    Alarm existing = state.alarms.get(r.alarmName());
    Alarm a = existing == null ? new Alarm() : existing;
    a.alarmName = r.alarmName();
    a.alarmDescription = r.alarmDescription();
    a.namespace = r.namespace();
    a.metricName = r.metricName();
    a.dimensions = new TreeMap<>();
    for (Dimension d : r.dimensions()) {
      a.dimensions.put(d.name(), d.value());
    }
    a.statistic = r.statisticAsString();
    a.period = r.period() == null ? 60 : r.period();
    a.evaluationPeriods = r.evaluationPeriods();
    a.datapointsToAlarm = r.datapointsToAlarm();
    a.threshold = r.threshold() == null ? 0 : r.threshold();
    a.comparisonOperator = r.comparisonOperatorAsString();
    a.treatMissingData = r.treatMissingData() == null ? "missing" : r.treatMissingData();
    a.alarmActions = new ArrayList<>(r.alarmActions());
    a.alarmConfigurationUpdatedTimestamp = clock.instant();
    if (existing == null) {
      a.stateUpdatedTimestamp = clock.instant();
    }
    state.alarms.put(a.alarmName, a);
    return PutMetricAlarmResponse.builder().build();
  }

  @Override
  public synchronized DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest r) {
    List<MetricAlarm> alarms = state.alarms.values().stream()
        .filter(a -> r.alarmNames().isEmpty() || r.alarmNames().contains(a.alarmName))
        .filter(a -> r.alarmNamePrefix() == null || a.alarmName.startsWith(r.alarmNamePrefix()))
        .filter(a -> r.stateValueAsString() == null || a.stateValue.equals(r.stateValueAsString()))
        .map(this::describe).toList();
    return DescribeAlarmsResponse.builder().metricAlarms(alarms).build();
  }

  MetricAlarm describe(Alarm a) {
    return MetricAlarm.builder().alarmName(a.alarmName).alarmArn(alarmArn(a.alarmName)).alarmDescription(a.alarmDescription)
        .namespace(a.namespace).metricName(a.metricName)
        .dimensions(a.dimensions.entrySet().stream().map(d -> Dimension.builder().name(d.getKey()).value(d.getValue()).build()).toList())
        .statistic(a.statistic).period(a.period).evaluationPeriods(a.evaluationPeriods).datapointsToAlarm(a.datapointsToAlarm)
        .threshold(a.threshold).comparisonOperator(a.comparisonOperator).treatMissingData(a.treatMissingData).alarmActions(a.alarmActions)
        .stateValue(a.stateValue).stateReason(a.stateReason).stateReasonData(a.stateReasonData).stateUpdatedTimestamp(a.stateUpdatedTimestamp)
        .alarmConfigurationUpdatedTimestamp(a.alarmConfigurationUpdatedTimestamp).build();
  }

  @Override
  public synchronized DeleteAlarmsResponse deleteAlarms(DeleteAlarmsRequest r) {
    for (String name : r.alarmNames()) {
      if (!state.alarms.containsKey(name)) {
        throw error("ResourceNotFound", "Alarm " + name + " does not exist.");
      }
    }
    r.alarmNames().forEach(state.alarms::remove);
    return DeleteAlarmsResponse.builder().build();
  }

  /** Sets an alarm's state as SetAlarmState does: until the next evaluation, which the twin does not run yet. */
  @Override
  public synchronized SetAlarmStateResponse setAlarmState(SetAlarmStateRequest r) {
    Alarm a = state.alarms.get(r.alarmName());
    if (a == null) {
      throw error("ResourceNotFound", "Alarm " + r.alarmName() + " does not exist.");
    }
    String value = r.stateValueAsString();
    if (!List.of("OK", "ALARM", "INSUFFICIENT_DATA").contains(value)) {
      throw error("ValidationError", "1 validation error detected: Value '" + value
          + "' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]");
    }
    if (r.stateReasonData() != null && !isJson(r.stateReasonData())) {
      throw error("InvalidFormat", "StateReasonData is not valid JSON.");
    }
    String previous = a.stateValue;
    a.stateValue = value;
    a.stateReason = r.stateReason();
    a.stateReasonData = r.stateReasonData();
    a.stateUpdatedTimestamp = clock.instant();
    if (!previous.equals(a.stateValue)) {
      state.undelivered.add(new StateChange(a.alarmName, alarmArn(a.alarmName), a.stateUpdatedTimestamp, previous, a.stateValue, a.stateReason, a.stateReasonData));
    }
    return SetAlarmStateResponse.builder().build();
  }

  private static boolean isJson(String text) {
    try {
      Json.mapper().readTree(text);
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * No metric is published in the twin yet (request traffic arrives with the simulator), so every
   * query answers with no datapoints, as CloudWatch does for a metric nobody published.
   */
  @Override
  public synchronized GetMetricDataResponse getMetricData(GetMetricDataRequest r) {
    return GetMetricDataResponse.builder().metricDataResults(r.metricDataQueries().stream()
        .map(q -> MetricDataResult.builder().id(q.id()).statusCode("Complete").build()).toList()).build();
  }

  /** The state changes since the last call, for delivery to the alarm's targets. */
  public synchronized List<StateChange> drainStateChanges() {
    List<StateChange> changes = List.copyOf(state.undelivered);
    state.undelivered.clear();
    return changes;
  }
}
