package dev.copyscale.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * A closed-loop load on one {@link TgiCopy}, as llmperf measures a copy: {@code clients} clients
 * start together and each sends its next request the moment its last one finishes. Prompts are the
 * shape's; outputs spread evenly over 0.75 to 1.25 times the shape's (a fixed low-discrepancy
 * sequence, so the clients drift apart as real ones do and the result is deterministic). The
 * figures are means over the requests that finish after every client has finished two.
 */
public final class ClosedLoop {
  private static final double GOLDEN = 0.6180339887498949;

  private ClosedLoop() {}

  /**
   * What the load saw.
   *
   * @param concurrency clients
   * @param ttftMs mean time to first token
   * @param itlMs mean time per output token after the first: (latency - TTFT) / (output - 1)
   * @param perTokenMs mean latency / output tokens (llmperf's "inter_token_latency")
   * @param requestsPerMinute completions a minute
   */
  public record Point(
      double concurrency,
      double ttftMs,
      double itlMs,
      double perTokenMs,
      double requestsPerMinute) {}

  /** Runs {@code rounds} requests per client (at least 4) and measures the later ones. */
  public static Point run(
      CopyPhysics physics, TgiLimits limits, RequestShape shape, int clients, int rounds) {
    int total = clients * Math.max(4, rounds);
    int warm = 2 * clients;
    long[] sentAt = new long[total];
    long[] firstAt = new long[total];
    int[] outputs = new int[total];
    List<Integer> finished = new ArrayList<>();
    TgiCopy copy = new TgiCopy(physics, limits, Long.MAX_VALUE / 4, sink(firstAt, finished));
    int sent = 0;
    for (; sent < clients; sent++) {
      outputs[sent] = output(shape, sent);
      copy.arrive(0, sent, shape.promptTokens(), outputs[sent], 0);
    }
    int done = 0;
    long windowStart = -1;
    double ttft = 0;
    double itl = 0;
    double perToken = 0;
    int measured = 0;
    long now = 0;
    while (done < total) {
      now = copy.nextEventAt();
      if (now == Long.MAX_VALUE) {
        throw new IllegalStateException("the copy stopped with requests outstanding");
      }
      copy.advanceTo(now);
      for (int request : finished) {
        done++;
        if (done == warm) {
          windowStart = now;
        } else if (done > warm) {
          double latency = (now - sentAt[request]) / 1000.0;
          double first = (firstAt[request] - sentAt[request]) / 1000.0;
          ttft += first;
          itl += outputs[request] > 1 ? (latency - first) / (outputs[request] - 1) : 0;
          perToken += latency / outputs[request];
          measured++;
        }
        if (sent < total) {
          outputs[sent] = output(shape, sent);
          sentAt[sent] = now;
          copy.arrive(now, sent, shape.promptTokens(), outputs[sent], now);
          sent++;
        }
      }
      finished.clear();
    }
    double minutes = (now - windowStart) / 60e6;
    return new Point(
        clients,
        ttft / measured,
        itl / measured,
        perToken / measured,
        minutes > 0 ? measured / minutes : Double.NaN);
  }

  /**
   * What requests at the tail saw: the {@code quantile} of time to first token and of time per
   * output token after it, over requests whose sizes spread as {@code sizes} around {@code mean}.
   *
   * @param requests requests measured (after each client's first two)
   */
  public record Tail(double concurrency, double ttftMs, double itlMs, int requests) {}

  /**
   * {@code clients} clients sending requests of {@code sizes} around {@code mean} (as {@link
   * RequestSizes#sample} draws them, in that order) until enough have finished for {@code quantile}
   * to rest on at least {@link #TAIL_BEYOND} requests beyond it: a request's own prompt decides its
   * prefill, and the long prompts of others decide how long it waits behind them.
   */
  public static Tail tail(
      CopyPhysics physics,
      TgiLimits limits,
      RequestShape mean,
      RequestSizes sizes,
      int clients,
      double quantile) {
    int warm = 2 * clients;
    int measured =
        (int) Math.min(MAX_TAIL_REQUESTS, Math.ceil(TAIL_BEYOND / (1 - quantile)) + clients);
    int total = warm + Math.max(measured, 4 * clients);
    int[][] drawn = sizes.sample(mean, limits, total);
    int[] prompts = drawn[0];
    int[] outputs = drawn[1];
    long[] sentAt = new long[total];
    long[] firstAt = new long[total];
    List<Integer> finished = new ArrayList<>();
    TgiCopy copy = new TgiCopy(physics, limits, Long.MAX_VALUE / 4, sink(firstAt, finished));
    int sent = 0;
    for (; sent < clients; sent++) {
      copy.arrive(0, sent, prompts[sent], outputs[sent], 0);
    }
    double[] ttft = new double[total];
    double[] itl = new double[total];
    int n = 0;
    int done = 0;
    while (done < total) {
      long now = copy.nextEventAt();
      if (now == Long.MAX_VALUE) {
        throw new IllegalStateException("the copy stopped with requests outstanding");
      }
      copy.advanceTo(now);
      for (int request : finished) {
        done++;
        if (done > warm) {
          double latency = (now - sentAt[request]) / 1000.0;
          double first = (firstAt[request] - sentAt[request]) / 1000.0;
          ttft[n] = first;
          itl[n] = outputs[request] > 1 ? (latency - first) / (outputs[request] - 1) : 0;
          n++;
        }
        if (sent < total) {
          sentAt[sent] = now;
          copy.arrive(now, sent, prompts[sent], outputs[sent], now);
          sent++;
        }
      }
      finished.clear();
    }
    return new Tail(clients, at(ttft, n, quantile), at(itl, n, quantile), n);
  }

  /**
   * Requests beyond the quantile a tail's figure rests on (ASSUMED: 20, so one odd one moves it
   * little).
   */
  static final int TAIL_BEYOND = 20;

  /** At most this many requests measured for a tail (an attainment of 99.9 % takes 20,000). */
  static final int MAX_TAIL_REQUESTS = 40_000;

  private static double at(double[] values, int n, double quantile) {
    double[] sorted = java.util.Arrays.copyOf(values, n);
    java.util.Arrays.sort(sorted);
    return sorted[(int) Math.min(n - 1, Math.ceil(quantile * n) - 1)];
  }

  private static TgiCopy.Sink sink(long[] firstAt, List<Integer> finished) {
    return new TgiCopy.Sink() {
      @Override
      public void started(int request, long at) {}

      @Override
      public void firstToken(int request, long at) {
        firstAt[request] = at;
      }

      @Override
      public void finished(int request, long at) {
        finished.add(request);
      }

      @Override
      public void timedOut(int request, long at) {
        finished.add(request);
      }
    };
  }

  private static int output(RequestShape shape, int i) {
    double spread = (i * GOLDEN) % 1.0;
    return Math.max(1, (int) Math.round(shape.outputTokens() * (0.75 + 0.5 * spread)));
  }
}
