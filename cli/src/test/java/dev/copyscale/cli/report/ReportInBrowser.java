package dev.copyscale.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A simulation report opened in headless Chromium (Debian's chromium, through its chromedriver) at
 * a width, and everything wrong with it there: the page wider than the window, an error on the
 * console, a request that leaves the file (the report must read offline), the trade-off chart or a
 * panel's charts missing or drawn empty, a panel whose decision table and decision ticks disagree,
 * or a panel of a configuration that scaled with no decision on its chart. Also how long it took to
 * render. Run as a program it checks the reports it is given: {@code bench/report-in-browser.sh
 * DIR...}.
 */
public final class ReportInBrowser implements AutoCloseable {
  /** The widths the report must read at: a desktop window and a phone (iPhone 12 to 15). */
  public static final List<Integer> WIDTHS = List.of(1400, 390);

  /** What a look at a report found, and how long it took to render. */
  public record Look(int width, List<String> problems, double renderMs, int panels, int marks) {}

  /**
   * Selenium warns that it has no DevTools binding for this Chromium's version: this class needs
   * none (chromedriver's own CDP command and logs suffice), so the warning is noise. Held here, as
   * java.util.logging keeps loggers only weakly.
   */
  private static final java.util.logging.Logger SELENIUM_DEVTOOLS =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

  static {
    SELENIUM_DEVTOOLS.setLevel(Level.SEVERE);
  }

  private final ChromeDriver driver;

  /** Starts Chromium: {@code chromium} and {@code chromedriver} are their executables. */
  public ReportInBrowser(Path chromium, Path chromedriver, Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    // Without the background-networking flags this Chromium's own connections are refused here,
    // and show up as errors; a fresh profile keeps runs apart.
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofMinutes(2));
    driver.manage().timeouts().scriptTimeout(Duration.ofMinutes(1));
  }

  /** Opens {@code html} at {@code width} CSS pixels (a phone's viewport below 600) and looks. */
  public Look look(Path html, int width) {
    boolean phone = width < 600;
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of(
            "width", width, "height", phone ? 844 : 1000, "deviceScaleFactor", 1, "mobile", phone));
    driver.manage().logs().get(LogType.BROWSER); // drop what earlier pages logged
    driver.manage().logs().get(LogType.PERFORMANCE);
    driver.get("about:blank");
    driver.get(html.toUri().toString());
    JavascriptExecutor js = driver;
    // Milliseconds from the start of navigation to the first frame painted after the page loaded.
    double renderMs =
        ((Number)
                js.executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "requestAnimationFrame(() => requestAnimationFrame(() =>"
                        + " done(performance.now())));"))
            .doubleValue();
    List<String> problems = new ArrayList<>();
    long viewport = (Long) js.executeScript("return document.documentElement.clientWidth;");
    long page = (Long) js.executeScript("return document.documentElement.scrollWidth;");
    if (page > viewport) {
      problems.add(
          "at "
              + width
              + " px the page is "
              + page
              + " px wide: it overflows the window by "
              + (page - viewport)
              + " px");
    }
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        problems.add("console error: " + e.getMessage());
      }
    }
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = Json.read(e.getMessage(), JsonNode.class).path("message");
      if (message.path("method").asText().equals("Network.requestWillBeSent")) {
        String url = message.path("params").path("request").path("url").asText();
        if (!url.startsWith("file:") && !url.startsWith("data:") && !url.equals("about:blank")) {
          problems.add("request that leaves the file: " + url);
        }
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> page_ = (Map<String, Object>) js.executeScript(SURVEY);
    @SuppressWarnings("unchecked")
    List<String> found = (List<String>) page_.get("problems");
    problems.addAll(found);
    return new Look(
        width,
        problems,
        renderMs,
        ((Number) page_.get("panels")).intValue(),
        ((Number) page_.get("marks")).intValue());
  }

  /**
   * The page's own survey: the trade-off chart with a point per configuration; per panel its three
   * charts, each laid out within the window and with a line drawn; its decision ticks against its
   * decision table; a configuration whose desired copies changed with no decision on its chart.
   */
  private static final String SURVEY =
      """
      const problems = [];
      const width = document.documentElement.clientWidth;
      const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
      const panels = [...document.querySelectorAll('section.panel')];
      const tradeoff = document.querySelector('svg.tradeoff');
      if (!tradeoff || !visible(tradeoff)) {
        problems.push('no cost against SLO attainment chart');
      } else if (tradeoff.querySelectorAll('circle.config').length !== panels.length) {
        problems.push('the trade-off chart has ' + tradeoff.querySelectorAll('circle.config').length
          + ' points for ' + panels.length + ' configurations');
      }
      let marks = 0;
      for (const panel of panels) {
        const name = (panel.querySelector('h3') || {}).textContent || '?';
        const charts = [...panel.querySelectorAll('svg')];
        if (charts.length !== 3) problems.push(name + ': ' + charts.length + ' charts, not 3');
        for (const svg of charts) {
          const r = svg.getBoundingClientRect();
          if (!visible(svg)) problems.push(name + ': a chart is not shown');
          if (r.right > width + 1) problems.push(name + ': a chart runs ' + Math.round(r.right - width) + ' px past the window');
          if (!svg.querySelector('polyline[points*=" "]')) problems.push(name + ': a chart has no line drawn');
        }
        const ticks = panel.querySelectorAll('line.decision').length;
        const rows = panel.querySelectorAll('table.decisions tbody tr').length;
        marks += ticks;
        if (ticks !== rows) problems.push(name + ': ' + ticks + ' decision ticks for ' + rows + ' decisions listed');
        const copies = charts[1];
        const desired = copies ? [...copies.querySelectorAll('polyline')].find(p => p.getAttribute('stroke-dasharray') === '6 3') : null;
        if (desired) {
          const ys = new Set(desired.getAttribute('points').trim().split(' ').map(p => p.split(',')[1]));
          if (ys.size > 1 && ticks === 0) problems.push(name + ': its desired copies changed, but no decision is marked on its chart');
        }
      }
      if (panels.length === 0) problems.push('no configuration panel');
      // The summary states each configuration's objective and whether it met it, and its misses by
      // cause add up to the misses.
      const rows = [...document.querySelectorAll('table.summary tbody tr')];
      const row = label => rows.find(r => r.querySelector('th').textContent === label);
      const counts = r => [...r.querySelectorAll('td')].map(td => Number(td.textContent.split(' ')[0].replace(/,/g, '')));
      for (const label of ['objective', 'objective met', 'attainment, requests the model can serve']) {
        if (!row(label)) problems.push('the summary has no ' + label + ' row');
      }
      const met = row('objective met');
      if (met && [...met.querySelectorAll('td')].some(td => !/^(yes|no): /.test(td.textContent))) {
        problems.push('an objective met cell says neither yes nor no');
      }
      const missed = row('missed the objective');
      if (!missed) {
        problems.push('the summary has no missed the objective row');
      } else {
        const causes = [];
        for (let r = missed.nextElementSibling; r && r.classList.contains('detail') && causes.length < 6; r = r.nextElementSibling) causes.push(counts(r));
        if (causes.length !== 6) problems.push(causes.length + ' causes under the misses, not 6');
        counts(missed).forEach((total, i) => {
          const sum = causes.reduce((a, c) => a + c[i], 0);
          if (sum !== total || Number.isNaN(sum)) problems.push('column ' + (i + 1) + ': the causes add up to ' + sum + ', not the ' + total + ' missed');
        });
      }
      return {problems: problems, panels: panels.length, marks: marks};
      """;

  @Override
  public void close() {
    driver.quit();
  }

  /**
   * Checks each report given ({@code index.html} or its folder) at every width of {@link #WIDTHS}
   * and prints what it found; exit status 1 when any has a problem. Chromium and chromedriver are
   * /usr/bin's unless CHROMIUM and CHROMEDRIVER say otherwise.
   */
  public static void main(String[] args) throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    Path driver = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
    Path profile = Files.createTempDirectory("copyscale-chromium-");
    boolean failed = false;
    try (ReportInBrowser browser = new ReportInBrowser(chromium, driver, profile)) {
      for (String arg : args) {
        Path html = Path.of(arg);
        html = Files.isDirectory(html) ? html.resolve("index.html") : html;
        System.out.printf(
            "%s: %,d bytes (%.1f MB)%n", html, Files.size(html), Files.size(html) / 1e6);
        for (int width : WIDTHS) {
          Look look = browser.look(html.toAbsolutePath(), width);
          System.out.printf(
              "  at %4d px: rendered in %,.0f ms; %d panels, %d decision ticks; %s%n",
              width,
              look.renderMs(),
              look.panels(),
              look.marks(),
              look.problems().isEmpty() ? "no problem" : look.problems().size() + " problems:");
          look.problems().forEach(p -> System.out.println("    - " + p));
          failed |= !look.problems().isEmpty();
        }
      }
    }
    System.exit(failed ? 1 : 0);
  }
}
