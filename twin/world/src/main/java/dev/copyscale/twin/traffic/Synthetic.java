package dev.copyscale.twin.traffic;

import dev.copyscale.time.ShortDuration;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * Synthetic traces, deterministic for a seed: Poisson arrivals whose rate follows a shape
 * (constant, a step spike, a diurnal cycle with noise, periodic bursts), drawn by thinning; prompt
 * and output lengths log-normal, fitted to the Azure conversation trace's percentiles (prompts p50
 * 1,020 / p99 4,142 tokens, outputs p50 129 / p99 601).
 *
 * <p>Written {@code synthetic:KIND:key=value,...}, durations as {@code 90s}, {@code 30m}, {@code
 * 2h}, {@code 7d}:
 *
 * <ul>
 *   <li>{@code constant:rate=5,duration=1h}
 *   <li>{@code step:base=2,peak=12,at=20m,length=10m,duration=1h}
 *   <li>{@code diurnal:mean=5,amplitude=0.6,period=24h,noise=0.1,duration=7d}
 *   <li>{@code bursts:base=2,burst=20,every=10m,length=1m,duration=1h}
 *   <li>{@code onoff:base=2,burst=20,on=5m,off=20m,duration=6h}: bursts at random, each lasting an
 *       exponentially distributed time of mean {@code on}, the quiet between them of mean {@code
 *       off} (a two-state Markov-modulated Poisson process), seeded
 * </ul>
 */
public final class Synthetic {
  static final double Z99 = 2.3263;
  static final double PROMPT_MEDIAN = 1020;
  static final double PROMPT_SIGMA = Math.log(4142.0 / 1020) / Z99;
  static final double OUTPUT_MEDIAN = 129;
  static final double OUTPUT_SIGMA = Math.log(601.0 / 129) / Z99;

  private static final Map<String, Set<String>> KEYS =
      Map.of(
          "constant", Set.of("rate", "duration"),
          "step", Set.of("base", "peak", "at", "length", "duration"),
          "diurnal", Set.of("mean", "amplitude", "period", "noise", "duration"),
          "bursts", Set.of("base", "burst", "every", "length", "duration"),
          "onoff", Set.of("base", "burst", "on", "off", "duration"));

  private Synthetic() {}

  /**
   * @throws IllegalArgumentException naming the kind or parameter that is wrong
   */
  public static Trace parse(String text, long seed) {
    return parse(text, seed, TraceLimits.DEFAULT);
  }

  /**
   * As {@link #parse(String, long)}, refusing a trace beyond {@code limits} before generating any
   * of it: its duration, and its peak rate times its duration (the most requests it can hold).
   */
  public static Trace parse(String text, long seed, TraceLimits limits) {
    String body = text.startsWith("synthetic:") ? text.substring("synthetic:".length()) : text;
    int colon = body.indexOf(':');
    String kind = colon < 0 ? body : body.substring(0, colon);
    if (!KEYS.containsKey(kind)) {
      throw new IllegalArgumentException(
          "unknown synthetic trace \""
              + kind
              + "\"; one of "
              + String.join(", ", KEYS.keySet().stream().sorted().toList()));
    }
    Map<String, String> p = new LinkedHashMap<>();
    if (colon >= 0 && colon + 1 < body.length()) {
      for (String pair : body.substring(colon + 1).split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2 || !KEYS.get(kind).contains(kv[0].trim())) {
          throw new IllegalArgumentException(
              "synthetic:"
                  + kind
                  + ": \""
                  + pair
                  + "\" is not one of "
                  + KEYS.get(kind).stream().sorted().map(k -> k + "=...").toList());
        }
        p.put(kv[0].trim(), kv[1].trim());
      }
    }
    Duration duration = duration(p.getOrDefault("duration", "1h"), kind + ".duration");
    limits.check(text, 0, duration.toSeconds());
    if (duration.isZero()) {
      throw new IllegalArgumentException(kind + ".duration: must be positive");
    }
    Limited limited = new Limited(text, limits);
    return switch (kind) {
      case "constant" -> {
        double rate = number(p.getOrDefault("rate", "5"), "constant.rate");
        yield limited.generate(t -> rate, rate, duration, seed);
      }
      case "step" -> {
        double base = number(p.getOrDefault("base", "2"), "step.base");
        double peak = number(p.getOrDefault("peak", "12"), "step.peak");
        double at = duration(p.getOrDefault("at", "20m"), "step.at").toMillis() / 1000.0;
        double length =
            duration(p.getOrDefault("length", "10m"), "step.length").toMillis() / 1000.0;
        yield limited.generate(
            t -> t >= at && t < at + length ? peak : base, Math.max(base, peak), duration, seed);
      }
      case "diurnal" -> {
        double mean = number(p.getOrDefault("mean", "5"), "diurnal.mean");
        double amplitude = number(p.getOrDefault("amplitude", "0.6"), "diurnal.amplitude");
        double period =
            duration(p.getOrDefault("period", "24h"), "diurnal.period").toMillis() / 1000.0;
        double noise = number(p.getOrDefault("noise", "0.1"), "diurnal.noise");
        // Noise is a per-minute multiplicative wobble, seeded, so the shape repeats for a seed.
        SplittableRandom wobble = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int minutes = (int) (duration.toMinutes() + 1);
        double[] factor = new double[minutes];
        for (int i = 0; i < minutes; i++) {
          factor[i] = Math.max(0, 1 + noise * wobble.nextGaussian());
        }
        double max = mean * (1 + amplitude) * (1 + 4 * noise);
        yield limited.generate(
            t ->
                Math.max(
                    0,
                    mean
                        * (1 + amplitude * Math.sin(2 * Math.PI * t / period - Math.PI / 2))
                        * factor[(int) (t / 60)]),
            max,
            duration,
            seed);
      }
      case "onoff" -> {
        double base = number(p.getOrDefault("base", "2"), "onoff.base");
        double burst = number(p.getOrDefault("burst", "20"), "onoff.burst");
        double on = duration(p.getOrDefault("on", "5m"), "onoff.on").toMillis() / 1000.0;
        double off = duration(p.getOrDefault("off", "20m"), "onoff.off").toMillis() / 1000.0;
        // The switching times are drawn first, from their own seeded stream, so the arrivals'
        // stream stays as it is.
        SplittableRandom switching = new SplittableRandom(seed ^ 0x0FF0FF0FFL);
        java.util.List<Double> edges = new java.util.ArrayList<>();
        double end = duration.toMillis() / 1000.0;
        boolean burstOn = false;
        for (double at = -Math.log(1 - switching.nextDouble()) * off;
            at < end;
            burstOn = !burstOn) {
          edges.add(at);
          at += -Math.log(1 - switching.nextDouble()) * (burstOn ? off : on);
        }
        double[] switches = edges.stream().mapToDouble(Double::doubleValue).toArray();
        yield limited.generate(
            t -> {
              int passed = Arrays.binarySearch(switches, t);
              passed = passed >= 0 ? passed + 1 : -passed - 1;
              return passed % 2 == 1 ? burst : base;
            },
            Math.max(base, burst),
            duration,
            seed);
      }
      default -> {
        double base = number(p.getOrDefault("base", "2"), "bursts.base");
        double burst = number(p.getOrDefault("burst", "20"), "bursts.burst");
        double every = duration(p.getOrDefault("every", "10m"), "bursts.every").toMillis() / 1000.0;
        double length =
            duration(p.getOrDefault("length", "1m"), "bursts.length").toMillis() / 1000.0;
        yield limited.generate(
            t -> t % every < length ? burst : base, Math.max(base, burst), duration, seed);
      }
    };
  }

  /**
   * Poisson arrivals with rate {@code rate(t)} (requests/s) by thinning a process of rate {@code
   * max}.
   */
  static Trace generate(DoubleUnaryOperator rate, double max, Duration duration, long seed) {
    if (!(max > 0)) {
      throw new IllegalArgumentException("the rate must be positive");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double end = duration.toMillis() / 1000.0;
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, max * end * 1.2));
    long[] arrivals = new long[Math.min(capacity, 1 << 16)];
    int[] prompts = new int[arrivals.length];
    int[] outputs = new int[arrivals.length];
    int n = 0;
    double t = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / max;
      if (t >= end) {
        break;
      }
      if (random.nextDouble() * max > rate.applyAsDouble(t)) {
        continue;
      }
      if (n == arrivals.length) {
        arrivals = Arrays.copyOf(arrivals, n * 2);
        prompts = Arrays.copyOf(prompts, n * 2);
        outputs = Arrays.copyOf(outputs, n * 2);
      }
      arrivals[n] = Math.round(t * 1e6);
      prompts[n] =
          (int)
              Math.max(
                  1, Math.round(PROMPT_MEDIAN * Math.exp(PROMPT_SIGMA * random.nextGaussian())));
      outputs[n] =
          (int)
              Math.max(
                  1, Math.round(OUTPUT_MEDIAN * Math.exp(OUTPUT_SIGMA * random.nextGaussian())));
      n++;
    }
    // Arrivals stay where the shape put them: quiet time before the first and after the last is
    // part of the trace.
    return new Trace(
        Arrays.copyOf(arrivals, n),
        Arrays.copyOf(prompts, n),
        Arrays.copyOf(outputs, n),
        duration.toNanos() / 1000);
  }

  /** Generation that first checks the most requests the shape can hold against the limits. */
  private record Limited(String text, TraceLimits limits) {
    Trace generate(DoubleUnaryOperator rate, double max, Duration duration, long seed) {
      limits.check(text, max * duration.toMillis() / 1000.0, duration.toSeconds());
      return Synthetic.generate(rate, max, duration, seed);
    }
  }

  static double number(String text, String what) {
    try {
      double value = Double.parseDouble(text);
      if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": \"" + text + "\" is not a number >= 0");
    }
  }

  static Duration duration(String text, String what) {
    return ShortDuration.parse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    what + ": \"" + text + "\" is not a duration such as 90s, 30m, 2h, 7d"));
  }
}
