package dev.copyscale.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One progress line on a terminal, redrawn twice a second, that always fits 80 columns: the task,
 * how far it is, what it has done against what it plans, the rate over the last few seconds and an
 * estimate of the time left. The rate and the estimate are taken over a sliding window of the wall
 * clock, so they follow a run whose pace changes, and the estimate shows only once it has settled
 * (a few seconds and a few percent in) instead of jumping about at the start.
 */
final class Progress implements AutoCloseable {
  /** Lines stay within this many columns (one less than 80, so no terminal wraps them). */
  static final int COLUMNS = 79;

  /** The window the rate and the estimate are measured over. */
  static final long WINDOW_MS = 10_000;

  /** No estimate before this long and this share done. */
  static final long SETTLE_MS = 3_000;

  static final double SETTLE_SHARE = 0.02;

  /**
   * Where a run stands: {@code count} what the rate counts (requests), {@code fraction} how much of
   * the plan is done (NaN when the plan has no end), {@code detail} the done-against-planned text.
   */
  record Status(long count, double fraction, String detail) {}

  private record Sample(long atMs, long count, double fraction) {}

  private final String task;
  private final String unit;
  private final Clock clock;
  private final PrintStream out;
  private final Supplier<Status> status;
  private final Deque<Sample> window = new ArrayDeque<>();
  private final long startMs;
  private final ScheduledExecutorService ticker;
  private int lastLength;

  /**
   * A line for {@code task} (its rate written with {@code unit}, such as "/s"), drawn on {@code
   * out} by a daemon thread until {@link #close}; {@code clock} is the wall clock the rate is
   * measured by.
   */
  Progress(String task, String unit, Clock clock, PrintStream out, Supplier<Status> status) {
    this(task, unit, clock, out, status, true);
  }

  Progress(
      String task,
      String unit,
      Clock clock,
      PrintStream out,
      Supplier<Status> status,
      boolean ticking) {
    this.task = task;
    this.unit = unit;
    this.clock = clock;
    this.out = out;
    this.status = status;
    this.startMs = clock.millis();
    if (ticking) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "copyscale-progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::draw, 500, 500, TimeUnit.MILLISECONDS);
    } else {
      ticker = null;
    }
  }

  /**
   * A progress line on stderr when it is a terminal and one is wanted; null otherwise (piped,
   * --no-progress, --json).
   */
  static Progress onTerminal(String task, String unit, boolean wanted, Supplier<Status> status) {
    if (!wanted || System.console() == null) {
      return null;
    }
    return new Progress(task, unit, Clock.systemUTC(), System.err, status);
  }

  private synchronized void draw() {
    String line = line();
    out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    out.flush();
    lastLength = line.length();
  }

  /** The line as it stands now (and a sample taken for the rate). */
  synchronized String line() {
    Status s = status.get();
    long now = clock.millis();
    window.addLast(new Sample(now, s.count(), s.fraction()));
    while (window.size() > 2 && now - window.peekFirst().atMs() > WINDOW_MS) {
      window.removeFirst();
    }
    Sample first = window.peekFirst();
    double seconds = (now - first.atMs()) / 1000.0;
    String rate = seconds < 1 ? "" : compact((s.count() - first.count()) / seconds) + unit;
    String left = "";
    if (Double.isFinite(s.fraction())) {
      double perSecond = seconds < 1 ? 0 : (s.fraction() - first.fraction()) / seconds;
      if (s.fraction() >= 1) {
        left = "done";
      } else if (now - startMs < SETTLE_MS || s.fraction() < SETTLE_SHARE || perSecond <= 0) {
        left = "estimating";
      } else {
        left = "~" + eta((1 - s.fraction()) / perSecond) + " left";
      }
    }
    String percent =
        Double.isFinite(s.fraction())
            ? String.format(Locale.ROOT, "%3d%%", (int) Math.floor(100 * s.fraction()))
            : "";
    return fit(task, percent, s.detail(), rate, left);
  }

  /** Joins the parts with two spaces, shortening the task and then the detail to fit. */
  static String fit(String task, String percent, String detail, String rate, String left) {
    String tail = join(percent, detail, rate, left);
    int room = COLUMNS - tail.length() - 2;
    String t = task.length() <= room ? task : task.substring(0, Math.max(0, room - 1)) + "…";
    String line = join(t, tail);
    if (line.length() > COLUMNS) {
      line = line.substring(0, COLUMNS - 1) + "…";
    }
    return line;
  }

  private static String join(String... parts) {
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      if (!p.isEmpty()) {
        b.append(b.length() == 0 ? "" : "  ").append(p);
      }
    }
    return b.toString();
  }

  /** A count or rate for a narrow line: "0", "8.5", "950", "12.3k", "4.56M". */
  static String compact(double v) {
    if (v < 10_000) {
      return String.format(Locale.ROOT, v < 10 && v != Math.rint(v) ? "%.1f" : "%,.0f", v);
    }
    return v < 1_000_000
        ? String.format(Locale.ROOT, "%.1fk", v / 1000)
        : String.format(Locale.ROOT, "%.2fM", v / 1_000_000);
  }

  /** Seconds left, rounded as a person would say them: "8 s", "40 s", "2 min 30 s", "1 h 5 min". */
  static String eta(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return (s < 10 ? s : Math.round(s / 5.0) * 5) + " s";
    }
    if (s < 3600) {
      long rounded = Math.round(s / 10.0) * 10;
      return rounded / 60 + " min" + (rounded % 60 == 0 ? "" : " " + rounded % 60 + " s");
    }
    long m = Math.round(s / 60.0);
    return m / 60 + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
  }

  /** Stops redrawing and clears the line, leaving the terminal as it was. */
  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (lastLength > 0) {
      out.print("\r" + " ".repeat(lastLength) + "\r");
      out.flush();
    }
  }
}
