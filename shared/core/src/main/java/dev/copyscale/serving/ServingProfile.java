package dev.copyscale.serving;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one model copy does at each concurrency, from a measured table (columns concurrency,
 * ttft_ms, output_tokens_per_s, inter_token_latency_ms, requests_per_minute; a comment line states
 * the load's ~input and ~output tokens). Between measured concurrencies values are interpolated
 * linearly in log2(concurrency); beyond the table they are held.
 *
 * <p>The per-token time used to serve requests is the <em>effective</em> one that reproduces the
 * measured throughput: at concurrency c a request of the table's output length takes c × 60 s /
 * requests_per_minute, so per token (that − TTFT) / output tokens. It equals the measured
 * inter-token latency at low concurrency and exceeds it at high concurrency, where prefills of
 * arriving requests stall the batch (at 32: 89 ms against 51 ms measured between tokens).
 */
public final class ServingProfile {
  private static final Pattern LOAD =
      Pattern.compile("~(\\d+) input tokens, ~(\\d+) output tokens");

  private final String name;
  private final double[] log2Concurrency;
  private final double[] ttftMs;
  private final double[] measuredItlMs;
  private final double[] effectiveItlMs;
  private final double[] requestsPerMinute;
  private final int maxConcurrency;
  private final int referenceInputTokens;
  private final int referenceOutputTokens;

  ServingProfile(
      String name,
      int[] concurrency,
      double[] ttftMs,
      double[] itlMs,
      double[] rpm,
      int referenceInputTokens,
      int referenceOutputTokens) {
    this.name = name;
    this.referenceInputTokens = referenceInputTokens;
    this.referenceOutputTokens = referenceOutputTokens;
    int n = concurrency.length;
    if (n < 2) {
      throw new IllegalArgumentException(
          name + ": a serving table needs at least two concurrencies");
    }
    log2Concurrency = new double[n];
    effectiveItlMs = new double[n];
    for (int i = 0; i < n; i++) {
      if (i > 0 && concurrency[i] <= concurrency[i - 1]) {
        throw new IllegalArgumentException(
            name
                + ": concurrencies must increase ("
                + concurrency[i]
                + " after "
                + concurrency[i - 1]
                + ")");
      }
      log2Concurrency[i] = Math.log(concurrency[i]) / Math.log(2);
      double requestMs = concurrency[i] * 60_000.0 / rpm[i];
      effectiveItlMs[i] = Math.max(itlMs[i], (requestMs - ttftMs[i]) / referenceOutputTokens);
    }
    this.ttftMs = ttftMs;
    this.measuredItlMs = itlMs;
    this.requestsPerMinute = rpm;
    this.maxConcurrency = concurrency[n - 1];
  }

  /**
   * A table of figures by concurrency (a derived serving model's, or a measurement's), in the
   * bundled format's units.
   *
   * @param itlMs llmperf's inter-token latency: a request's latency over its output tokens
   */
  public static ServingProfile of(
      String name,
      int[] concurrency,
      double[] ttftMs,
      double[] itlMs,
      double[] requestsPerMinute,
      RequestShape shape) {
    return new ServingProfile(
        name,
        concurrency.clone(),
        ttftMs.clone(),
        itlMs.clone(),
        requestsPerMinute.clone(),
        shape.promptTokens(),
        shape.outputTokens());
  }

  /** The concurrencies of the table's rows. */
  public int[] concurrencies() {
    int[] c = new int[log2Concurrency.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = (int) Math.round(Math.pow(2, log2Concurrency[i]));
    }
    return c;
  }

  /**
   * The table as the bundled CSV format writes it (the format scaling.slo.servingProfile takes).
   */
  public String toCsv(String... comments) {
    StringBuilder out = new StringBuilder();
    for (String comment : comments) {
      out.append("# ").append(comment).append('\n');
    }
    out.append("# Load: ~")
        .append(referenceInputTokens)
        .append(" input tokens, ~")
        .append(referenceOutputTokens)
        .append(" output tokens per request, closed loop at the given concurrency.\n");
    out.append(
        "concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute\n");
    int[] c = concurrencies();
    for (int i = 0; i < c.length; i++) {
      out.append(
          String.format(
              java.util.Locale.ROOT,
              "%d,%.1f,%.1f,%.1f,%.1f%n",
              c[i],
              ttftMs[i],
              requestsPerMinute[i] * referenceOutputTokens / 60.0,
              measuredItlMs[i],
              requestsPerMinute[i]));
    }
    return out.toString();
  }

  /**
   * Llama 3 8B Instruct on TGI, one A10G (the bundled measurements; see the file's header for the
   * source).
   */
  public static ServingProfile llama3OnA10G() {
    return bundled("llama3-8b-instruct-tgi-a10g.csv");
  }

  public static ServingProfile bundled(String resource) {
    try (InputStream in = ServingProfile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled serving table " + resource);
      }
      return read(resource, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a table in the bundled format; a malformed line is named. */
  public static ServingProfile read(String name, InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    List<double[]> rows = new ArrayList<>();
    int inputTokens = 0;
    int outputTokens = 0;
    String line;
    boolean header = false;
    int number = 0;
    while ((line = reader.readLine()) != null) {
      number++;
      if (line.startsWith("#")) {
        Matcher m = LOAD.matcher(line);
        if (m.find()) {
          inputTokens = Integer.parseInt(m.group(1));
          outputTokens = Integer.parseInt(m.group(2));
        }
        continue;
      }
      if (line.isBlank()) {
        continue;
      }
      if (!header) {
        if (!line.trim()
            .equals(
                "concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute")) {
          throw new IllegalArgumentException(
              name
                  + " line "
                  + number
                  + ": expected the header"
                  + " concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute");
        }
        header = true;
        continue;
      }
      String[] f = line.split(",");
      try {
        rows.add(
            new double[] {
              Integer.parseInt(f[0].trim()),
              Double.parseDouble(f[1]),
              Double.parseDouble(f[3]),
              Double.parseDouble(f[4])
            });
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            name + " line " + number + ": \"" + line + "\" does not parse");
      }
    }
    if (outputTokens == 0) {
      throw new IllegalArgumentException(
          name
              + ": a comment line must state the load, e.g. \"~550 input tokens, ~175 output"
              + " tokens\"");
    }
    int n = rows.size();
    int[] c = new int[n];
    double[] ttft = new double[n];
    double[] itl = new double[n];
    double[] rpm = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = (int) rows.get(i)[0];
      ttft[i] = rows.get(i)[1];
      itl[i] = rows.get(i)[2];
      rpm[i] = rows.get(i)[3];
    }
    return new ServingProfile(name, c, ttft, itl, rpm, inputTokens, outputTokens);
  }

  private double at(double[] values, double concurrency) {
    double x = Math.log(Math.max(1, concurrency)) / Math.log(2);
    if (x <= log2Concurrency[0]) {
      return values[0];
    }
    int last = log2Concurrency.length - 1;
    if (x >= log2Concurrency[last]) {
      return values[last];
    }
    int i = 1;
    while (log2Concurrency[i] < x) {
      i++;
    }
    double f = (x - log2Concurrency[i - 1]) / (log2Concurrency[i] - log2Concurrency[i - 1]);
    return values[i - 1] + f * (values[i] - values[i - 1]);
  }

  public double ttftMs(double concurrency) {
    return at(ttftMs, concurrency);
  }

  /** The inter-token latency measured between tokens. */
  public double measuredItlMs(double concurrency) {
    return at(measuredItlMs, concurrency);
  }

  /** The per-token time that reproduces the measured throughput (see the class comment). */
  public double effectiveItlMs(double concurrency) {
    return at(effectiveItlMs, concurrency);
  }

  /**
   * Measured requests per minute of one copy at this concurrency (with the table's request shape).
   */
  public double requestsPerMinute(double concurrency) {
    return at(requestsPerMinute, concurrency);
  }

  /**
   * How long one request takes from the moment it joins a batch of {@code concurrency} requests.
   */
  public double serviceMs(double concurrency, int outputTokens) {
    return ttftMs(concurrency) + outputTokens * effectiveItlMs(concurrency);
  }

  /** The highest measured concurrency: a copy is not run beyond it. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /**
   * The highest concurrency at which time to first token stays within {@code ttftMs} (interpolated
   * as {@link #ttftMs} is, at most the highest measured); empty when even one request at a time
   * takes longer ({@link #ttftFloorMs}).
   */
  public java.util.OptionalDouble concurrencyWithin(double ttftMs) {
    if (ttftMs < this.ttftMs[0]) {
      return java.util.OptionalDouble.empty();
    }
    int last = log2Concurrency.length - 1;
    for (int i = 1; i <= last; i++) {
      if (this.ttftMs[i] > ttftMs) {
        double f = (ttftMs - this.ttftMs[i - 1]) / (this.ttftMs[i] - this.ttftMs[i - 1]);
        return java.util.OptionalDouble.of(
            Math.pow(
                2, log2Concurrency[i - 1] + f * (log2Concurrency[i] - log2Concurrency[i - 1])));
      }
    }
    return java.util.OptionalDouble.of(maxConcurrency);
  }

  /** Time to first token of one request alone on a copy: no objective below it can be met. */
  public double ttftFloorMs() {
    return ttftMs[0];
  }

  public int referenceInputTokens() {
    return referenceInputTokens;
  }

  public int referenceOutputTokens() {
    return referenceOutputTokens;
  }

  public String name() {
    return name;
  }
}
