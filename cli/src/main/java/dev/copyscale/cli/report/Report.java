package dev.copyscale.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.cli.report.Chart.Axis;
import dev.copyscale.cli.report.Chart.Mark;
import dev.copyscale.cli.report.Chart.Rule;
import dev.copyscale.cli.report.Chart.Series;
import dev.copyscale.cli.report.Chart.Style;
import dev.copyscale.json.Json;
import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.sim.MinutePoint;
import dev.copyscale.twin.sim.SimulationResult;
import dev.copyscale.twin.sim.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Writes a simulation report into a directory: {@code index.html} (one self-contained page that
 * opens with the trade-off: every configuration's cost against its SLO attainment, the best that
 * meets the objective marked, a verdict each; then the side-by-side table, the charts over time
 * with every scaling decision, and the inputs once), the charts as PNGs ({@code tradeoff.png},
 * {@code <spec>-load.png}, {@code -copies.png}, {@code -latency.png}), {@code timeline.csv} (a row
 * per spec per minute, or per coarser step on traces longer than a day), {@code decisions.csv} and
 * {@code summary.json}. Every spec's charts share the time axis and, chart by chart, the y scale,
 * so panels compare at a glance.
 */
public final class Report {
  /** The kinds of chart per spec, in page order; also the PNG file suffixes. */
  static final List<String> KINDS = List.of("load", "copies", "latency");

  /** The files a report writes besides its per-spec PNGs; a rewrite removes them first. */
  static final List<String> FILES =
      List.of(
          "index.html",
          "timeline.csv",
          "decisions.csv",
          "summary.json",
          "cost.csv",
          "tradeoff.png");

  /** PNGs are drawn at twice the chart's CSS-pixel size, for sharp text. */
  static final int PNG_SCALE = 2;

  /** Charts hold at most about this many points a series: a point a minute up to a day. */
  static final int MAX_POINTS = 1440;

  /** The steps a long trace's points are aggregated over, in minutes. */
  private static final int[] BUCKETS = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440};

  // Okabe-Ito, a colour-blind-safe palette.
  private static final String BLUE = "#0072B2";
  private static final String SKY = "#56B4E9";
  private static final String ORANGE = "#E69F00";
  private static final String GREEN = "#009E73";
  private static final String VERMILLION = "#D55E00";
  private static final String PURPLE = "#CC79A7";
  private static final String GREY = "#666666";
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter FULL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * A spec with more decisions than this gets its table folded (a {@code <details>} element,
   * closed).
   */
  static final int OPEN_DECISIONS = 25;

  static final String CSS =
      """
      *{box-sizing:border-box}
      body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:16px auto;padding:0 16px;max-width:1400px;
      color:#222;background:#fff;line-height:1.4;overflow-wrap:anywhere}
      h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid #ccc}
      h3{font-size:1.05em;margin:.2em 0 .4em}.note,.meta{color:#555;font-size:.9em;font-weight:normal}
      .scroll{overflow-x:auto;max-width:100%}
      table{border-collapse:collapse;font-size:.9em;overflow-wrap:normal}
      th,td{border:1px solid #d0d0d0;padding:3px 8px;vertical-align:top}
      thead th{background:#f2f2f2}
      table.summary td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      table.summary th[scope=row]{text-align:left;font-weight:normal;background:#fafafa}
      table.summary tr.detail th[scope=row]{padding-left:20px;color:#555}
      table.summary tr.verdict td{font-weight:bold}
      tr.group th{text-align:left;background:#f2f2f2}
      .glance{max-width:760px}.glance svg{display:block;width:100%;height:auto}
      ul.verdicts{padding-left:1.2em}ul.verdicts li.best{font-weight:bold}
      ul.verdicts .meets{color:#00704f}ul.verdicts .misses{color:#a33f00}
      .panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr));gap:16px}
      .panel{border:1px solid #d0d0d0;border-radius:4px;padding:10px;min-width:0}
      .panel svg{display:block;width:100%;height:auto;margin:4px 0}
      table.decisions td.when,table.decisions td.change{white-space:nowrap;font-variant-numeric:tabular-nums}
      svg line.decision{cursor:help}
      @media (max-width:600px){body{padding:0 8px}.panel{padding:6px}}
      """;

  private Report() {}

  /**
   * Creates {@code dir} if needed and checks a file can be written in it, before anything is
   * simulated.
   *
   * @throws IOException saying why not (the operating system's reason)
   */
  public static void checkWritable(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path probe = Files.createTempFile(dir, ".copyscale-", ".probe");
    Files.delete(probe);
  }

  /** Writes the report as {@link #write(Path, String, Objective, List, List)} with no decisions. */
  public static void write(Path dir, String trace, List<SimulationResult> results) {
    write(dir, trace, Objective.DEFAULT, results, null);
  }

  /**
   * Writes the report for {@code results} (one per spec, all on the same trace) into {@code dir},
   * creating it if needed and removing the files an earlier report wrote there; each spec's scaling
   * decisions ({@code decisions}, one per result, in the same order; null for none known) are
   * marked on its load chart and listed under its charts.
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public static void write(
      Path dir,
      String trace,
      Objective objective,
      List<SimulationResult> results,
      List<Decisions> decisions) {
    write(dir, trace, objective, results, decisions, List.of());
  }

  /**
   * As {@link #write(Path, String, Objective, List, List)}, with the shared endpoints' cost split
   * beside separate endpoints ({@code endpoints}): a section of index.html, {@code endpoints} in
   * summary.json, and each minute's split in {@code cost.csv}.
   */
  public static void write(
      Path dir,
      String trace,
      Objective objective,
      List<SimulationResult> results,
      List<Decisions> decisions,
      List<EndpointComparison> endpoints) {
    if (decisions != null && decisions.size() != results.size()) {
      throw new IllegalArgumentException(
          "decisions for " + decisions.size() + " specs, results for " + results.size());
    }
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    try {
      Files.createDirectories(dir);
      clear(dir);
      Frame frame = Frame.of(results);
      List<String> names = fileNames(results);
      List<Summary> summaries = results.stream().map(SimulationResult::summary).toList();
      TradeOffChart tradeOff = new TradeOffChart(summaries, objective);
      if (!results.isEmpty()) {
        png(
            dir.resolve("tradeoff.png"),
            TradeOffChart.WIDTH,
            TradeOffChart.HEIGHT,
            tradeOff::paint);
      }
      List<List<Chart>> charts = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        List<Chart> specCharts =
            charts(results.get(i), frame, decisions == null ? null : decisions.get(i));
        charts.add(specCharts);
        for (int k = 0; k < KINDS.size(); k++) {
          png(
              dir.resolve(names.get(i) + "-" + KINDS.get(k) + ".png"),
              Chart.WIDTH,
              Chart.HEIGHT,
              specCharts.get(k)::paint);
        }
      }
      Files.writeString(
          dir.resolve("index.html"),
          html(trace, objective, results, tradeOff, charts, names, decisions, frame, endpoints),
          StandardCharsets.UTF_8);
      writeCsv(dir.resolve("timeline.csv"), results, frame);
      writeDecisionsCsv(dir.resolve("decisions.csv"), results, decisions);
      Files.writeString(
          dir.resolve("summary.json"),
          Json.pretty(json(trace, objective, results, decisions, true, endpoints)),
          StandardCharsets.UTF_8);
      if (!endpoints.isEmpty()) {
        List<String> rows = new ArrayList<>();
        rows.add("spec,minute,component,usd,acceleratorHours");
        endpoints.forEach(e -> rows.addAll(e.csvRows()));
        Files.writeString(
            dir.resolve("cost.csv"), String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the report to " + dir + ": " + OsReason.of(e), e);
    }
  }

  static void png(Path file, int width, int height, java.util.function.Consumer<Canvas> art)
      throws IOException {
    PngCanvas png = new PngCanvas(width, height, PNG_SCALE);
    art.accept(png);
    if (!ImageIO.write(png.finish(), "png", file.toFile())) {
      throw new IOException("no PNG writer for " + file);
    }
  }

  /** Removes what an earlier report wrote in {@code dir}: its named files and per-spec PNGs. */
  private static void clear(Path dir) throws IOException {
    for (String name : FILES) {
      Files.deleteIfExists(dir.resolve(name));
    }
    try (DirectoryStream<Path> pngs =
        Files.newDirectoryStream(dir, "*-{" + String.join(",", KINDS) + "}.png")) {
      for (Path png : pngs) {
        Files.deleteIfExists(png);
      }
    }
  }

  /**
   * The time axis and y ranges every spec's charts share, and the step their points are taken over:
   * a minute up to a day, then the smallest of {@link #BUCKETS} that keeps a series within {@link
   * #MAX_POINTS} points.
   */
  record Frame(
      Instant start,
      int minutes,
      int bucket,
      double loadMax,
      double copiesMax,
      double latencyMin,
      double latencyMax) {
    static Frame of(List<SimulationResult> results) {
      Instant start = null;
      Instant end = null;
      for (SimulationResult r : results) {
        for (MinutePoint p : r.timeline()) {
          start = start == null || p.minute().isBefore(start) ? p.minute() : start;
          end = end == null || p.minute().isAfter(end) ? p.minute() : end;
        }
      }
      if (start == null) {
        return new Frame(Instant.EPOCH, 1, 1, 0, 0, Double.NaN, Double.NaN);
      }
      int minutes = (int) Duration.between(start, end).toMinutes() + 1;
      int bucket = BUCKETS[BUCKETS.length - 1];
      for (int b : BUCKETS) {
        // A trace of a day runs a few minutes over (the last requests finish): still a minute.
        if ((minutes + b - 1) / b <= MAX_POINTS + MAX_POINTS / 10) {
          bucket = b;
          break;
        }
      }
      Frame f = new Frame(start, minutes, bucket, 0, 0, Double.NaN, Double.NaN);
      double load = 0;
      double copies = 0;
      double lo = Double.POSITIVE_INFINITY;
      double hi = 0;
      for (SimulationResult r : results) {
        load = Math.max(load, max(f.values(r, MinutePoint::arrivals, Agg.MEAN)));
        copies = Math.max(copies, max(f.values(r, MinutePoint::desiredCopies, Agg.MAX)));
        copies = Math.max(copies, max(f.values(r, MinutePoint::servingCopies, Agg.MAX)));
        copies = Math.max(copies, max(f.values(r, MinutePoint::instances, Agg.MAX)));
        for (double[] series :
            List.of(
                f.values(r, MinutePoint::latencyP50Ms, Agg.MEAN),
                f.values(r, MinutePoint::latencyP95Ms, Agg.MAX),
                f.values(r, MinutePoint::ttftP95Ms, Agg.MAX))) {
          for (double v : series) {
            if (Double.isFinite(v) && v > 0) {
              lo = Math.min(lo, v);
              hi = Math.max(hi, v);
            }
          }
        }
        double slo = r.summary().sloTtftMs();
        if (Double.isFinite(slo) && slo > 0) {
          lo = Math.min(lo, slo);
          hi = Math.max(hi, slo);
        }
      }
      return new Frame(start, minutes, bucket, load, copies, lo, hi);
    }

    int points() {
      return (minutes + bucket - 1) / bucket;
    }

    /**
     * One figure per bucket since {@link #start}: the mean of the bucket's minutes or its highest;
     * NaN where the figure is missing throughout the bucket.
     */
    double[] values(SimulationResult r, ToDoubleFunction<MinutePoint> figure, Agg agg) {
      double[] sum = new double[points()];
      int[] n = new int[points()];
      Arrays.fill(sum, Double.NaN);
      for (MinutePoint p : r.timeline()) {
        long i = Duration.between(start, p.minute()).toMinutes() / bucket;
        double v = figure.applyAsDouble(p);
        if (i >= 0 && i < sum.length && Double.isFinite(v)) {
          int k = (int) i;
          sum[k] = n[k] == 0 ? v : agg == Agg.MAX ? Math.max(sum[k], v) : sum[k] + v;
          n[k]++;
        }
      }
      if (agg == Agg.MEAN) {
        for (int k = 0; k < sum.length; k++) {
          sum[k] = n[k] == 0 ? Double.NaN : sum[k] / n[k];
        }
      }
      return sum;
    }

    /** What the x axis says: the clock, and how a point sums up its step on a long trace. */
    String caption(String aggregation) {
      String axis = "UTC; time since " + FULL.format(start) + " UTC";
      return bucket == 1
          ? axis
          : axis + "; a point per " + Units.duration(60.0 * bucket) + " (" + aggregation + ")";
    }
  }

  /** How a bucket of minutes becomes one point. */
  enum Agg {
    MEAN,
    MAX
  }

  private static double max(double[] values) {
    double m = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        m = Math.max(m, v);
      }
    }
    return m;
  }

  /** The load, copies and latency charts of one spec, in the order of {@link #KINDS}. */
  static List<Chart> charts(SimulationResult r, Frame f) {
    return charts(r, f, null);
  }

  /** The charts of one spec, its decisions (null: none known) as ticks on the load chart. */
  static List<Chart> charts(SimulationResult r, Frame f, Decisions decisions) {
    String spec = r.summary().spec();
    List<Mark> marks = new ArrayList<>();
    boolean up = false;
    boolean down = false;
    boolean other = false;
    boolean held = false;
    for (Decision d : decisions == null ? List.<Decision>of() : decisions.entries()) {
      double minute = Duration.between(f.start(), d.at()).toMillis() / 60_000.0;
      String color = d.to() > d.from() ? GREEN : d.to() < d.from() ? ORANGE : GREY;
      up |= d.to() > d.from();
      down |= d.to() < d.from();
      other |= d.to() == d.from() && d.heldBackBy().isEmpty();
      held |= d.to() == d.from() && !d.heldBackBy().isEmpty();
      marks.add(new Mark(minute, color, tooltip(d)));
    }
    List<String[]> markLegend = new ArrayList<>();
    if (up) {
      markLegend.add(new String[] {"decision: more", GREEN});
    }
    if (down) {
      markLegend.add(new String[] {"decision: fewer", ORANGE});
    }
    if (other || held) {
      markLegend.add(
          new String[] {
            other && held
                ? "decision: bounds, or held back"
                : other ? "decision: bounds" : "decision: held back",
            GREY
          });
    }
    Chart load =
        new Chart(
            spec + ": load",
            f.start(),
            f.minutes(),
            f.bucket(),
            f.caption("requests per minute averaged over it"),
            Axis.linear(f.loadMax(), true, "requests per minute"),
            List.of(
                new Series(
                    "arrivals/min",
                    BLUE,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::arrivals, Agg.MEAN)),
                new Series(
                    "failed/min",
                    VERMILLION,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::failed, Agg.MEAN))),
            List.of(),
            marks,
            markLegend);
    Chart copies =
        new Chart(
            spec + ": copies and instances",
            f.start(),
            f.minutes(),
            f.bucket(),
            f.caption("the highest count in it"),
            Axis.linear(f.copiesMax(), true, "count"),
            List.of(
                new Series(
                    "serving copies",
                    BLUE,
                    2.5,
                    null,
                    Style.STEP,
                    f.values(r, MinutePoint::servingCopies, Agg.MAX)),
                new Series(
                    "instances",
                    GREEN,
                    1.5,
                    new float[] {2, 2},
                    Style.STEP,
                    f.values(r, MinutePoint::instances, Agg.MAX)),
                new Series(
                    "desired copies",
                    ORANGE,
                    1.75,
                    new float[] {6, 3},
                    Style.STEP,
                    f.values(r, MinutePoint::desiredCopies, Agg.MAX))),
            List.of(),
            List.of(),
            List.of());
    double slo = r.summary().sloTtftMs();
    Chart latency =
        new Chart(
            spec + ": latency of completed requests",
            f.start(),
            f.minutes(),
            f.bucket(),
            f.caption("p50 the minutes' mean, p95s the highest minute"),
            Axis.log(f.latencyMin(), f.latencyMax(), "latency (log scale)", Report::duration),
            List.of(
                new Series(
                    "latency p50",
                    SKY,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::latencyP50Ms, Agg.MEAN)),
                new Series(
                    "latency p95",
                    BLUE,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::latencyP95Ms, Agg.MAX)),
                new Series(
                    "TTFT p95",
                    PURPLE,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::ttftP95Ms, Agg.MAX))),
            Double.isFinite(slo) && slo > 0
                ? List.of(
                    new Rule("TTFT SLO " + duration(slo), slo, VERMILLION, new float[] {6, 4}))
                : List.of(),
            List.of(),
            List.of());
    return List.of(load, copies, latency);
  }

  private static String tooltip(Decision d) {
    return WHEN.format(d.at())
        + " UTC: "
        + d.from()
        + " → "
        + d.to()
        + " ("
        + d.outcome()
        + "): "
        + Units.readable(d.reason());
  }

  /** Spec names made safe as file names ([A-Za-z0-9._-]) and unique. */
  static List<String> fileNames(List<SimulationResult> results) {
    List<String> names = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (SimulationResult r : results) {
      String base = String.valueOf(r.summary().spec()).replaceAll("[^A-Za-z0-9._-]", "_");
      base = base.isEmpty() || base.chars().allMatch(c -> c == '.') ? "spec" : base;
      if (base.equals("tradeoff")) {
        base = "tradeoff-spec";
      }
      String name = base;
      for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
        name = base + "-" + n;
      }
      names.add(name);
    }
    return names;
  }

  // ---------------------------------------------------------------- HTML

  private static String html(
      String trace,
      Objective objective,
      List<SimulationResult> results,
      TradeOffChart tradeOff,
      List<List<Chart>> charts,
      List<String> names,
      List<Decisions> decisions,
      Frame frame,
      List<EndpointComparison> endpoints) {
    List<Summary> summaries = results.stream().map(SimulationResult::summary).toList();
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>copyscale simulation report</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n")
        .append("<h1>copyscale simulation report</h1>\n<p><strong>Trace:</strong> ")
        .append(escape(trace))
        .append("<br><strong>Objective:</strong> ")
        .append(escape(objective.describe()))
        .append("</p>\n");

    h.append("<h2>At a glance</h2>\n<div class=\"glance\">\n");
    if (!results.isEmpty()) {
      SvgCanvas svg =
          new SvgCanvas(
              TradeOffChart.WIDTH, TradeOffChart.HEIGHT, "cost against SLO attainment", "tradeoff");
      tradeOff.paint(svg);
      h.append(svg.finish());
    }
    List<Verdict> verdicts = Verdict.of(summaries, objective);
    if (verdicts.stream().noneMatch(v -> v.kind() == Verdict.Kind.BEST) && !results.isEmpty()) {
      h.append(
          "<p class=\"none-meets\"><strong>No configuration meets the objective.</strong></p>\n");
    }
    h.append("<ul class=\"verdicts\">\n");
    for (int i = 0; i < summaries.size(); i++) {
      Summary s = summaries.get(i);
      Verdict v = verdicts.get(i);
      h.append("<li class=\"")
          .append(v.kind().name().toLowerCase(Locale.ROOT))
          .append("\"><strong>")
          .append(escape(s.spec()))
          .append("</strong>: <span class=\"")
          .append(v.kind() == Verdict.Kind.MISSES ? "misses" : "meets")
          .append("\">")
          .append(escape(v.text()))
          .append("</span> <span class=\"meta\">(")
          .append(escape(Units.usd(s.costUsd())))
          .append(", ")
          .append(escape(Units.percent(s.sloAttainment())))
          .append(" within ")
          .append(escape(Objective.targets(s.sloTtftMs(), s.sloItlMs())))
          .append(", failed ")
          .append(escape(Units.countOf(s.failedRequests(), s.requests())))
          .append("; its objective, ")
          .append(escape(SummaryTable.describe(s.objective())))
          .append(" (")
          .append(escape(s.objective().source()))
          .append("), ")
          .append(s.objective().met() ? "met" : "missed")
          .append(")</span></li>\n");
    }
    h.append("</ul>\n</div>\n");

    h.append("<h2>Summary</h2>\n<div class=\"scroll\">\n<table class=\"summary\">\n")
        .append("<thead><tr><th></th>");
    summaries.forEach(s -> h.append("<th scope=\"col\">").append(escape(s.spec())).append("</th>"));
    h.append("</tr></thead>\n<tbody>\n");
    for (SummaryTable.Row row : SummaryTable.rows(summaries, objective)) {
      h.append(
              row.detail()
                  ? "<tr class=\"detail\">"
                  : row.label().equals("verdict") ? "<tr class=\"verdict\">" : "<tr>")
          .append("<th scope=\"row\">")
          .append(escape(row.label()))
          .append("</th>");
      row.cells().forEach(c -> h.append("<td>").append(escape(c)).append("</td>"));
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>\n</div>\n")
        .append("<p class=\"note\">Each configuration is held to the objective its spec states")
        .append(" (engine slo's scaling.slo), else to the run's. Every request that missed it is")
        .append(" counted once, under the first cause that applies: too long for the model's")
        .append(" token limits (TGI refuses it, whatever the capacity), no copy serving, timed")
        .append(" out, another model error, or served too slowly: within a new copy's start-up")
        .append(" time of the load rising beyond the serving copies (faster than copies start),")
        .append(" or otherwise. The time to capacity runs from such a rise until enough copies")
        .append(" serve and a minute's requests meet the objective again.</p>\n")
        .append("<ul class=\"serving\">\n");
    for (List<String> block : SummaryTable.servingBlocks(summaries)) {
      h.append("<li>")
          .append(String.join("<br>", block.stream().map(Report::escape).toList()))
          .append("</li>\n");
    }
    h.append("</ul>\n");

    for (EndpointComparison e : endpoints) {
      List<String> lines = e.lines();
      h.append("<h2>Shared endpoint ")
          .append(escape(e.shared().endpoint()))
          .append("</h2>\n<p class=\"note\">")
          .append(escape(lines.get(0)))
          .append(" (each minute in cost.csv).</p>\n<div class=\"scroll\"><pre>")
          .append(escape(String.join("\n", lines.subList(1, lines.size()))))
          .append("</pre></div>\n");
    }

    h.append("<h2>Over time</h2>\n<p class=\"note\">Every panel has the same time axis, and each")
        .append(" kind of chart the same y scale, so panels compare directly. ")
        .append(
            frame.bucket() == 1
                ? "Points are per minute"
                : "The trace is longer than a day, so each point sums up "
                    + Units.duration(60.0 * frame.bucket())
                    + " (each chart's axis says how)")
        .append("; gaps in the latency are stretches in which no request completed. Copies and")
        .append(" instances are as at each minute's end.")
        .append(
            decisions == null
                ? ""
                : " Ticks on the x axis of a load chart are the scaling decisions, copyscale's and"
                    + " Application Auto Scaling's (hover for the reason), listed under the spec's"
                    + " charts.")
        .append("</p>\n<div class=\"panels\">\n");
    for (int i = 0; i < results.size(); i++) {
      Summary s = summaries.get(i);
      h.append("<section class=\"panel\">\n<h3>")
          .append(escape(s.spec()))
          .append("</h3>\n<p class=\"meta\">")
          .append(escape(s.engine()))
          .append(" · ")
          .append(escape(s.instanceType()))
          .append(" · ")
          .append(escape(s.specFile()))
          .append("</p>\n");
      for (Chart chart : charts.get(i)) {
        SvgCanvas svg = new SvgCanvas(Chart.WIDTH, Chart.HEIGHT, chart.title(), "chart");
        chart.paint(svg);
        h.append(svg.finish());
      }
      h.append("<p class=\"meta\">PNG:");
      for (String kind : KINDS) {
        String file = names.get(i) + "-" + kind + ".png";
        h.append(" <a href=\"").append(escape(file)).append("\">").append(kind).append("</a>");
      }
      h.append("</p>\n");
      if (decisions != null) {
        decisions(h, decisions.get(i));
      }
      h.append("</section>\n");
    }
    h.append("</div>\n");
    inputs(h, results);
    return h.append("</body>\n</html>\n").toString();
  }

  /**
   * The inputs once: a row per figure, its value when every spec has the same, else each value with
   * the specs that have it.
   */
  private static void inputs(StringBuilder h, List<SimulationResult> results) {
    h.append(
        "<h2>Measured and assumed inputs</h2>\n"
            + "<p class=\"note\">What the figures rest on, by where each input comes from; where"
            + " a configuration differs, the row says which has which.</p>\n"
            + "<div class=\"scroll\">\n<table class=\"inputs\">\n"
            + "<thead><tr><th>figure</th><th>value</th><th>source</th></tr></thead>\n<tbody>\n");
    // figure -> its inputs, spec by spec, in the order first seen
    Map<String, List<Input>> byFigure = new LinkedHashMap<>();
    Map<String, List<String>> specsOf = new LinkedHashMap<>();
    for (SimulationResult r : results) {
      for (Input in : r.inputs()) {
        byFigure.computeIfAbsent(in.figure(), k -> new ArrayList<>()).add(in);
        specsOf.computeIfAbsent(in.figure(), k -> new ArrayList<>()).add(r.summary().spec());
      }
    }
    for (Input.Provenance provenance : Input.Provenance.values()) {
      List<String> group =
          byFigure.keySet().stream()
              .filter(f -> byFigure.get(f).get(0).provenance() == provenance)
              .toList();
      if (group.isEmpty()) {
        continue;
      }
      h.append("<tr class=\"group\"><th colspan=\"3\">")
          .append(provenance.name())
          .append(" <span class=\"meta\">")
          .append(describe(provenance))
          .append("</span></th></tr>\n");
      for (String figure : group) {
        List<Input> ins = byFigure.get(figure);
        List<String> specs = specsOf.get(figure);
        // value -> the specs that have it
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> sources = new ArrayList<>();
        for (int k = 0; k < ins.size(); k++) {
          Input in = ins.get(k);
          values.computeIfAbsent(in.value(), v -> new ArrayList<>()).add(specs.get(k));
          String source =
              in.source() + (in.provenance() == provenance ? "" : " [" + in.provenance() + "]");
          if (!sources.contains(source)) {
            sources.add(source);
          }
        }
        h.append("<tr><td>").append(escape(figure)).append("</td><td>");
        if (values.size() == 1) {
          h.append(escape(values.keySet().iterator().next()));
        } else {
          StringBuilder cell = new StringBuilder();
          values.forEach(
              (value, who) ->
                  cell.append(cell.length() == 0 ? "" : "<br>")
                      .append(escape(value))
                      .append(" <span class=\"meta differs\">(")
                      .append(escape(String.join(", ", who)))
                      .append(")</span>"));
          h.append(cell);
        }
        h.append("</td><td>");
        for (int k = 0; k < sources.size(); k++) {
          h.append(k == 0 ? "" : "<br>").append(escape(sources.get(k)));
        }
        h.append("</td></tr>\n");
      }
    }
    if (byFigure.isEmpty()) {
      h.append("<tr><td colspan=\"3\">none recorded</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</div>\n");
  }

  /**
   * A spec's decisions as a table (time, from → to, outcome, reason), folded when long; or that
   * there was none.
   */
  private static void decisions(StringBuilder h, Decisions d) {
    if (d.entries().isEmpty()) {
      h.append(
          "<p class=\"meta decisions-note\">No scaling decision changed capacity or bounds in"
              + " this run.</p>\n");
      return;
    }
    h.append("<details class=\"decisions\"")
        .append(d.entries().size() <= OPEN_DECISIONS ? " open" : "")
        .append("><summary>")
        .append(escape(Units.plural(d.entries().size(), "scaling decision", "scaling decisions")))
        .append("</summary>\n<div class=\"scroll\">\n<table class=\"decisions\">\n")
        .append(
            "<thead><tr><th>time (UTC)</th><th>from →"
                + " to</th><th>outcome</th><th>reason</th></tr></thead>\n"
                + "<tbody>\n");
    for (Decision e : d.entries()) {
      h.append("<tr><td class=\"when\">")
          .append(WHEN.format(e.at()))
          .append("</td><td class=\"change\">")
          .append(e.from())
          .append(" → ")
          .append(e.to())
          .append("</td><td>")
          .append(escape(e.outcome()))
          .append("</td><td>")
          .append(escape(Units.readable(e.reason())))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</div>\n</details>\n");
  }

  private static String describe(Input.Provenance provenance) {
    return switch (provenance) {
      case MEASURED ->
          "measured on real systems (the serving table, the trace, published AWS figures)";
      case DOCUMENTED -> "documented by AWS, not measured here";
      case SPEC -> "from the spec under test";
      case ASSUMED -> "assumed where no figure is published; settable by a flag or the spec";
    };
  }

  /** HTML-escapes text (also used for SVG); null is empty. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** Milliseconds as a short axis label: "200 ms", "1.5 s", "2 min". */
  static String duration(double ms) {
    if (ms < 1000) {
      return trim(ms) + " ms";
    }
    return ms < 120_000 ? trim(ms / 1000) + " s" : trim(ms / 60_000) + " min";
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%,.2f", v);
    return s.replaceAll("\\.?0+$", "");
  }

  // ---------------------------------------------------------------- CSV and JSON

  /**
   * A row per spec per bucket: counts summed over it, copies and instances its highest, the
   * concurrency and the latency p50 its minutes' mean, the p95s its highest minute (a bucket of one
   * minute is that minute's figures).
   */
  private static void writeCsv(Path file, List<SimulationResult> results, Frame f)
      throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(
          "spec,start,minutes,arrivals,completed,failed,desiredCopies,servingCopies,instances,"
              + "concurrencyPerCopy,latencyP50Ms,latencyP95Ms,ttftP95Ms,missedObjective\n");
      for (SimulationResult r : results) {
        String spec = csv(r.summary().spec());
        double[] arrivals = f.values(r, MinutePoint::arrivals, Agg.MEAN);
        double[] completed = f.values(r, MinutePoint::completed, Agg.MEAN);
        double[] failed = f.values(r, MinutePoint::failed, Agg.MEAN);
        double[] desired = f.values(r, MinutePoint::desiredCopies, Agg.MAX);
        double[] serving = f.values(r, MinutePoint::servingCopies, Agg.MAX);
        double[] instances = f.values(r, MinutePoint::instances, Agg.MAX);
        double[] concurrency = f.values(r, MinutePoint::concurrencyPerCopy, Agg.MEAN);
        double[] p50 = f.values(r, MinutePoint::latencyP50Ms, Agg.MEAN);
        double[] p95 = f.values(r, MinutePoint::latencyP95Ms, Agg.MAX);
        double[] ttft = f.values(r, MinutePoint::ttftP95Ms, Agg.MAX);
        double[] missed = f.values(r, MinutePoint::missedObjective, Agg.MEAN);
        int[] minutes = minutesPerBucket(r, f);
        for (int k = 0; k < f.points(); k++) {
          if (minutes[k] == 0) {
            continue;
          }
          w.write(
              String.join(
                  ",",
                  spec,
                  f.start().plusSeconds(60L * k * f.bucket()).toString(),
                  Integer.toString(minutes[k]),
                  total(arrivals[k], minutes[k]),
                  total(completed[k], minutes[k]),
                  total(failed[k], minutes[k]),
                  csv(desired[k]),
                  csv(serving[k]),
                  csv(instances[k]),
                  csv(Units.exact(concurrency[k])),
                  csv(Units.exact(p50[k])),
                  csv(p95[k]),
                  csv(ttft[k]),
                  total(missed[k], minutes[k])));
          w.write('\n');
        }
      }
    }
  }

  private static int[] minutesPerBucket(SimulationResult r, Frame f) {
    int[] n = new int[f.points()];
    for (MinutePoint p : r.timeline()) {
      long i = Duration.between(f.start(), p.minute()).toMinutes() / f.bucket();
      if (i >= 0 && i < n.length) {
        n[(int) i]++;
      }
    }
    return n;
  }

  /** A count summed over a bucket, from its mean over the bucket's minutes. */
  private static String total(double mean, int minutes) {
    return Double.isFinite(mean) ? Long.toString(Math.round(mean * minutes)) : "";
  }

  /** A row per scaling decision: the spec, when, from, to, outcome and the reason. */
  private static void writeDecisionsCsv(
      Path file, List<SimulationResult> results, List<Decisions> decisions) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("spec,at,from,to,outcome,reason\n");
      for (int i = 0; decisions != null && i < results.size(); i++) {
        String spec = csv(results.get(i).summary().spec());
        for (Decision d : decisions.get(i).entries()) {
          w.write(
              String.join(
                  ",",
                  spec,
                  d.at().toString(),
                  Integer.toString(d.from()),
                  Integer.toString(d.to()),
                  d.outcome(),
                  csv(d.reason())));
          w.write('\n');
        }
      }
    }
  }

  private static String csv(String text) {
    String t = text == null ? "" : text;
    boolean quote = t.contains(",") || t.contains("\"") || t.contains("\n") || t.contains("\r");
    return quote ? "\"" + t.replace("\"", "\"\"") + "\"" : t;
  }

  private static String csv(double v) {
    if (!Double.isFinite(v)) {
      return "";
    }
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * {@code {"trace", "objective", "results": [...]}}: each spec's summary, its verdict, its
   * decisions and its inputs, exact (NaN as null).
   */
  static ObjectNode json(
      String trace,
      Objective objective,
      List<SimulationResult> results,
      List<Decisions> decisions,
      boolean withInputs) {
    return json(trace, objective, results, decisions, withInputs, List.of());
  }

  /** As {@link #json(String, Objective, List, List, boolean)}, with the shared endpoints. */
  static ObjectNode json(
      String trace,
      Objective objective,
      List<SimulationResult> results,
      List<Decisions> decisions,
      boolean withInputs,
      List<EndpointComparison> endpoints) {
    ObjectMapper mapper = Json.mapper();
    ObjectNode root = mapper.createObjectNode();
    if (trace != null) {
      root.put("trace", trace);
    }
    ObjectNode goal = root.putObject("objective");
    goal.put("ttftMs", objective.ttftMs());
    if (objective.itlMs() > 0) {
      goal.put("itlMs", objective.itlMs());
    }
    goal.put("attainment", objective.attainment());
    List<Verdict> verdicts =
        Verdict.of(results.stream().map(SimulationResult::summary).toList(), objective);
    ArrayNode list = root.putArray("results");
    for (int i = 0; i < results.size(); i++) {
      SimulationResult r = results.get(i);
      ObjectNode summary = mapper.valueToTree(r.summary());
      summary.put(
          "failedShare",
          r.summary().requests() == 0
              ? 0
              : (double) r.summary().failedRequests() / r.summary().requests());
      ((ObjectNode) summary.path("objective").path("misses"))
          .put("total", r.summary().objective().misses().total());
      ObjectNode verdict = summary.putObject("verdict");
      verdict.put("kind", verdicts.get(i).kind().name());
      verdict.put("text", verdicts.get(i).text());
      if (decisions != null) {
        summary.set("decisions", mapper.valueToTree(decisions.get(i).entries()));
      }
      if (withInputs) {
        summary.set("inputs", mapper.valueToTree(r.inputs()));
      }
      list.add(summary);
    }
    if (!endpoints.isEmpty()) {
      ArrayNode shared = root.putArray("endpoints");
      endpoints.forEach(e -> shared.add(e.json(mapper)));
    }
    Units.forJson(root);
    return root;
  }

  /** The JSON {@code simulate --json} prints: {@link #json} without the inputs. */
  public static String json(
      String trace,
      Objective objective,
      List<SimulationResult> results,
      List<Decisions> decisions) {
    return Json.pretty(json(trace, objective, results, decisions, false));
  }

  /** As {@link #json(String, Objective, List, List)}, with the shared endpoints. */
  public static String json(
      String trace,
      Objective objective,
      List<SimulationResult> results,
      List<Decisions> decisions,
      List<EndpointComparison> endpoints) {
    return Json.pretty(json(trace, objective, results, decisions, false, endpoints));
  }
}
