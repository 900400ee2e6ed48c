package dev.copyscale.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.twin.sim.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Writes {@code copyscale frontier}'s report into a directory: {@code index.html} (the simulation
 * report's trade-off chart with every configuration searched, the frontier drawn through its points
 * and the frontier's and the placed configurations named; then what the command printed), the chart
 * as {@code frontier.png}, and {@code frontier.json} (what {@code --json} prints).
 */
public final class FrontierReport {
  /** The files it writes. */
  public static final List<String> FILES = List.of("index.html", "frontier.png", "frontier.json");

  private FrontierReport() {}

  /**
   * Writes the report.
   *
   * @param searched every configuration run on the whole trace: the family's and the placed ones
   * @param frontier the frontier's configurations, cheapest first
   * @param labelled the names written beside their points
   * @param text what the command printed
   * @param json what {@code --json} prints
   * @throws UncheckedIOException when a file cannot be written
   */
  public static void write(
      Path dir,
      String trace,
      Objective objective,
      List<Summary> searched,
      List<Summary> frontier,
      Set<String> labelled,
      String text,
      JsonNode json) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    TradeOffChart chart = new TradeOffChart(searched, objective, labelled, frontier);
    try {
      Files.createDirectories(dir);
      Report.png(
          dir.resolve("frontier.png"), TradeOffChart.WIDTH, TradeOffChart.HEIGHT, chart::paint);
      SvgCanvas svg =
          new SvgCanvas(
              TradeOffChart.WIDTH,
              TradeOffChart.HEIGHT,
              "cost against SLO attainment: the frontier",
              "tradeoff");
      chart.paint(svg);
      String html =
          "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              + "<title>copyscale frontier</title>\n<style>\n"
              + Report.CSS
              + "pre{overflow-x:auto;font-size:.85em}\n"
              + "</style>\n</head>\n<body>\n<h1>copyscale frontier</h1>\n"
              + "<p><strong>Trace:</strong> "
              + Report.escape(trace)
              + "<br><strong>Objective:</strong> "
              + Report.escape(objective.describe())
              + "</p>\n<div class=\"glance\">\n"
              + svg.finish()
              + "</div>\n"
              + "<p class=\"note\">Every configuration searched is a point (hover for its name and"
              + " figures); the line is the frontier: no configuration run is as cheap and as good"
              + " as a point on it. Named: the configurations placed on it, the recommended"
              + " reactive spec and the cheapest to meet the objective (ringed).</p>\n"
              + "<h2>What the command printed</h2>\n"
              + "<pre>"
              + Report.escape(text)
              + "</pre>\n</body>\n</html>\n";
      Files.writeString(dir.resolve("index.html"), html, StandardCharsets.UTF_8);
      Files.writeString(
          dir.resolve("frontier.json"),
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the report to " + dir + ": " + OsReason.of(e), e);
    }
  }
}
