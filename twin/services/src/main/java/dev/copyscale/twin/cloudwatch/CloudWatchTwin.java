package dev.copyscale.twin.cloudwatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmResponse;
import software.amazon.awssdk.services.cloudwatch.model.SetAlarmStateRequest;
import software.amazon.awssdk.services.cloudwatch.model.SetAlarmStateResponse;

/**
 * CloudWatch in the twin: metrics published by the simulator ({@link #publish}), read back with
 * GetMetricData, and metric alarms that exist, are listed, change state (SetAlarmState) and are
 * evaluated on those metrics ({@link #evaluateAlarms}). A new alarm starts in INSUFFICIENT_DATA, as
 * CloudWatch's do. Every state change is kept, so the world can deliver it as EventBridge would
 * ("CloudWatch Alarm State Change").
 */
public final class CloudWatchTwin implements CloudWatchClient {
  /**
   * Alarms by name, the state changes not yet delivered and the metrics, as persisted in the world
   * file (Jackson reads and writes the private fields). Changed only through the methods below,
   * under the twin's lock; readers get unmodifiable views.
   */
  public static final class State {
    private TreeMap<String, Alarm> alarms = new TreeMap<>();
    private List<StateChange> undelivered = new ArrayList<>();
    private MetricStore metrics = new MetricStore();

    public Map<String, Alarm> alarms() {
      return Collections.unmodifiableMap(alarms);
    }

    /** The alarm of this name, or null. */
    public Alarm alarm(String name) {
      return alarms.get(name);
    }

    void putAlarm(Alarm a) {
      alarms.put(a.alarmName(), a);
    }

    void removeAlarm(String name) {
      alarms.remove(name);
    }

    /** A state change to deliver as EventBridge would. */
    void recordChange(StateChange change) {
      undelivered.add(change);
    }

    /** The changes not yet delivered, oldest first; they count as delivered now. */
    List<StateChange> drainChanges() {
      List<StateChange> changes = List.copyOf(undelivered);
      undelivered.clear();
      return changes;
    }

    MetricStore metrics() {
      return metrics;
    }
  }

  /**
   * A metric alarm: its configuration (set as a whole by PutMetricAlarm, {@link #configure}) and
   * its state ({@link #changeState}, by SetAlarmState or an evaluation). Fields are private for
   * Jackson.
   */
  public static final class Alarm {
    private String alarmName;
    private String alarmDescription;
    private String namespace;
    private String metricName;
    private TreeMap<String, String> dimensions = new TreeMap<>();
    private String statistic;
    private int period;
    private int evaluationPeriods;
    private Integer datapointsToAlarm;
    private double threshold;
    private String comparisonOperator;
    private String treatMissingData;
    private List<String> alarmActions = new ArrayList<>();
    private String stateValue = "INSUFFICIENT_DATA";
    private String stateReason = "Unchecked: Initial alarm creation";
    private String stateReasonData;
    private Instant stateUpdatedTimestamp;
    private Instant alarmConfigurationUpdatedTimestamp;

    /** When the alarm last invoked its Auto Scaling actions; null when not in ALARM since. */
    private Instant autoScalingActionsInvokedAt;

    /** For Jackson. */
    private Alarm() {}

    /** A new alarm, in INSUFFICIENT_DATA since {@code at}; {@link #configure} sets the rest. */
    Alarm(String alarmName, Instant at) {
      this.alarmName = alarmName;
      this.stateUpdatedTimestamp = at;
    }

    /**
     * PutMetricAlarm's configuration, with CloudWatch's defaults (60 s period, missing data as
     * missing); the state stays.
     */
    void configure(PutMetricAlarmRequest r, Instant at) {
      alarmDescription = r.alarmDescription();
      namespace = r.namespace();
      metricName = r.metricName();
      dimensions = new TreeMap<>();
      for (Dimension d : r.dimensions()) {
        dimensions.put(d.name(), d.value());
      }
      statistic = r.statisticAsString();
      period = r.period() == null ? 60 : r.period();
      evaluationPeriods = r.evaluationPeriods();
      datapointsToAlarm = r.datapointsToAlarm();
      threshold = r.threshold() == null ? 0 : r.threshold();
      comparisonOperator = r.comparisonOperatorAsString();
      treatMissingData = r.treatMissingData() == null ? "missing" : r.treatMissingData();
      alarmActions = new ArrayList<>(r.alarmActions());
      alarmConfigurationUpdatedTimestamp = at;
    }

    /**
     * Sets the state at {@code at}; a change of value restarts the once-a-minute Auto Scaling
     * actions. Returns the state value before.
     */
    String changeState(String value, String reason, String reasonData, Instant at) {
      String previous = stateValue;
      stateValue = value;
      stateReason = reason;
      stateReasonData = reasonData;
      stateUpdatedTimestamp = at;
      if (!previous.equals(value)) {
        autoScalingActionsInvokedAt = null;
      }
      return previous;
    }

    /**
     * The alarm invoked its Auto Scaling actions at {@code at} (again a minute later while in
     * ALARM).
     */
    void actionsInvoked(Instant at) {
      autoScalingActionsInvokedAt = at;
    }

    public String alarmName() {
      return alarmName;
    }

    public String alarmDescription() {
      return alarmDescription;
    }

    public String namespace() {
      return namespace;
    }

    public String metricName() {
      return metricName;
    }

    public Map<String, String> dimensions() {
      return Collections.unmodifiableMap(dimensions);
    }

    public String statistic() {
      return statistic;
    }

    public int period() {
      return period;
    }

    public int evaluationPeriods() {
      return evaluationPeriods;
    }

    public Integer datapointsToAlarm() {
      return datapointsToAlarm;
    }

    public double threshold() {
      return threshold;
    }

    public String comparisonOperator() {
      return comparisonOperator;
    }

    public String treatMissingData() {
      return treatMissingData;
    }

    public List<String> alarmActions() {
      return Collections.unmodifiableList(alarmActions);
    }

    public String stateValue() {
      return stateValue;
    }

    public String stateReason() {
      return stateReason;
    }

    public String stateReasonData() {
      return stateReasonData;
    }

    public Instant stateUpdatedTimestamp() {
      return stateUpdatedTimestamp;
    }

    public Instant alarmConfigurationUpdatedTimestamp() {
      return alarmConfigurationUpdatedTimestamp;
    }

    public Instant autoScalingActionsInvokedAt() {
      return autoScalingActionsInvokedAt;
    }
  }

  /** One alarm state change, with what EventBridge's event carries. */
  public record StateChange(
      String alarmName,
      String alarmArn,
      Instant at,
      String previousState,
      String state,
      String reason,
      String reasonData) {}

  private final Clock clock;
  private final String region;
  private final String account;
  private final State state;

  /** How long after its period ends a datapoint becomes visible to GetMetricData and alarms. */
  private final java.time.Duration ingestionDelay;

  public CloudWatchTwin(Clock clock, String region, String account, State state) {
    this(clock, region, account, state, java.time.Duration.ZERO);
  }

  /**
   * @param ingestionDelay how long after its period ends a datapoint is visible to GetMetricData
   *     and to alarm evaluation (whole seconds)
   */
  public CloudWatchTwin(
      Clock clock, String region, String account, State state, java.time.Duration ingestionDelay) {
    this.clock = clock;
    this.region = region;
    this.account = account;
    this.state = state;
    this.ingestionDelay = ingestionDelay;
  }

  public java.time.Duration ingestionDelay() {
    return ingestionDelay;
  }

  /** The epoch second up to which published data is visible at {@code now}. */
  private long visibleUntil(Instant now) {
    // Without a delay every published datapoint counts, future ones included (as before delays were
    // modelled).
    return ingestionDelay.isZero() ? Long.MAX_VALUE : now.minus(ingestionDelay).getEpochSecond();
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
    return (CloudWatchException)
        CloudWatchException.builder()
            .message(message)
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .serviceName("CloudWatch")
                    .build())
            .build();
  }

  @Override
  public synchronized PutMetricAlarmResponse putMetricAlarm(PutMetricAlarmRequest r) {
    if (r.alarmName() == null || r.alarmName().isEmpty() || r.alarmName().length() > 255) {
      throw error("ValidationError", "AlarmName must be 1 to 255 characters.");
    }
    if (r.evaluationPeriods() == null || r.evaluationPeriods() < 1) {
      throw error("ValidationError", "EvaluationPeriods must be at least 1.");
    }
    if (r.period() != null
        && !(r.period() == 10 || r.period() == 20 || r.period() == 30 || r.period() % 60 == 0)) {
      throw error("ValidationError", "Period must be 10, 20, 30 or a multiple of 60.");
    }
    if (r.datapointsToAlarm() != null && r.datapointsToAlarm() > r.evaluationPeriods()) {
      throw error(
          "ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods.");
    }
    Alarm existing = state.alarm(r.alarmName());
    Alarm a = existing == null ? new Alarm(r.alarmName(), clock.instant()) : existing;
    a.configure(r, clock.instant());
    state.putAlarm(a);
    return PutMetricAlarmResponse.builder().build();
  }

  @Override
  public synchronized DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest r) {
    List<MetricAlarm> alarms =
        state.alarms().values().stream()
            .filter(a -> r.alarmNames().isEmpty() || r.alarmNames().contains(a.alarmName()))
            .filter(
                a -> r.alarmNamePrefix() == null || a.alarmName().startsWith(r.alarmNamePrefix()))
            .filter(
                a ->
                    r.stateValueAsString() == null || a.stateValue().equals(r.stateValueAsString()))
            .map(this::describe)
            .toList();
    return DescribeAlarmsResponse.builder().metricAlarms(alarms).build();
  }

  MetricAlarm describe(Alarm a) {
    return MetricAlarm.builder()
        .alarmName(a.alarmName())
        .alarmArn(alarmArn(a.alarmName()))
        .alarmDescription(a.alarmDescription())
        .namespace(a.namespace())
        .metricName(a.metricName())
        .dimensions(
            a.dimensions().entrySet().stream()
                .map(d -> Dimension.builder().name(d.getKey()).value(d.getValue()).build())
                .toList())
        .statistic(a.statistic())
        .period(a.period())
        .evaluationPeriods(a.evaluationPeriods())
        .datapointsToAlarm(a.datapointsToAlarm())
        .threshold(a.threshold())
        .comparisonOperator(a.comparisonOperator())
        .treatMissingData(a.treatMissingData())
        .alarmActions(a.alarmActions())
        .stateValue(a.stateValue())
        .stateReason(a.stateReason())
        .stateReasonData(a.stateReasonData())
        .stateUpdatedTimestamp(a.stateUpdatedTimestamp())
        .alarmConfigurationUpdatedTimestamp(a.alarmConfigurationUpdatedTimestamp())
        .build();
  }

  @Override
  public synchronized DeleteAlarmsResponse deleteAlarms(DeleteAlarmsRequest r) {
    for (String name : r.alarmNames()) {
      if (state.alarm(name) == null) {
        throw error("ResourceNotFound", "Alarm " + name + " does not exist.");
      }
    }
    r.alarmNames().forEach(state::removeAlarm);
    return DeleteAlarmsResponse.builder().build();
  }

  /**
   * Sets an alarm's state as SetAlarmState does: until the next evaluation ({@link
   * #evaluateAlarms}).
   */
  @Override
  public synchronized SetAlarmStateResponse setAlarmState(SetAlarmStateRequest r) {
    Alarm a = state.alarm(r.alarmName());
    if (a == null) {
      throw error("ResourceNotFound", "Alarm " + r.alarmName() + " does not exist.");
    }
    String value = r.stateValueAsString();
    if (!List.of("OK", "ALARM", "INSUFFICIENT_DATA").contains(value)) {
      throw error(
          "ValidationError",
          "1 validation error detected: Value '"
              + value
              + "' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value"
              + " set: [INSUFFICIENT_DATA, ALARM, OK]");
    }
    if (r.stateReasonData() != null && !isJson(r.stateReasonData())) {
      throw error("InvalidFormat", "StateReasonData is not valid JSON.");
    }
    String previous = a.changeState(value, r.stateReason(), r.stateReasonData(), clock.instant());
    if (!previous.equals(value)) {
      state.recordChange(
          new StateChange(
              a.alarmName(),
              alarmArn(a.alarmName()),
              a.stateUpdatedTimestamp(),
              previous,
              a.stateValue(),
              a.stateReason(),
              a.stateReasonData()));
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
   * Stores one statistic set (a high-resolution datapoint) for the 10-second bucket starting at
   * {@code timestamp}, as SageMaker publishes its inference component metrics every 10 seconds;
   * sets published into the same bucket merge.
   */
  public synchronized void publish(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      Instant timestamp,
      double sum,
      long sampleCount,
      double minimum,
      double maximum) {
    state
        .metrics()
        .publish(
            namespace,
            metricName,
            dimensions,
            timestamp.getEpochSecond(),
            sum,
            sampleCount,
            minimum,
            maximum);
  }

  /** Whether anything was published into the 10-second bucket starting at {@code bucketStart}. */
  public synchronized boolean published(
      String namespace, String metricName, Map<String, String> dimensions, Instant bucketStart) {
    return state.metrics().has(namespace, metricName, dimensions, bucketStart.getEpochSecond());
  }

  /**
   * GetMetricData for MetricStat queries over [StartTime, EndTime) from the published metrics.
   * StartTime is rounded down as the API reference says (to the period below a minute, else to the
   * minute); periods without data are left out; newest first unless ScanBy is TimestampAscending.
   * Metric math is not evaluated: an Expression query is refused rather than answered wrongly.
   */
  @Override
  public synchronized GetMetricDataResponse getMetricData(GetMetricDataRequest r) {
    if (r.startTime() == null || r.endTime() == null) {
      throw error("ValidationError", "StartTime and EndTime are required.");
    }
    if (!r.startTime().isBefore(r.endTime())) {
      throw error(
          "ValidationError", "The parameter StartTime must be less than the parameter EndTime.");
    }
    boolean ascending = "TimestampAscending".equals(r.scanByAsString());
    List<MetricDataResult> results = new ArrayList<>();
    for (MetricDataQuery q : r.metricDataQueries()) {
      if (q.expression() != null) {
        throw error(
            "ValidationError",
            "Query "
                + q.id()
                + " has an Expression; the copyscale twin does not evaluate metric math, only"
                + " MetricStat queries.");
      }
      MetricStat stat = q.metricStat();
      if (stat == null || stat.metric() == null) {
        throw error("ValidationError", "Query " + q.id() + " needs a MetricStat or an Expression.");
      }
      int period = stat.period() == null ? 0 : stat.period();
      if (!(period == 10 || period == 20 || period == 30 || (period > 0 && period % 60 == 0))) {
        throw error(
            "ValidationError",
            "Query "
                + q.id()
                + ": Period "
                + period
                + " is not supported; the twin keeps 10-second data, so use 10, 20, 30 or a"
                + " multiple of 60.");
      }
      if (!MetricStore.supports(stat.stat())) {
        throw error(
            "ValidationError",
            "Query "
                + q.id()
                + ": statistic "
                + stat.stat()
                + " is not supported by the twin (it keeps statistic sets, not samples); use Sum,"
                + " Average, Minimum, Maximum or SampleCount.");
      }
      if (Boolean.FALSE.equals(q.returnData())) {
        continue;
      }
      int rounding = period < 60 ? period : 60;
      long start = Math.floorDiv(r.startTime().getEpochSecond(), rounding) * rounding;
      long end = r.endTime().getEpochSecond() + (r.endTime().getNano() > 0 ? 1 : 0);
      int periods = (int) ((end - start + period - 1) / period);
      Map<String, String> dimensions = new TreeMap<>();
      stat.metric().dimensions().forEach(d -> dimensions.put(d.name(), d.value()));
      double[][] sets =
          state
              .metrics()
              .aggregate(
                  stat.metric().namespace(),
                  stat.metric().metricName(),
                  dimensions,
                  start,
                  period,
                  periods,
                  visibleUntil(clock.instant()));
      List<Instant> timestamps = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (int k = 0; k < periods; k++) {
        int i = ascending ? k : periods - 1 - k;
        if (sets[i] != null) {
          timestamps.add(Instant.ofEpochSecond(start + (long) i * period));
          values.add(MetricStore.value(sets[i], stat.stat()));
        }
      }
      results.add(
          MetricDataResult.builder()
              .id(q.id())
              .label(q.label() != null ? q.label() : stat.metric().metricName())
              .timestamps(timestamps)
              .values(values)
              .statusCode("Complete")
              .build());
    }
    return GetMetricDataResponse.builder().metricDataResults(results).build();
  }

  /**
   * CloudWatch's evaluation at {@code now}: every metric alarm due now is evaluated on the
   * published metrics over its evaluation range (see {@link AlarmEvaluation}), and a state change
   * is recorded as SetAlarmState records it. CloudWatch evaluates alarms with a period of a minute
   * or more every minute over the periods ending then, and 10- and 30-second alarms every 10
   * seconds ("Evaluating an alarm",
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html), so
   * call this at every 10-second boundary. A datapoint counts only from its period's end plus the
   * ingestion delay: until then its period is missing (and TreatMissingData decides).
   *
   * @return the alarms' Application Auto Scaling policy actions to invoke: on the change into ALARM
   *     and, since "for Auto Scaling actions, the alarm continues to invoke the action once per
   *     minute that the alarm remains in the new state", again each minute while in ALARM
   */
  public synchronized List<AlarmActionInvocation> evaluateAlarms(Instant now) {
    List<AlarmActionInvocation> invocations = new ArrayList<>();
    long t = now.getEpochSecond();
    for (Alarm a : state.alarms().values()) {
      // Metric math and percentile alarms need data the twin does not keep; they stay as they are.
      if (a.metricName() == null
          || !MetricStore.supports(a.statistic())
          || now.getNano() != 0
          || t % (a.period() < 60 ? 10 : 60) != 0) {
        continue;
      }
      int n = a.evaluationPeriods();
      int m = a.datapointsToAlarm() == null ? n : a.datapointsToAlarm();
      int range = n + AlarmEvaluation.EXTRA_RANGE;
      long from = t - (long) a.period() * range;
      // A period is evaluated only once all of it is visible: its end plus the ingestion delay.
      long visible = visibleUntil(now);
      double[][] sets =
          state
              .metrics()
              .aggregate(
                  a.namespace(), a.metricName(), a.dimensions(), from, a.period(), range, visible);
      for (int i = 0; i < range; i++) {
        if (visible != Long.MAX_VALUE && from + (long) a.period() * (i + 1) > visible) {
          sets[i] = null;
        }
      }
      double[] values = new double[range];
      double[][] newestFirst = new double[range][];
      for (int i = 0; i < range; i++) {
        newestFirst[i] = sets[range - 1 - i];
        values[i] =
            newestFirst[i] == null ? Double.NaN : MetricStore.value(newestFirst[i], a.statistic());
      }
      AlarmEvaluation.Result result =
          AlarmEvaluation.evaluate(
              values, n, m, a.comparisonOperator(), a.threshold(), a.treatMissingData());
      String previous = a.stateValue();
      if (result.state() != null && !result.state().equals(previous)) {
        a.changeState(
            result.state(),
            reason(a, previous, result, values, t),
            reasonData(a, result, values, newestFirst, now, t),
            now);
        state.recordChange(
            new StateChange(
                a.alarmName(),
                alarmArn(a.alarmName()),
                now,
                previous,
                a.stateValue(),
                a.stateReason(),
                a.stateReasonData()));
      }
      if (a.stateValue().equals("ALARM")
          && (a.autoScalingActionsInvokedAt() == null
              || !now.isBefore(a.autoScalingActionsInvokedAt().plusSeconds(60)))) {
        boolean invoked = false;
        for (String action : a.alarmActions()) {
          if (action.startsWith("arn:aws:autoscaling:")) {
            invocations.add(
                new AlarmActionInvocation(
                    action,
                    a.alarmName(),
                    now,
                    "ALARM",
                    actionValue(a, result, values),
                    a.threshold(),
                    a.comparisonOperator()));
            invoked = true;
          }
        }
        if (invoked) {
          a.actionsInvoked(now);
        }
      }
    }
    return invocations;
  }

  /**
   * The value an Auto Scaling action is sized from: the newest evaluated datapoint that breaches,
   * else the newest that has a value; NaN when every evaluated one was missing (filled). An alarm
   * of M out of N datapoints is in ALARM with some on the good side, and a step sized from one of
   * those would not scale (copyscale's orchestrated engine sizes from the breaching datapoints
   * too).
   */
  private static double actionValue(Alarm a, AlarmEvaluation.Result result, double[] values) {
    for (int i : result.evaluated()) {
      if (!Double.isNaN(values[i])
          && AlarmEvaluation.breaches(a.comparisonOperator(), values[i], a.threshold())) {
        return values[i];
      }
    }
    for (int i : result.evaluated()) {
      if (!Double.isNaN(values[i])) {
        return values[i];
      }
    }
    return Double.NaN;
  }

  /** CloudWatch writes reasonData timestamps as {@code 2026-11-25T10:00:10.000+0000}. */
  private static final DateTimeFormatter REASON_DATA_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

  /** And reason texts as {@code 25/11/26 10:00:10}. */
  private static final DateTimeFormatter REASON_TIME =
      DateTimeFormatter.ofPattern("dd/MM/yy HH:mm:ss").withZone(ZoneOffset.UTC);

  private static long start(Alarm a, long t, int position) {
    return t - (long) a.period() * (position + 1);
  }

  /**
   * A reason text like CloudWatch's ("Threshold Crossed: 3 datapoints [5.0 (25/11/26 09:01:00),
   * ...] were greater than the threshold (2.0).").
   */
  private static String reason(
      Alarm a, String previous, AlarmEvaluation.Result result, double[] values, long t) {
    int n = a.evaluationPeriods();
    int unknown = (int) result.evaluated().stream().filter(i -> Double.isNaN(values[i])).count();
    if (result.state().equals("INSUFFICIENT_DATA")) {
      return "Insufficient Data: "
          + unknown
          + (unknown == 1 ? " datapoint was unknown." : " datapoints were unknown.");
    }
    boolean alarm = result.state().equals("ALARM");
    String treatedAs = "breaching".equals(a.treatMissingData()) ? "Breaching" : "NonBreaching";
    // Filled datapoints count towards the outcome when they were treated the way it went.
    boolean filledCount =
        alarm
            ? "breaching".equals(a.treatMissingData())
            : "notBreaching".equals(a.treatMissingData());
    List<String> shown = new ArrayList<>();
    for (int i : result.evaluated()) {
      if (!Double.isNaN(values[i])
          && AlarmEvaluation.breaches(a.comparisonOperator(), values[i], a.threshold()) == alarm) {
        shown.add(
            values[i] + " (" + REASON_TIME.format(Instant.ofEpochSecond(start(a, t, i))) + ")");
      }
    }
    String missing =
        result.filled() > 0
                && ("breaching".equals(a.treatMissingData())
                    || "notBreaching".equals(a.treatMissingData()))
            ? result.filled()
                + (result.filled() == 1 ? " missing datapoint was" : " missing datapoints were")
                + " treated as ["
                + treatedAs
                + "]"
            : "";
    if (shown.isEmpty() && !missing.isEmpty()) {
      return "Threshold Crossed: no datapoints were received for "
          + result.filled()
          + (result.filled() == 1 ? " period and " : " periods and ")
          + missing
          + ".";
    }
    int k = shown.size() + (filledCount ? result.filled() : 0);
    String comparison =
        (k == 1 ? " was " : " were ")
            + (alarm ? "" : "not ")
            + AlarmEvaluation.words(a.comparisonOperator())
            + " the threshold ("
            + a.threshold()
            + ")";
    String points = " [" + String.join(", ", shown) + "]";
    String text;
    if (k == n) {
      text =
          "Threshold Crossed: " + k + (k == 1 ? " datapoint" : " datapoints") + points + comparison;
    } else {
      int minimum =
          alarm
              ? (a.datapointsToAlarm() == null ? n : a.datapointsToAlarm())
              : n - (a.datapointsToAlarm() == null ? n : a.datapointsToAlarm()) + 1;
      text =
          "Threshold Crossed: "
              + k
              + " out of the last "
              + n
              + " datapoints"
              + points
              + comparison
              + " (minimum "
              + minimum
              + (minimum == 1 ? " datapoint for " : " datapoints for ")
              + previous
              + " -> "
              + result.state()
              + " transition)";
    }
    return text + (missing.isEmpty() ? "." : "; " + missing + ".");
  }

  /**
   * reasonData like CloudWatch's: the evaluated datapoints newest first, missing ones with only a
   * timestamp.
   */
  private static String reasonData(
      Alarm a,
      AlarmEvaluation.Result result,
      double[] values,
      double[][] sets,
      Instant now,
      long t) {
    ObjectNode data = Json.mapper().createObjectNode();
    data.put("version", "1.0");
    data.put("queryDate", REASON_DATA_TIME.format(now));
    List<Integer> evaluated = result.evaluated();
    if (!evaluated.isEmpty()) {
      data.put(
          "startDate",
          REASON_DATA_TIME.format(
              Instant.ofEpochSecond(start(a, t, evaluated.get(evaluated.size() - 1)))));
    }
    data.put("statistic", a.statistic());
    data.put("period", a.period());
    ArrayNode recent = data.putArray("recentDatapoints");
    for (int k = evaluated.size() - 1; k >= 0; k--) {
      if (!Double.isNaN(values[evaluated.get(k)])) {
        recent.add(values[evaluated.get(k)]);
      }
    }
    data.put("threshold", a.threshold());
    ArrayNode points = data.putArray("evaluatedDatapoints");
    for (int i : evaluated) {
      ObjectNode point = points.addObject();
      point.put("timestamp", REASON_DATA_TIME.format(Instant.ofEpochSecond(start(a, t, i))));
      if (sets[i] != null) {
        point.put("sampleCount", sets[i][MetricStore.COUNT]);
        point.put("value", values[i]);
      }
    }
    return Json.compact(data);
  }

  /** The state changes since the last call, for delivery to the alarm's targets. */
  public synchronized List<StateChange> drainStateChanges() {
    return state.drainChanges();
  }
}
