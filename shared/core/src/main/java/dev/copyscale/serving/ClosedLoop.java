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
    TgiCopy copy =
        new TgiCopy(
            physics,
            limits,
            Long.MAX_VALUE / 4,
            new TgiCopy.Sink() {
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
            });
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

  private static int output(RequestShape shape, int i) {
    double spread = (i * GOLDEN) % 1.0;
    return Math.max(1, (int) Math.round(shape.outputTokens() * (0.75 + 0.5 * spread)));
  }
}
