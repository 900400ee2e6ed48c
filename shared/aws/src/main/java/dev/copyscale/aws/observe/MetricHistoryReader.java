package dev.copyscale.aws.observe;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.slo.LoadHistory;
import dev.copyscale.slo.LoadHistory.Series;
import dev.copyscale.spec.Metric;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * An inference component's load as SageMaker publishes it to CloudWatch, through GetMetricData: the
 * one-minute history engine slo plans from ({@link Series}), and the last minute's 10-second
 * ConcurrentRequestsPerCopy.
 *
 * <p>The history (up to 14 days, to find daily and weekly patterns) is read whole once per warm
 * container and then only its last minutes, as CloudWatch may still add to them; {@link
 * LoadHistory#join} shares the rest.
 */
public final class MetricHistoryReader {
  /** Minutes re-read on every decision: CloudWatch may add datapoints to them after they end. */
  static final int REREAD_MINUTES = 5;

  /** A history older than this is read whole again rather than caught up. */
  static final Duration STALE_AFTER = Duration.ofHours(1);

  private final Clients aws;

  /** The history last read per deployment, with the component it is of. */
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(String component, LoadHistory history) {}

  public MetricHistoryReader(Clients aws) {
    this.aws = aws;
  }

  /** {@code deployment}'s component's history over {@code length} up to the last whole minute. */
  public LoadHistory history(String deployment, String component, Duration length, Instant now) {
    Instant end = now.truncatedTo(ChronoUnit.MINUTES);
    Instant start = end.minus(length);
    Cached old = cache.get(deployment);
    LoadHistory history;
    if (old == null
        || !old.component().equals(component)
        || old.history().end().isBefore(end.minus(STALE_AFTER))) {
      history = read(component, start, end);
    } else {
      Instant from = old.history().end().minus(Duration.ofMinutes(REREAD_MINUTES));
      history = LoadHistory.join(old.history(), read(component, from, end), start);
    }
    cache.put(deployment, new Cached(component, history));
    return history;
  }

  /**
   * Every series from {@code start} to {@code end} (GetMetricData pages past 100,800 datapoints;
   * each page adds its part).
   */
  private LoadHistory read(String component, Instant start, Instant end) {
    int minutes = (int) Duration.between(start, end).toMinutes();
    LoadHistory.Builder history = LoadHistory.builder(start, minutes);
    if (minutes <= 0) {
      return history.build();
    }
    List<MetricDataQuery> queries = new ArrayList<>();
    for (Series s : Series.values()) {
      queries.add(query(id(s), component, s.metric(), s.statistic(), 60));
    }
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
        .forEach(r -> put(history, series(r.id()), r, start));
    return history.build();
  }

  private static void put(
      LoadHistory.Builder into, Series series, MetricDataResult r, Instant start) {
    for (int i = 0; i < r.timestamps().size(); i++) {
      long minute = Duration.between(start, r.timestamps().get(i)).toMinutes();
      if (minute >= 0 && minute <= Integer.MAX_VALUE) {
        into.set(series, (int) minute, r.values().get(i) * series.scale());
      }
    }
  }

  /** ConcurrentRequestsPerCopy's 10-second averages over the last minute, oldest first. */
  public List<Double> recentConcurrencyPerCopy(String component, Instant now) {
    Instant end = now.truncatedTo(ChronoUnit.SECONDS);
    List<Double> values = new ArrayList<>();
    aws.cloudWatch()
        .getMetricData(
            GetMetricDataRequest.builder()
                .startTime(end.minusSeconds(60))
                .endTime(end)
                .metricDataQueries(
                    query("c10", component, Metric.CONCURRENT_REQUESTS_PER_COPY, "Average", 10))
                .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                .build())
        .metricDataResults()
        .forEach(r -> values.addAll(r.values()));
    return values;
  }

  /** A query id GetMetricData accepts (a lower-case letter first, then letters and digits). */
  static String id(Series s) {
    return "s" + s.ordinal();
  }

  private static Series series(String id) {
    return Series.values()[Integer.parseInt(id.substring(1))];
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
}
