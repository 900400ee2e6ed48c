package dev.copyscale.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.cli.Main;
import dev.copyscale.testing.ExternalTools;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.sim.MinutePoint;
import dev.copyscale.twin.sim.SimulationResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The report as a person sees it: opened in headless Chromium at 1,400 and 390 pixels. It fails on
 * horizontal overflow, a console error, a request that leaves the file, or a missing chart or
 * decision mark ({@link ReportInBrowser}). Needs Debian's chromium and chromium-driver: without
 * them it is skipped with a loud banner, and fails with REQUIRE_CHROMIUM=1 (CI).
 */
class ReportInBrowserTest {
  static ReportInBrowser browser;

  @BeforeAll
  static void startChromium(@TempDir Path profile) {
    Path chromium =
        ExternalTools.require(
            "chromium", "REQUIRE_CHROMIUM", "the report was NOT opened in a browser");
    Path driver =
        ExternalTools.require(
            "chromedriver", "REQUIRE_CHROMIUM", "the report was NOT opened in a browser");
    browser = new ReportInBrowser(chromium, driver, profile);
  }

  @AfterAll
  static void stopChromium() {
    if (browser != null) {
      browser.close();
    }
  }

  /**
   * The four example configurations on a step of load: every one's charts, the trade-off, and the
   * decisions of each that scaled, Application Auto Scaling's for native target tracking included.
   */
  @Test
  void theExampleComparisonReadsOnADesktopAndAPhone(@TempDir Path dir) throws Exception {
    List<String> args = new ArrayList<>(List.of("simulate"));
    for (String spec :
        List.of(
            "native-target-tracking.yaml",
            "orchestrated-high-res.yaml",
            "scheduled.yaml",
            "slo.yaml")) {
      args.add(RepoFiles.path("examples/simulate/" + spec).toString());
    }
    args.addAll(
        List.of(
            "--trace",
            "synthetic:step:base=2,peak=12,at=10m,length=20m,duration=40m",
            "--no-progress",
            "--report",
            dir.toString()));
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();

    for (int width : ReportInBrowser.WIDTHS) {
      ReportInBrowser.Look look = browser.look(dir.resolve("index.html"), width);
      assertThat(look.problems()).as("at %d px", width).isEmpty();
      assertThat(look.panels()).isEqualTo(4);
      assertThat(look.marks()).as("decision ticks").isPositive();
    }
    String html = Files.readString(dir.resolve("index.html"));
    String nativePanel =
        html.substring(
            html.indexOf("<h3>sim-native-tt</h3>"), html.indexOf("<h3>sim-orchestrated"));
    assertThat(nativePanel).contains("class=\"decision\"", "by Application Auto Scaling");
  }

  /**
   * Thirty days of four configurations, a decision at every change of desired copies: under 5 MB,
   * every chart drawn at both widths. The render time asserted is a generous guard for a shared
   * machine; the figure itself is measured by bench/report-in-browser.sh (docs/benchmarks.md).
   */
  @Test
  void aMonthOfFourConfigurationsIsSmallAndOpensQuickly(@TempDir Path dir) throws Exception {
    Instant start = Instant.parse("2023-11-16T18:15:00Z");
    int minutes = 30 * 1440;
    List<SimulationResult> results = new ArrayList<>();
    List<Decisions> decisions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      SimulationResult r = ReportTest.result("config-" + i, 2 + 3 * i, i % 2 == 0, start, minutes);
      results.add(r);
      decisions.add(decisionsOf(r));
    }
    Report.write(dir, "thirty days, synthetic", Objective.DEFAULT, results, decisions);
    long bytes = Files.size(dir.resolve("index.html"));
    assertThat(bytes).as("index.html bytes").isLessThan(5_000_000);
    assertThat(Files.size(dir.resolve("timeline.csv"))).isLessThan(1_000_000);
    for (int width : ReportInBrowser.WIDTHS) {
      ReportInBrowser.Look look = browser.look(dir.resolve("index.html"), width);
      assertThat(look.problems()).as("at %d px", width).isEmpty();
      assertThat(look.renderMs()).as("render ms at %d px", width).isLessThan(10_000);
    }
    // A point per 30 minutes, stated on the charts; the x axis counts days and hours.
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html).contains("a point per 30 min");
    assertThat(html)
        .containsPattern(">\\+\\d+ d( \\d+ h)?</text>")
        .doesNotContainPattern(">\\+\\d+h\\d*m?</text>");
  }

  /** A decision at every change of the timeline's desired copies, as a ledger would have it. */
  static Decisions decisionsOf(SimulationResult r) {
    List<Decision> list = new ArrayList<>();
    int last = -1;
    for (MinutePoint p : r.timeline()) {
      if (last >= 0 && p.desiredCopies() != last) {
        list.add(
            new Decision(
                p.minute(),
                last,
                p.desiredCopies(),
                "SCALED",
                "alarm load in state ALARM triggered policy step; breach 43.08687150833334"));
      }
      last = p.desiredCopies();
    }
    return new Decisions(list);
  }
}
