package dev.copyscale.twin.traffic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.Optional;

/**
 * A request trace: arrival times (microseconds from the trace's start) and each request's prompt
 * and output tokens, in primitive arrays because a simulated week holds millions of requests. A
 * trace may last longer than its last arrival (a synthetic one ends at its duration), so quiet time
 * at its end is simulated too.
 */
public final class Trace {
  private static final DateTimeFormatter AZURE_TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .toFormatter();

  private final long[] arrivalMicros;
  private final int[] promptTokens;
  private final int[] outputTokens;
  private final long endMicros;

  /**
   * The clock time of offset 0 when the trace recorded one (an Azure trace's first request); null
   * for a synthetic one.
   */
  private final Instant start;

  public Trace(long[] arrivalMicros, int[] promptTokens, int[] outputTokens) {
    this(
        arrivalMicros,
        promptTokens,
        outputTokens,
        arrivalMicros.length == 0 ? 0 : arrivalMicros[arrivalMicros.length - 1]);
  }

  /** A trace that lasts until {@code endMicros}, at or after its last arrival. */
  public Trace(long[] arrivalMicros, int[] promptTokens, int[] outputTokens, long endMicros) {
    this(arrivalMicros, promptTokens, outputTokens, endMicros, null);
  }

  private Trace(
      long[] arrivalMicros, int[] promptTokens, int[] outputTokens, long endMicros, Instant start) {
    if (arrivalMicros.length != promptTokens.length
        || arrivalMicros.length != outputTokens.length) {
      throw new IllegalArgumentException(
          "arrivals, prompts and outputs must have one entry per request");
    }
    for (int i = 1; i < arrivalMicros.length; i++) {
      if (arrivalMicros[i] < arrivalMicros[i - 1]) {
        throw new IllegalArgumentException(
            "arrivals must be in time order (request " + i + " is earlier than " + (i - 1) + ")");
      }
    }
    if (arrivalMicros.length > 0 && endMicros < arrivalMicros[arrivalMicros.length - 1]) {
      throw new IllegalArgumentException("a trace cannot end before its last arrival");
    }
    this.arrivalMicros = arrivalMicros;
    this.promptTokens = promptTokens;
    this.outputTokens = outputTokens;
    this.endMicros = endMicros;
    this.start = start;
  }

  /**
   * Reads the Azure LLM inference trace format: a header {@code
   * TIMESTAMP,ContextTokens,GeneratedTokens} and one request a line, timestamps like {@code
   * 2023-11-16 18:15:46.6805900}.
   *
   * @throws IllegalArgumentException naming the line that does not parse
   */
  public static Trace azure(Path file) {
    return azure(file, TraceLimits.DEFAULT);
  }

  /**
   * As {@link #azure(Path)}, refusing a trace beyond {@code limits}: too many rows (found before
   * they are all read), a row's tokens, a time outside 1970-2199, a span over 400 days.
   */
  public static Trace azure(Path file, TraceLimits limits) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null
          || !header
              .trim()
              .replace(" ", "")
              .equalsIgnoreCase("TIMESTAMP,ContextTokens,GeneratedTokens")) {
        throw new IllegalArgumentException(
            file + ": expected the header TIMESTAMP,ContextTokens,GeneratedTokens, got " + header);
      }
      long[] arrivals = new long[1 << 14];
      int[] prompts = new int[arrivals.length];
      int[] outputs = new int[arrivals.length];
      int n = 0;
      String line;
      int lineNumber = 1;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        if (n >= limits.maxRequests()) {
          limits.check(file + " (more than " + n + " rows)", n + 1, 0);
        }
        String[] f = line.split(",");
        try {
          LocalDateTime time = LocalDateTime.parse(f[0].trim(), AZURE_TIME);
          long micros = time.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + time.getNano() / 1000;
          if (n == arrivals.length) {
            // By half again, not twice: a month of requests is hundreds of MB in these arrays.
            int grown = n + (n >> 1);
            arrivals = Arrays.copyOf(arrivals, grown);
            prompts = Arrays.copyOf(prompts, grown);
            outputs = Arrays.copyOf(outputs, grown);
          }
          // Epoch microseconds: sorted() rebases them on the earliest and keeps it as the trace's
          // clock time.
          arrivals[n] = micros;
          prompts[n] = Integer.parseInt(f[1].trim());
          outputs[n] = Integer.parseInt(f[2].trim());
          if (prompts[n] < 0 || outputs[n] < 0) {
            throw new NumberFormatException("negative token count");
          }
          TraceLimits.checkTokens("ContextTokens", prompts[n]);
          TraceLimits.checkTokens("GeneratedTokens", outputs[n]);
          TraceLimits.checkTime("TIMESTAMP", time.toInstant(ZoneOffset.UTC));
          n++;
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
          throw new IllegalArgumentException(
              file
                  + " line "
                  + lineNumber
                  + ": \""
                  + line
                  + "\" is not TIMESTAMP,ContextTokens,GeneratedTokens ("
                  + e.getMessage()
                  + ")");
        } catch (ArrayIndexOutOfBoundsException e) {
          throw new IllegalArgumentException(
              file
                  + " line "
                  + lineNumber
                  + ": \""
                  + line
                  + "\" is not TIMESTAMP,ContextTokens,GeneratedTokens (it has "
                  + f.length
                  + " fields)");
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              file + " line " + lineNumber + ": " + e.getMessage(), e);
        }
      }
      // Trimmed one array at a time, so that at most one array is ever held twice.
      arrivals = Arrays.copyOf(arrivals, n);
      prompts = Arrays.copyOf(prompts, n);
      outputs = Arrays.copyOf(outputs, n);
      Trace trace = sorted(arrivals, prompts, outputs);
      limits.check(file.toString(), n, trace.endMicros() / 1e6);
      return trace;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file, e);
    }
  }

  /**
   * Real traces are not always written in order: sort by arrival, keeping each request's tokens (a
   * stable sort: requests that arrive at the same microsecond keep their order in the file). A
   * trace already in order is rebased in place, so a month of requests costs no second copy.
   */
  static Trace sorted(long[] arrivals, int[] prompts, int[] outputs) {
    int n = arrivals.length;
    boolean inOrder = true;
    for (int i = 1; i < n && inOrder; i++) {
      inOrder = arrivals[i] >= arrivals[i - 1];
    }
    if (!inOrder) {
      permuteInPlace(arrivals, prompts, outputs, stableOrder(arrivals, n));
    }
    long[] a = arrivals;
    long first = n == 0 ? 0 : a[0];
    for (int i = 0; i < n; i++) {
      a[i] -= first;
    }
    // The arrivals were epoch microseconds: the earliest is the trace's clock time.
    Instant start = n == 0 ? null : Instant.EPOCH.plusNanos(first * 1000);
    return new Trace(a, prompts, outputs, n == 0 ? 0 : a[n - 1], start);
  }

  /**
   * Puts entry {@code order[i]} of each array at {@code i}, following the permutation's cycles, so
   * that no array is held twice (a month of requests is hundreds of MB).
   */
  private static void permuteInPlace(long[] a, int[] p, int[] o, int[] order) {
    java.util.BitSet placed = new java.util.BitSet(order.length);
    for (int start = 0; start < order.length; start++) {
      if (placed.get(start) || order[start] == start) {
        continue;
      }
      long a0 = a[start];
      int p0 = p[start];
      int o0 = o[start];
      int i = start;
      while (true) {
        placed.set(i);
        int from = order[i];
        if (from == start) {
          a[i] = a0;
          p[i] = p0;
          o[i] = o0;
          break;
        }
        a[i] = a[from];
        p[i] = p[from];
        o[i] = o[from];
        i = from;
      }
    }
  }

  /**
   * The indices of the first {@code n} keys in ascending order of key, equal keys in index order: a
   * bottom-up merge sort on primitive arrays (boxed indices cost 20 bytes a request).
   */
  private static int[] stableOrder(long[] keys, int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] buffer = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          buffer[k++] = keys[order[j]] < keys[order[i]] ? order[j++] : order[i++];
        }
        while (i < mid) {
          buffer[k++] = order[i++];
        }
        while (j < hi) {
          buffer[k++] = order[j++];
        }
      }
      int[] t = order;
      order = buffer;
      buffer = t;
    }
    return order;
  }

  public int size() {
    return arrivalMicros.length;
  }

  public long arrivalMicros(int i) {
    return arrivalMicros[i];
  }

  public int promptTokens(int i) {
    return promptTokens[i];
  }

  public int outputTokens(int i) {
    return outputTokens[i];
  }

  /**
   * From the trace's start to its end (its last arrival, or later for a trace with a set duration).
   */
  public Duration span() {
    return Duration.ofNanos(endMicros * 1000);
  }

  /**
   * The clock time the trace's offset 0 stands for, when it recorded one (an Azure trace does; a
   * synthetic one does not).
   */
  public Optional<Instant> start() {
    return Optional.ofNullable(start);
  }

  /** When the trace ends, microseconds from its start. */
  public long endMicros() {
    return endMicros;
  }

  /** Mean arrival rate, requests per second. */
  public double meanRate() {
    long micros = size() < 2 ? 0 : arrivalMicros[size() - 1];
    return micros == 0 ? 0 : (size() - 1) * 1e6 / micros;
  }

  /**
   * The trace played {@code times} times back to back (each copy starts one mean gap after the
   * last).
   */
  public Trace repeat(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("repeat must be at least 1, got " + times);
    }
    int n = size();
    boolean endsAtLastArrival = n > 0 && endMicros == arrivalMicros[n - 1];
    long period =
        !endsAtLastArrival
            ? Math.max(endMicros, 1_000_000)
            : n < 2 ? 1_000_000 : arrivalMicros[n - 1] + arrivalMicros[n - 1] / (n - 1);
    long[] a = new long[n * times];
    int[] p = new int[n * times];
    int[] o = new int[n * times];
    for (int r = 0; r < times; r++) {
      for (int i = 0; i < n; i++) {
        a[r * n + i] = arrivalMicros[i] + r * period;
        p[r * n + i] = promptTokens[i];
        o[r * n + i] = outputTokens[i];
      }
    }
    return new Trace(a, p, o, endsAtLastArrival ? a[a.length - 1] : period * times, start);
  }

  /**
   * The same requests, each {@code micros} later (the trace starts that long before its first
   * request; its clock time that much earlier).
   */
  public Trace delayed(long micros) {
    if (micros < 0) {
      throw new IllegalArgumentException("a delay cannot be negative, got " + micros);
    }
    long[] a = new long[size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = arrivalMicros[i] + micros;
    }
    // A trace never changes its arrays, so the tokens are shared, not copied.
    return new Trace(
        a,
        promptTokens,
        outputTokens,
        endMicros + micros,
        start == null ? null : start.minusNanos(micros * 1000));
  }

  /** The same requests {@code factor} times as fast (factor 2: twice the rate, half the span). */
  public Trace scaleRate(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("scale must be positive, got " + factor);
    }
    long[] a = new long[size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.round(arrivalMicros[i] / factor);
    }
    long end = Math.max(a.length == 0 ? 0 : a[a.length - 1], Math.round(endMicros / factor));
    return new Trace(a, promptTokens, outputTokens, end, start);
  }
}
