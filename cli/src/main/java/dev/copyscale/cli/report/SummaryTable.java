package dev.copyscale.cli.report;

import dev.copyscale.twin.sim.CapacityRise;
import dev.copyscale.twin.sim.Misses;
import dev.copyscale.twin.sim.ObjectiveOutcome;
import dev.copyscale.twin.sim.ServingSummary;
import dev.copyscale.twin.sim.Simulation;
import dev.copyscale.twin.sim.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The side-by-side table, row by row: the same labels, figures and units in {@code copyscale
 * simulate}'s table and on the report's page. The verdict heads it.
 */
public final class SummaryTable {
  private SummaryTable() {}

  /**
   * One row: its label and a cell per configuration; {@code detail} rows (failures by type) belong
   * to the row above them.
   */
  public record Row(String label, List<String> cells, boolean detail) {}

  /** The rows for {@code summaries}, judged against {@code objective}. */
  public static List<Row> rows(List<Summary> s, Objective objective) {
    List<Verdict> verdicts = Verdict.of(s, objective);
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("verdict", verdicts.stream().map(Verdict::text).toList(), false));
    rows.add(row("engine", s, Summary::engine));
    rows.add(row("instance type", s, Summary::instanceType));
    rows.add(row("serving model", s, SummaryTable::serving));
    rows.add(row("requests", s, x -> Units.count(x.requests())));
    rows.add(row("failed requests", s, x -> Units.countOf(x.failedRequests(), x.requests())));
    rows.add(
        row(
            "latency p50/p95/p99",
            s,
            x ->
                Units.ms(x.latencyP50Ms())
                    + " / "
                    + Units.ms(x.latencyP95Ms())
                    + " / "
                    + Units.ms(x.latencyP99Ms())));
    rows.add(
        row(
            "TTFT p50/p95/p99",
            s,
            x ->
                Units.ms(x.ttftP50Ms())
                    + " / "
                    + Units.ms(x.ttftP95Ms())
                    + " / "
                    + Units.ms(x.ttftP99Ms())));
    rows.add(
        row(
            "SLO attainment",
            s,
            x ->
                Units.percent(x.sloAttainment())
                    + " ("
                    + Objective.targets(x.sloTtftMs(), x.sloItlMs())
                    + ")"));
    objectiveRows(s, rows);
    rows.add(row("copy-hours", s, x -> Units.hours(x.copyHours())));
    rows.add(row("instance-hours", s, x -> Units.hours(x.instanceHours())));
    rows.add(row("cost", s, x -> Units.usd(x.costUsd())));
    rows.add(row("scaling actions", s, x -> Units.count(x.scalingActions())));
    rows.add(row("load rises short of capacity", s, SummaryTable::rises));
    rows.add(
        row(
            TIME_TO_CAPACITY,
            s,
            x ->
                x.capacityRises().isEmpty()
                    ? Units.NONE
                    : Units.duration(x.medianSecondsToCapacity())
                        + " / "
                        + Units.duration(x.maxSecondsToCapacity())));
    List<String> types =
        s.stream().flatMap(x -> x.failuresByType().keySet().stream()).distinct().sorted().toList();
    for (String type : types) {
      rows.add(
          new Row(
              type,
              s.stream()
                  .map(x -> Units.countOf(x.failuresByType().getOrDefault(type, 0L), x.requests()))
                  .toList(),
              true));
    }
    return rows;
  }

  /** The row of the time from a rise of the load until latency met the objective again. */
  public static final String TIME_TO_CAPACITY = "time to capacity (objective met again) median/max";

  /** The row of the requests that missed the objective, over its causes' rows. */
  public static final String MISSED = "missed the objective";

  /** The causes' rows, in the order {@link Misses} checks them. */
  public static final List<String> CAUSES =
      List.of(
          "too long for the model's token limits",
          "no copy serving",
          "capacity short: rise faster than copies start",
          "capacity short otherwise",
          "timed out",
          "model errors");

  /**
   * The objective each spec is held to (engine slo's scaling.slo, else simulate's options), whether
   * it met it, the attainment of the requests its model can serve, and the misses by cause.
   */
  private static void objectiveRows(List<Summary> s, List<Row> rows) {
    rows.add(
        row(
            "objective",
            s,
            x ->
                describe(x.objective())
                    + (x.objective().source().equals(Simulation.RUN_OBJECTIVE)
                        ? "" // the run's, stated above the table
                        : " (" + x.objective().source() + ")")));
    rows.add(
        row(
            "objective met",
            s,
            x ->
                (x.objective().met() ? "yes: " : "no: ")
                    + Units.percent(x.objective().attained())));
    rows.add(
        row(
            "attainment, requests the model can serve",
            s,
            x ->
                Units.percent(x.objective().servableAttained())
                    + " of "
                    + Units.count(x.objective().servableRequests())));
    rows.add(row(MISSED, s, x -> Units.countOf(x.objective().misses().total(), x.requests())));
    for (int c = 0; c < CAUSES.size(); c++) {
      int cause = c;
      rows.add(
          new Row(
              CAUSES.get(c),
              s.stream()
                  .map(x -> Units.countOf(causes(x.objective().misses())[cause], x.requests()))
                  .toList(),
              true));
    }
  }

  /** The misses in the order of {@link #CAUSES}. */
  public static long[] causes(Misses m) {
    return new long[] {
      m.tooLong(),
      m.noCopy(),
      m.riseFasterThanStartUp(),
      m.capacityShort(),
      m.timedOut(),
      m.modelErrors()
    };
  }

  /** "TTFT <= 2,000 ms for 99%". */
  static String describe(ObjectiveOutcome o) {
    Objective objective = new Objective(o.ttftMs(), o.itlMs(), o.attainment());
    return Objective.targets(o.ttftMs(), o.itlMs()) + " for " + objective.share();
  }

  /** "derived" or "measured table": the full line is under the table ({@link #servingLines}). */
  static String serving(Summary s) {
    String p = s.serving() == null ? "" : s.serving().provenance();
    return p.startsWith("measured") ? "measured table" : p.startsWith("derived") ? "derived" : "?";
  }

  /**
   * What served each configuration's requests, where its figures come from, and what one copy does
   * with the trace's mean request; configurations served alike share their lines.
   */
  public static List<List<String>> servingBlocks(List<Summary> s) {
    Map<ServingSummary, List<String>> byServing = new LinkedHashMap<>();
    s.forEach(x -> byServing.computeIfAbsent(x.serving(), k -> new ArrayList<>()).add(x.spec()));
    List<List<String>> blocks = new ArrayList<>();
    byServing.forEach(
        (serving, specs) -> {
          String who = specs.size() == s.size() && s.size() > 1 ? "all" : String.join(", ", specs);
          List<String> lines = new ArrayList<>();
          lines.add("serving (" + who + "): " + serving.model());
          lines.add(serving.provenance());
          lines.add(
              String.format(
                  Locale.ROOT,
                  "the trace's mean request (%s prompt, %s output tokens) alone: %s to the first"
                      + " token, %.1f ms a token; a copy: %.2f requests/s at %d in flight",
                  Units.count(serving.promptTokens()),
                  Units.count(serving.outputTokens()),
                  Units.ms(serving.ttftAloneMs()),
                  serving.itlAloneMs(),
                  serving.requestsPerSecond(),
                  serving.batch()));
          blocks.add(lines);
        });
    return blocks;
  }

  /** {@link #servingBlocks} as text lines, each block's later lines indented. */
  public static List<String> servingLines(List<Summary> s) {
    List<String> lines = new ArrayList<>();
    for (List<String> block : servingBlocks(s)) {
      for (int i = 0; i < block.size(); i++) {
        lines.add(i == 0 ? block.get(i) : "  " + block.get(i));
      }
    }
    return lines;
  }

  /** The rows as aligned text, a column per configuration, headed by their names. */
  public static String text(List<Summary> s, Objective objective) {
    List<String[]> lines = new ArrayList<>();
    String[] head = new String[s.size() + 1];
    head[0] = "";
    for (int i = 0; i < s.size(); i++) {
      head[i + 1] = s.get(i).spec();
    }
    lines.add(head);
    for (Row r : rows(s, objective)) {
      String[] line = new String[s.size() + 1];
      line[0] = (r.detail() ? "  " : "") + r.label();
      for (int i = 0; i < s.size(); i++) {
        line[i + 1] = r.cells().get(i);
      }
      lines.add(line);
    }
    int[] width = new int[s.size() + 1];
    for (String[] l : lines) {
      for (int c = 0; c < l.length; c++) {
        width[c] = Math.max(width[c], l[c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] l : lines) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < l.length; c++) {
        line.append(l[c]).append(" ".repeat(width[c] + 2 - l[c].length()));
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }

  private static Row row(String label, List<Summary> s, Function<Summary, String> cell) {
    return new Row(label, s.stream().map(cell).toList(), false);
  }

  private static String rises(Summary s) {
    List<CapacityRise> rises = s.capacityRises() == null ? List.of() : s.capacityRises();
    long never = rises.stream().filter(r -> r.metAt() == null).count();
    return Units.count(rises.size())
        + (never > 0 ? " (" + Units.count(never) + " never met the objective again)" : "");
  }
}
