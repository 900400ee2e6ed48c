package dev.copyscale.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.cli.report.Chart.Axis;
import dev.copyscale.cli.report.Chart.Mark;
import dev.copyscale.cli.report.Chart.Rule;
import dev.copyscale.cli.report.Chart.Series;
import dev.copyscale.cli.report.Chart.Style;
import dev.copyscale.json.Json;
import dev.copyscale.twin.sim.CapacityRise;
import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.sim.MinutePoint;
import dev.copyscale.twin.sim.SimulationResult;
import dev.copyscale.twin.sim.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * Writes a simulation report into a directory: {@code index.html} (one self-contained page: summary
 * table, charts as inline SVG, the inputs by provenance), the charts as PNGs ({@code
 * <spec>-load.png}, {@code -copies.png}, {@code -latency.png}), {@code timeline.csv} (a row per
 * spec per minute) and {@code summary.json}. Every spec's charts share the time axis and, chart by
 * chart, the y scale, so panels compare at a glance. Given each spec's {@link Decisions}, the load
 * chart carries a tick per scaling decision (its reason as the tooltip) and a table under the
 * charts lists them.
 */
public final class Report {
  /** The kinds of chart per spec, in page order; also the PNG file suffixes. */
  static final List<String> KINDS = List.of("load", "copies", "latency");

  /** PNGs are drawn at twice the chart's CSS-pixel size, for sharp text. */
  static final int PNG_SCALE = 2;

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

  /**
   * A spec with more decisions than this gets its table folded (a {@code <details>} element,
   * closed).
   */
  static final int OPEN_DECISIONS = 25;

  private static final String CSS =
      """
      body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:24px;color:#222;background:#fff;line-height:1.4}
      h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid #ccc}
      h3{font-size:1.05em;margin:.2em 0 .4em}.note,.meta{color:#555;font-size:.9em;font-weight:normal}
      table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #d0d0d0;padding:3px 8px;vertical-align:top}
      thead th{background:#f2f2f2}table.summary td{text-align:right;font-variant-numeric:tabular-nums}
      table.summary th[scope=row]{text-align:left;font-weight:normal;background:#fafafa}
      tr.group th{text-align:left;background:#f2f2f2}
      .panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
      .panel{border:1px solid #d0d0d0;border-radius:4px;padding:10px}.panel svg{display:block;height:auto;margin:4px 0}
      table.decisions td.when,table.decisions td.change{white-space:nowrap;font-variant-numeric:tabular-nums}
      svg line.decision{cursor:help}
      """;

  private Report() {}

  /**
   * Writes the report for {@code results} (one per spec, all on the same trace) into {@code dir},
   * creating it if needed and replacing earlier report files.
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public static void write(Path dir, String traceDescription, List<SimulationResult> results) {
    write(dir, traceDescription, results, null);
  }

  /**
   * Writes the report as {@link #write(Path, String, List)} does, with each spec's scaling
   * decisions ({@code decisions}, one per result, in the same order; null for none known) marked on
   * its load chart and listed under its charts.
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public static void write(
      Path dir,
      String traceDescription,
      List<SimulationResult> results,
      List<Decisions> decisions) {
    if (decisions != null && decisions.size() != results.size()) {
      throw new IllegalArgumentException(
          "decisions for " + decisions.size() + " specs, results for " + results.size());
    }
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    try {
      Files.createDirectories(dir);
      Frame frame = Frame.of(results);
      List<String> names = fileNames(results);
      List<List<Chart>> charts = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        List<Chart> specCharts =
            charts(results.get(i), frame, decisions == null ? null : decisions.get(i));
        charts.add(specCharts);
        for (int k = 0; k < KINDS.size(); k++) {
          PngCanvas png = new PngCanvas(Chart.WIDTH, Chart.HEIGHT, PNG_SCALE);
          specCharts.get(k).paint(png);
          Path file = dir.resolve(names.get(i) + "-" + KINDS.get(k) + ".png");
          if (!ImageIO.write(png.finish(), "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
          }
        }
      }
      Files.writeString(
          dir.resolve("index.html"),
          html(traceDescription, results, charts, names, decisions),
          StandardCharsets.UTF_8);
      writeCsv(dir.resolve("timeline.csv"), results);
      writeJson(dir.resolve("summary.json"), traceDescription, results);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + dir, e);
    }
  }

  /** The time axis and y ranges every spec's charts share. */
  record Frame(
      Instant start,
      int minutes,
      double loadMax,
      double copiesMax,
      double latencyMin,
      double latencyMax) {
    static Frame of(List<SimulationResult> results) {
      Instant start = null;
      Instant end = null;
      double load = 0;
      double copies = 0;
      double lo = Double.POSITIVE_INFINITY;
      double hi = 0;
      for (SimulationResult r : results) {
        for (MinutePoint p : r.timeline()) {
          start = start == null || p.minute().isBefore(start) ? p.minute() : start;
          end = end == null || p.minute().isAfter(end) ? p.minute() : end;
          load = Math.max(load, Math.max(p.arrivals(), p.failed()));
          copies =
              Math.max(
                  copies, Math.max(p.desiredCopies(), Math.max(p.servingCopies(), p.instances())));
          for (double v : new double[] {p.latencyP50Ms(), p.latencyP95Ms(), p.ttftP95Ms()}) {
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
      if (start == null) {
        return new Frame(Instant.EPOCH, 1, 0, 0, lo, hi);
      }
      int minutes = (int) Duration.between(start, end).toMinutes() + 1;
      return new Frame(start, minutes, load, copies, lo, hi);
    }

    /**
     * The values of one figure per minute since {@link #start}; NaN where the figure is missing.
     */
    double[] values(SimulationResult r, ToDoubleFunction<MinutePoint> figure) {
      double[] values = new double[minutes];
      java.util.Arrays.fill(values, Double.NaN);
      for (MinutePoint p : r.timeline()) {
        long i = Duration.between(start, p.minute()).toMinutes();
        if (i >= 0 && i < minutes) {
          values[(int) i] = figure.applyAsDouble(p);
        }
      }
      return values;
    }
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
    for (Decision d : decisions == null ? List.<Decision>of() : decisions.entries()) {
      double minute = Duration.between(f.start(), d.at()).toMillis() / 60_000.0;
      String color = d.to() > d.from() ? GREEN : d.to() < d.from() ? ORANGE : GREY;
      up |= d.to() > d.from();
      down |= d.to() < d.from();
      other |= d.to() == d.from();
      marks.add(
          new Mark(
              minute,
              color,
              WHEN.format(d.at())
                  + " UTC: "
                  + d.from()
                  + " → "
                  + d.to()
                  + " ("
                  + d.outcome()
                  + "): "
                  + d.reason()));
    }
    List<String[]> markLegend = new ArrayList<>();
    if (up) {
      markLegend.add(new String[] {"decision: more", GREEN});
    }
    if (down) {
      markLegend.add(new String[] {"decision: fewer", ORANGE});
    }
    if (other) {
      markLegend.add(new String[] {"decision: bounds", GREY});
    }
    Chart load =
        new Chart(
            spec + ": load",
            f.start(),
            f.minutes(),
            Axis.linear(f.loadMax(), true, "requests per minute"),
            List.of(
                new Series(
                    "arrivals/min",
                    BLUE,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::arrivals)),
                new Series(
                    "failed/min",
                    VERMILLION,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::failed))),
            List.of(),
            marks,
            markLegend);
    Chart copies =
        new Chart(
            spec + ": copies and instances",
            f.start(),
            f.minutes(),
            Axis.linear(f.copiesMax(), true, "count"),
            List.of(
                new Series(
                    "serving copies",
                    BLUE,
                    2.5,
                    null,
                    Style.STEP,
                    f.values(r, MinutePoint::servingCopies)),
                new Series(
                    "instances",
                    GREEN,
                    1.5,
                    new float[] {2, 2},
                    Style.STEP,
                    f.values(r, MinutePoint::instances)),
                new Series(
                    "desired copies",
                    ORANGE,
                    1.75,
                    new float[] {6, 3},
                    Style.STEP,
                    f.values(r, MinutePoint::desiredCopies))),
            List.of());
    double slo = r.summary().sloTtftMs();
    Chart latency =
        new Chart(
            spec + ": latency of completed requests",
            f.start(),
            f.minutes(),
            Axis.log(f.latencyMin(), f.latencyMax(), "latency (log scale)", Report::duration),
            List.of(
                new Series(
                    "latency p50",
                    SKY,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::latencyP50Ms)),
                new Series(
                    "latency p95",
                    BLUE,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::latencyP95Ms)),
                new Series(
                    "TTFT p95",
                    PURPLE,
                    1.5,
                    null,
                    Style.LINE,
                    f.values(r, MinutePoint::ttftP95Ms))),
            Double.isFinite(slo) && slo > 0
                ? List.of(
                    new Rule("TTFT SLO " + duration(slo), slo, VERMILLION, new float[] {6, 4}))
                : List.of());
    return List.of(load, copies, latency);
  }

  /** Spec names made safe as file names ([A-Za-z0-9._-]) and unique. */
  static List<String> fileNames(List<SimulationResult> results) {
    List<String> names = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (SimulationResult r : results) {
      String base = String.valueOf(r.summary().spec()).replaceAll("[^A-Za-z0-9._-]", "_");
      base = base.isEmpty() || base.chars().allMatch(c -> c == '.') ? "spec" : base;
      String name = base;
      for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
        name = base + "-" + n;
      }
      names.add(name);
    }
    return names;
  }

  // ---------------------------------------------------------------- HTML

  private record Row(String label, Function<Summary, String> cell) {}

  private static final List<Row> ROWS =
      List.of(
          new Row("spec file", s -> escape(s.specFile())),
          new Row("engine", s -> escape(s.engine())),
          new Row("instance type", s -> escape(s.instanceType())),
          new Row("requests", s -> count(s.requests())),
          new Row("failed requests", s -> count(s.failedRequests())),
          new Row("failures by type", Report::failures),
          new Row("latency p50", s -> ms(s.latencyP50Ms())),
          new Row("latency p95", s -> ms(s.latencyP95Ms())),
          new Row("latency p99", s -> ms(s.latencyP99Ms())),
          new Row("TTFT p50", s -> ms(s.ttftP50Ms())),
          new Row("TTFT p95", s -> ms(s.ttftP95Ms())),
          new Row("TTFT p99", s -> ms(s.ttftP99Ms())),
          new Row(
              "SLO attainment",
              s ->
                  (Double.isFinite(s.sloAttainment())
                          ? num(100 * s.sloAttainment(), 2) + " %"
                          : "–")
                      + "<br><span class=\"meta\">TTFT ≤ "
                      + ms(s.sloTtftMs())
                      + "</span>"),
          new Row("copy-hours", s -> num(s.copyHours(), 2)),
          new Row("instance-hours", s -> num(s.instanceHours(), 2)),
          new Row(
              "cost (USD)", s -> Double.isFinite(s.costUsd()) ? "$" + num(s.costUsd(), 2) : "–"),
          new Row("scaling actions", s -> count(s.scalingActions())),
          new Row("load rises", Report::rises),
          new Row(
              "seconds from a load rise to enough capacity: median",
              s -> s.capacityRises().isEmpty() ? "–" : seconds(s.medianSecondsToCapacity())),
          new Row(
              "seconds from a load rise to enough capacity: max",
              s -> s.capacityRises().isEmpty() ? "–" : seconds(s.maxSecondsToCapacity())));

  private static String html(
      String trace,
      List<SimulationResult> results,
      List<List<Chart>> charts,
      List<String> names,
      List<Decisions> decisions) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>copyscale simulation report</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n")
        .append("<h1>copyscale simulation report</h1>\n<p><strong>Trace:</strong> ")
        .append(escape(trace))
        .append("</p>\n");

    h.append("<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th></th>");
    results.forEach(
        r -> h.append("<th scope=\"col\">").append(escape(r.summary().spec())).append("</th>"));
    h.append("</tr></thead>\n<tbody>\n");
    for (Row row : ROWS) {
      h.append("<tr><th scope=\"row\">").append(escape(row.label())).append("</th>");
      results.forEach(r -> h.append("<td>").append(row.cell().apply(r.summary())).append("</td>"));
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>\n");

    h.append(
        "<h2>Over time</h2>\n"
            + "<p class=\"note\">Every panel has the same time axis, and each kind of chart the"
            + " same y scale, so panels compare directly. Points are per minute; gaps in the"
            + " latency are minutes in which no request completed. Copies and instances are as at"
            + " each minute's end."
            + (decisions == null
                ? ""
                : " Ticks on the x axis of a load chart are copyscale's scaling decisions (hover"
                    + " for the reason), listed under the spec's charts.")
            + "</p>\n<div class=\"panels\">\n");
    for (int i = 0; i < results.size(); i++) {
      Summary s = results.get(i).summary();
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
        SvgCanvas svg = new SvgCanvas(Chart.WIDTH, Chart.HEIGHT, chart.title());
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

    h.append(
        "<h2>Measured and assumed inputs</h2>\n"
            + "<p class=\"note\">What each spec's figures rest on, by where each input comes"
            + " from.</p>\n");
    for (SimulationResult r : results) {
      h.append("<h3>")
          .append(escape(r.summary().spec()))
          .append("</h3>\n<table class=\"inputs\">\n")
          .append(
              "<thead><tr><th>figure</th><th>value</th><th>source</th></tr></thead>\n<tbody>\n");
      for (Input.Provenance provenance : Input.Provenance.values()) {
        List<Input> group =
            r.inputs().stream().filter(in -> in.provenance() == provenance).toList();
        if (group.isEmpty()) {
          continue;
        }
        h.append("<tr class=\"group\"><th colspan=\"3\">")
            .append(provenance.name())
            .append(" <span class=\"meta\">")
            .append(describe(provenance))
            .append("</span></th></tr>\n");
        for (Input in : group) {
          h.append("<tr><td>")
              .append(escape(in.figure()))
              .append("</td><td>")
              .append(escape(in.value()))
              .append("</td><td>")
              .append(escape(in.source()))
              .append("</td></tr>\n");
        }
      }
      if (r.inputs().isEmpty()) {
        h.append("<tr><td colspan=\"3\">none recorded</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }
    return h.append("</body>\n</html>\n").toString();
  }

  /**
   * A spec's decisions as a table (time, from → to, outcome, reason), folded when long; or why
   * there is none.
   */
  private static void decisions(StringBuilder h, Decisions d) {
    if (d.note() != null) {
      h.append("<p class=\"meta decisions-note\">").append(escape(d.note())).append("</p>\n");
    }
    if (d.entries().isEmpty()) {
      if (d.note() == null) {
        h.append(
            "<p class=\"meta decisions-note\">copyscale made no scaling decision that changed"
                + " capacity in this run.</p>\n");
      }
      return;
    }
    h.append("<details class=\"decisions\"")
        .append(d.entries().size() <= OPEN_DECISIONS ? " open" : "")
        .append("><summary>")
        .append(count(d.entries().size()))
        .append(" scaling decision")
        .append(d.entries().size() == 1 ? "" : "s")
        .append(" by copyscale</summary>\n<table class=\"decisions\">\n")
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
          .append(escape(e.reason()))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</details>\n");
  }

  private static String describe(Input.Provenance provenance) {
    switch (provenance.name()) {
      case "MEASURED":
        return "measured on real systems (the serving table, the trace, published AWS figures)";
      case "DOCUMENTED":
        return "documented by AWS, not measured here";
      case "SPEC":
        return "from the spec under test";
      case "ASSUMED":
        return "assumed where no figure is published; settable by a flag or the spec";
      default:
        return "";
    }
  }

  private static String failures(Summary s) {
    if (s.failuresByType() == null || s.failuresByType().isEmpty()) {
      return "–";
    }
    return s.failuresByType().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> escape(e.getKey()) + ": " + count(e.getValue()))
        .collect(Collectors.joining("<br>"));
  }

  private static String rises(Summary s) {
    List<CapacityRise> rises = s.capacityRises() == null ? List.of() : s.capacityRises();
    long never = rises.stream().filter(r -> r.enoughAt() == null).count();
    return count(rises.size()) + (never > 0 ? " (" + count(never) + " never served)" : "");
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

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String num(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%,." + decimals + "f", v) : "–";
  }

  private static String ms(double v) {
    return Double.isFinite(v) ? num(v, v < 10 ? 1 : 0) + " ms" : "–";
  }

  private static String seconds(double v) {
    return Double.isFinite(v) ? num(v, v < 10 ? 1 : 0) + " s" : "–";
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

  private static void writeCsv(Path file, List<SimulationResult> results) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(
          "spec,minute,arrivals,completed,failed,desiredCopies,servingCopies,instances,"
              + "concurrencyPerCopy,latencyP50Ms,latencyP95Ms,ttftP95Ms\n");
      for (SimulationResult r : results) {
        String spec = csv(r.summary().spec());
        for (MinutePoint p : r.timeline()) {
          w.write(
              String.join(
                  ",",
                  spec,
                  p.minute().toString(),
                  Long.toString(p.arrivals()),
                  Long.toString(p.completed()),
                  Long.toString(p.failed()),
                  Integer.toString(p.desiredCopies()),
                  Integer.toString(p.servingCopies()),
                  Integer.toString(p.instances()),
                  csv(p.concurrencyPerCopy()),
                  csv(p.latencyP50Ms()),
                  csv(p.latencyP95Ms()),
                  csv(p.ttftP95Ms())));
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

  private static void writeJson(Path file, String trace, List<SimulationResult> results)
      throws IOException {
    ObjectMapper mapper = Json.mapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("trace", trace);
    ArrayNode list = root.putArray("results");
    for (SimulationResult r : results) {
      ObjectNode summary = mapper.valueToTree(r.summary());
      summary.set("inputs", mapper.valueToTree(r.inputs()));
      list.add(summary);
    }
    nullNonFinite(root);
    mapper.writeValue(file.toFile(), root);
  }

  /** Replaces NaN and infinities (not valid JSON) with null, throughout a tree. */
  private static void nullNonFinite(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode value = object.get(name);
        if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
          object.set(name, NullNode.getInstance());
        } else {
          nullNonFinite(value);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isFloatingPointNumber() && !Double.isFinite(array.get(i).doubleValue())) {
          array.set(i, NullNode.getInstance());
        } else {
          nullNonFinite(array.get(i));
        }
      }
    }
  }
}
