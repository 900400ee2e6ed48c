package dev.copyscale.aws.scaling;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.slo.LoadHistory;
import dev.copyscale.slo.Seasonality;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.slo.SloDecision;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.Metric;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * engine: slo in the step-scaling function (docs/slo.md): observe (the component's metrics from
 * CloudWatch through GetMetricData, the live capacity, the target's state), decide ({@link
 * SloDecision}, pure), apply (the decision and the event id in one conditional write; only the
 * invocation that wins it writes to SageMaker, through {@link CapacityConvergence}).
 *
 * <p>The minute-by-minute history (up to 14 days, to find daily and weekly patterns) is read once
 * per warm container and then only its last minutes, as CloudWatch may still add to them; the
 * pattern is looked for again every hour.
 */
public final class SloService {
  /** Minutes re-read on every decision: CloudWatch may add datapoints to them after they end. */
  static final int REREAD_MINUTES = 5;

  static final Duration PATTERN_REFRESH = Duration.ofHours(1);

  private final Clients aws;
  private final StateStore store;
  private final Clock clock;
  private final CapacityWriter writer;
  private final CapacityConvergence convergence;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** A deployment's history as last read, and its pattern as last found. */
  private record Cached(
      String component, LoadHistory history, OptionalInt period, Instant periodFoundAt) {}

  public SloService(
      Clients aws,
      StateStore store,
      Clock clock,
      CapacityWriter writer,
      CapacityConvergence convergence) {
    this.aws = aws;
    this.store = store;
    this.clock = clock;
    this.writer = writer;
    this.convergence = convergence;
  }

  /**
   * One decision for an slo deployment. {@code eventKey} makes it once-only: a repeated delivery of
   * the same alarm change, or a second tick of the same minute, finds it handled and writes
   * nothing.
   *
   * @param trigger "tick", or the wake-up alarm's name
   * @param record whether a decision that changes nothing is kept in the ledger (alarm wake-ups:
   *     yes; ticks: no)
   */
  public ScalingResult decide(
      DeploymentSpec spec, String eventKey, String trigger, boolean record) {
    SloCapacity capacity = SloCapacity.of(spec);
    for (int attempt = 0; ; attempt++) {
      Instant now = clock.instant();
      if (store.handled(eventKey)) {
        return ScalingResult.ignored(
            Optional.of(spec.name()),
            trigger,
            "duplicate delivery of " + eventKey + ": already handled",
            0);
      }
      // Observe.
      TargetState target = store.target(spec.name());
      LiveCapacity live = writer.read(spec);
      if (trigger.equals("tick") && !live.componentInService() && target.intent().isEmpty()) {
        // Like the orchestrated tick, the minute tick starts nothing while the component is being
        // created or updated.
        return ScalingResult.of(
            LedgerEntry.builder(spec.name(), now, eventKey, "slo", trigger)
                .capacity(live.capacity(), live.capacity())
                .outcome(
                    Outcome.NO_CHANGE,
                    "component "
                        + live.componentStatus().orElse("missing")
                        + ": engine slo waits for InService")
                .build(),
            Optional.empty());
      }
      Cached seen = observe(spec, capacity, now);
      List<Double> recent = recentConcurrency(spec, now);
      // Decide.
      SloDecision decision =
          SloDecision.decide(
              new SloDecision.Inputs(
                  spec,
                  capacity,
                  seen.history(),
                  recent,
                  capacity.slo().forecast() ? seen.period() : OptionalInt.empty(),
                  target,
                  live,
                  now,
                  eventKey,
                  trigger,
                  store.deployment(spec.name()).map(DeploymentRecord::updatedAt)));
      if (decision.outcome() == Outcome.NO_CHANGE && !record) {
        return ScalingResult.of(decision.entry(), decision.instances());
      }
      // Apply.
      try {
        return convergence
            .apply(spec, eventKey, decision.entry(), decision.next(), decision.instances())
            .orElseGet(
                () ->
                    ScalingResult.ignored(
                        Optional.of(spec.name()),
                        trigger,
                        "duplicate delivery of " + eventKey + ": already handled",
                        0));
      } catch (ConcurrentUpdateException e) {
        if (attempt >= 4) {
          throw e;
        }
      }
    }
  }

  /** The history up to the last whole minute: read whole once, then only its last minutes. */
  private Cached observe(DeploymentSpec spec, SloCapacity capacity, Instant now) {
    String component = ResourceNames.of(spec).component();
    Instant end = now.truncatedTo(ChronoUnit.MINUTES);
    Instant start = end.minus(SloDecision.historyNeeded(capacity));
    Cached old = cache.get(spec.name());
    LoadHistory history;
    if (old == null
        || !old.component().equals(component)
        || old.history().end().isBefore(end.minus(Duration.ofHours(1)))) {
      history = read(component, start, end);
    } else {
      Instant from = old.history().end().minus(Duration.ofMinutes(REREAD_MINUTES));
      history = join(old.history(), read(component, from, end), start);
    }
    boolean recent =
        old != null
            && old.component().equals(component)
            && now.isBefore(old.periodFoundAt().plus(PATTERN_REFRESH));
    OptionalInt period =
        recent
            ? old.period()
            : capacity.slo().forecast()
                ? Seasonality.period(history.demand(capacity.serviceMs(capacity.perCopy(1), 1)))
                : OptionalInt.empty();
    Instant foundAt = recent ? old.periodFoundAt() : now;
    Cached seen = new Cached(component, history, period, foundAt);
    cache.put(spec.name(), seen);
    return seen;
  }

  /**
   * The six one-minute series from {@code start} to {@code end} (GetMetricData pages past 100,800
   * datapoints; each page adds its part).
   */
  private LoadHistory read(String component, Instant start, Instant end) {
    int minutes = (int) Duration.between(start, end).toMinutes();
    double[][] series = new double[LoadHistory.SERIES][minutes];
    for (double[] s : series) {
      java.util.Arrays.fill(s, Double.NaN);
    }
    if (minutes <= 0) {
      return LoadHistory.of(start, series);
    }
    List<MetricDataQuery> queries =
        List.of(
            query("inv", component, Metric.INVOCATIONS, "Sum", 60),
            query("nocap", component, Metric.NO_CAPACITY_INVOCATION_FAILURES, "Sum", 60),
            query("lat", component, Metric.MODEL_LATENCY, "Average", 60),
            query("conc", component, Metric.CONCURRENT_REQUESTS_PER_COPY, "Average", 60),
            query("concmax", component, Metric.CONCURRENT_REQUESTS_PER_COPY, "Maximum", 60),
            query("percopy", component, Metric.INVOCATIONS_PER_COPY, "Sum", 60));
    GetMetricDataRequest request =
        GetMetricDataRequest.builder()
            .startTime(start)
            .endTime(end)
            .metricDataQueries(queries)
            .scanBy(ScanBy.TIMESTAMP_ASCENDING)
            .build();
    aws.cloudWatch()
        .getMetricDataPaginator(request)
        .metricDataResults()
        .forEach(
            r -> {
              int which =
                  switch (r.id()) {
                    case "inv" -> 0;
                    case "nocap" -> 1;
                    case "lat" -> 2;
                    case "conc" -> 3;
                    case "concmax" -> 4;
                    default -> 5;
                  };
              // SageMaker publishes ModelLatency in microseconds.
              double scale = which == 2 ? 1e-3 : 1;
              put(series[which], r, start, scale);
            });
    return LoadHistory.of(start, series);
  }

  private static void put(double[] into, MetricDataResult r, Instant start, double scale) {
    for (int i = 0; i < r.timestamps().size(); i++) {
      long minute = Duration.between(start, r.timestamps().get(i)).toMinutes();
      if (minute >= 0 && minute < into.length) {
        into[(int) minute] = r.values().get(i) * scale;
      }
    }
  }

  /** ConcurrentRequestsPerCopy's 10-second averages over the last minute, oldest first. */
  private List<Double> recentConcurrency(DeploymentSpec spec, Instant now) {
    Instant end = now.truncatedTo(ChronoUnit.SECONDS);
    List<Double> values = new ArrayList<>();
    aws.cloudWatch()
        .getMetricData(
            GetMetricDataRequest.builder()
                .startTime(end.minusSeconds(60))
                .endTime(end)
                .metricDataQueries(
                    query(
                        "c10",
                        ResourceNames.of(spec).component(),
                        Metric.CONCURRENT_REQUESTS_PER_COPY,
                        "Average",
                        10))
                .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                .build())
        .metricDataResults()
        .forEach(r -> values.addAll(r.values()));
    return values;
  }

  private static MetricDataQuery query(
      String id, String component, Metric metric, String stat, int period) {
    return MetricDataQuery.builder()
        .id(id)
        .returnData(true)
        .metricStat(
            m ->
                m.period(period)
                    .stat(stat)
                    .metric(
                        x ->
                            x.namespace(metric.namespace())
                                .metricName(metric.metricName())
                                .dimensions(
                                    d -> d.name("InferenceComponentName").value(component))))
        .build();
  }

  /**
   * {@code old} with {@code fresh} laid over its last minutes, trimmed to start at {@code start}.
   */
  private static LoadHistory join(LoadHistory old, LoadHistory fresh, Instant start) {
    int minutes = (int) Duration.between(start, fresh.end()).toMinutes();
    double[][] out = new double[LoadHistory.SERIES][minutes];
    double[][] a = old.series();
    double[][] b = fresh.series();
    long oldOffset = Duration.between(start, old.start()).toMinutes();
    long freshOffset = Duration.between(start, fresh.start()).toMinutes();
    for (int k = 0; k < LoadHistory.SERIES; k++) {
      java.util.Arrays.fill(out[k], Double.NaN);
      for (int i = 0; i < a[k].length; i++) {
        long at = oldOffset + i;
        if (at >= 0 && at < minutes) {
          out[k][(int) at] = a[k][i];
        }
      }
      for (int i = 0; i < b[k].length; i++) {
        long at = freshOffset + i;
        if (at >= 0 && at < minutes) {
          out[k][(int) at] = b[k][i];
        }
      }
    }
    return LoadHistory.of(start, out);
  }
}
