package dev.copyscale.cli;

import dev.copyscale.twin.sim.Input;
import dev.copyscale.twin.traffic.Synthetic;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.traffic.TraceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The trace a command replays and how (simulate's and frontier's options): a file or a synthetic
 * trace, repeated, sped up, started at an instant, seeded.
 */
final class TraceOptions {
  static final Path AZURE_TRACE = Path.of("examples", "traces", "azure-llm-conv-2023.csv");

  /** When a synthetic trace starts unless --start says otherwise: the Azure hour's own minute. */
  static final Instant SYNTHETIC_START = Instant.parse("2023-11-16T18:15:00Z");

  @Option(
      names = "--trace",
      paramLabel = "[COMPONENT=]FILE|synthetic:KIND:K=V,...",
      description = {
        "an Azure-format trace (TIMESTAMP,ContextTokens,GeneratedTokens) or a synthetic one:",
        "synthetic:constant:rate=5,duration=1h |"
            + " synthetic:step:base=2,peak=12,at=20m,length=10m,duration=1h |",
        "synthetic:diurnal:mean=5,amplitude=0.6,period=24h,noise=0.1,duration=7d |"
            + " synthetic:bursts:base=2,burst=20,every=10m,length=1m,duration=1h",
        "(default: examples/traces/azure-llm-conv-2023.csv, the jar's copy when the working"
            + " directory has none). Repeatable as COMPONENT=TRACE (simulate): the trace of one"
            + " component of a spec with several; once one is given, every component needs one"
      })
  List<String> traces = new ArrayList<>();

  /** The trace of the run (not of one component): the one plain --trace, else the Azure hour. */
  String trace = AZURE_TRACE.toString();

  /** A component's trace: {@code COMPONENT=TRACE}, the name as SageMaker allows one. */
  private static final Pattern COMPONENT_TRACE =
      Pattern.compile("([a-zA-Z0-9](?:-*[a-zA-Z0-9])*)=(.+)");

  @Option(
      names = "--max-requests",
      paramLabel = "N",
      description =
          "the most requests the trace may hold, after --repeat (default: what half this JVM's"
              + " heap holds at 64 bytes a request, at least 10 million; here ${DEFAULT-VALUE})")
  long maxRequests = TraceLimits.forHeap(Runtime.getRuntime().maxMemory()).maxRequests();

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description = "play the trace N times back to back (default: 1)")
  int repeat = 1;

  @Option(
      names = "--scale",
      paramLabel = "K",
      description = "play the trace K times as fast (default: 1)")
  double scale = 1;

  @Option(
      names = "--start",
      paramLabel = "INSTANT",
      description =
          "when the trace starts (default: an Azure trace's own clock, its first request at its own"
              + " time; a synthetic one at 2023-11-16T18:15:00Z)")
  Instant start;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "seed for synthetic traces and random routing (default: ${DEFAULT-VALUE})")
  long seed = 1;

  /**
   * The trace as the options ask, on its own clock unless --start is given.
   *
   * @throws CommandLine.ParameterException naming the option for anything it cannot play
   */
  Trace load(CommandSpec command) {
    return load(command, seed);
  }

  /** The trace as {@link #load(CommandSpec)} gives it, drawn with {@code seed} if synthetic. */
  Trace load(CommandSpec command, long seed) {
    if (!componentTraces(command).isEmpty()) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          "--trace "
              + componentTraces(command).keySet().iterator().next()
              + "=...: a trace of one component is for simulate with a spec of several components;"
              + " give one --trace FILE");
    }
    return loadRun(command, seed);
  }

  /** The run's trace (the one plain --trace, else the Azure hour), with component traces beside. */
  Trace loadRun(CommandSpec command) {
    return loadRun(command, seed);
  }

  private Trace loadRun(CommandSpec command, long seed) {
    trace = plain(command);
    Trace t = read(command, trace, "--trace", seed);
    return start == null ? onItsOwnClock(t) : t;
  }

  /** The one --trace not naming a component, or the Azure hour. */
  private String plain(CommandSpec command) {
    List<String> plain =
        traces.stream().filter(t -> !COMPONENT_TRACE.matcher(t).matches()).toList();
    if (plain.size() > 1) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          "--trace is given "
              + plain.size()
              + " times for the run ("
              + String.join(", ", plain)
              + "): give one, and a component's as COMPONENT=TRACE");
    }
    return plain.isEmpty() ? AZURE_TRACE.toString() : plain.get(0);
  }

  /**
   * The --trace COMPONENT=TRACE options, by component, in the order given.
   *
   * @throws CommandLine.ParameterException for a component given twice
   */
  Map<String, String> componentTraces(CommandSpec command) {
    Map<String, String> byComponent = new LinkedHashMap<>();
    for (String t : traces) {
      Matcher m = COMPONENT_TRACE.matcher(t);
      if (m.matches() && byComponent.put(m.group(1), m.group(2)) != null) {
        throw new CommandLine.ParameterException(
            command.commandLine(), "--trace " + m.group(1) + "=... is given twice");
      }
    }
    return byComponent;
  }

  /**
   * Component {@code name}'s trace as {@code --trace name=TRACE} gives it, played as the run's is
   * (--repeat, --scale, --start), on its own clock unless --start is given.
   */
  Trace loadComponent(CommandSpec command, String name, String value) {
    Trace t = read(command, value, "--trace " + name + "=", seed);
    return start == null ? onItsOwnClock(t) : t;
  }

  /** True for a synthetic trace: each seed draws it anew. */
  boolean synthetic() {
    return trace.startsWith("synthetic:");
  }

  /** When {@code t} (as {@link #load} returned it) starts: --start, its own clock, or 18:15. */
  Instant first(Trace t) {
    return start != null ? start : t.start().orElse(SYNTHETIC_START);
  }

  /** The trace as an input of the figures: measured for a file, assumed for a synthetic one. */
  Input input(String description) {
    return input(description, seed);
  }

  /** The trace drawn with {@code seed} as an input of the figures. */
  Input input(String description, long seed) {
    return input("Trace", trace, description, seed);
  }

  /** As {@link #input(String)}, for the trace {@code value} under the figure {@code figure}. */
  Input input(String figure, String value, String description) {
    return input(figure, value, description, seed);
  }

  private static Input input(String figure, String value, String description, long seed) {
    boolean synthetic = value.startsWith("synthetic:");
    return new Input(
        figure,
        description,
        synthetic ? Input.Provenance.ASSUMED : Input.Provenance.MEASURED,
        synthetic ? "synthetic generator, seed " + seed : value);
  }

  private Trace read(CommandSpec command, String trace, String option, long seed) {
    if (repeat < 1) {
      throw new CommandLine.ParameterException(
          command.commandLine(), "--repeat must be at least 1, got " + repeat);
    }
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new CommandLine.ParameterException(
          command.commandLine(), "--scale must be a positive number, got " + scale);
    }
    if (maxRequests < 1) {
      throw new CommandLine.ParameterException(
          command.commandLine(), "--max-requests must be at least 1, got " + maxRequests);
    }
    if (start != null) {
      try {
        TraceLimits.checkTime("--start", start);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(command.commandLine(), e.getMessage());
      }
    }
    TraceLimits limits = new TraceLimits(maxRequests);
    Trace t;
    try {
      t = read(command, trace, seed, limits);
      // Checked before --repeat builds anything: the trace played N times, K times as fast.
      limits.check(
          trace
              + (repeat == 1 ? "" : " x" + repeat)
              + (scale == 1 ? "" : " at " + scale + "x rate"),
          (double) t.size() * repeat,
          t.endMicros() / 1e6 * repeat / scale);
      if (repeat != 1) {
        t = t.repeat(repeat);
      }
      if (scale != 1) {
        t = t.scaleRate(scale);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          command.commandLine(), option + (option.endsWith("=") ? "" : ":") + " " + e.getMessage());
    }
    if (t.size() == 0) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          option + (option.endsWith("=") ? "" : ":") + " " + trace + " holds no request");
    }
    return t;
  }

  /**
   * A trace as {@code --trace} names it: {@code synthetic:...}, or an Azure-format file (the
   * default Azure hour, like any relative name of a shipped file, from the jar outside a checkout).
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  static Trace read(CommandSpec command, String trace, long seed, TraceLimits limits) {
    if (trace.startsWith("synthetic:")) {
      return Synthetic.parse(trace, seed, limits);
    }
    Path file = Bundled.resolve(command, Path.of(trace));
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such trace file: " + trace);
    }
    return Trace.azure(file, limits);
  }

  /**
   * A trace that recorded its clock time (an Azure trace) starts on the minute of its first
   * request, which keeps its second within it, so that schedules fire at the trace's own clock
   * times.
   */
  private static Trace onItsOwnClock(Trace t) {
    return t.start()
        .map(
            at ->
                t.delayed(
                    Duration.between(at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES), at)
                            .toNanos()
                        / 1000))
        .orElse(t);
  }

  /** The trace as the command line names it, with its requests, span and mean rate. */
  String describe(Trace t) {
    return describe(trace, t);
  }

  /** As {@link #describe(Trace)} for the trace {@code value} names. */
  String describe(String value, Trace t) {
    StringBuilder s = new StringBuilder(value);
    if (repeat != 1) {
      s.append(" x").append(repeat);
    }
    if (scale != 1) {
      s.append(String.format(Locale.ROOT, " at %sx rate", fmtNumber(scale)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            ": %,d requests over %s (%.2f requests/s)",
            t.size(),
            human(t.span()),
            t.meanRate()));
    return s.toString();
  }

  static String human(Duration d) {
    long minutes = Math.round(d.toSeconds() / 60.0);
    return minutes >= 2 * 24 * 60
        ? String.format(Locale.ROOT, "%.1f days", minutes / 1440.0)
        : minutes >= 120 ? String.format(Locale.ROOT, "%.1f h", minutes / 60.0) : minutes + " min";
  }

  private static String fmtNumber(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
