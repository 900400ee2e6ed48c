package dev.copyscale.twin.serving;

import dev.copyscale.serving.ServingProfile;
import dev.copyscale.serving.TgiCopy;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A copy served from a measured table (a spec's {@code scaling.slo.servingProfile} or {@code
 * --serving FILE}): a request that TGI's batch admits ({@link CopyBatch}) takes the table's time to
 * first token and effective per-token time at the batch size it joined, whatever its prompt (the
 * table was measured at one request shape). A request whose client gives up leaves the batch at
 * that moment; one still waiting is dropped when it would start.
 */
public final class TableCopy implements CopyServing {
  private final ServingProfile profile;
  private final CopyBatch batch;
  private final long timeoutMicros;
  private final TgiCopy.Sink sink;
  private final ArrayDeque<long[]> waiting = new ArrayDeque<>();

  /** Events of running requests: {at, kind (0 first token, 1 leaves), request, prompt, output}. */
  private final PriorityQueue<long[]> events =
      new PriorityQueue<>(
          (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));

  public TableCopy(
      ServingProfile profile,
      int maxBatchTotalTokens,
      int maxTotalTokens,
      long timeoutMicros,
      TgiCopy.Sink sink) {
    this.profile = profile;
    this.batch = new CopyBatch(maxBatchTotalTokens, maxTotalTokens, profile.maxConcurrency());
    this.timeoutMicros = timeoutMicros;
    this.sink = sink;
  }

  @Override
  public void arrive(long at, int request, int promptTokens, int outputTokens, long arrivedAt) {
    long[] r = {request, promptTokens, outputTokens, arrivedAt};
    if (waiting.isEmpty() && start(at, r)) {
      return;
    }
    waiting.add(r);
  }

  private boolean start(long at, long[] r) {
    int size = batch.admit((int) r[1], (int) r[2]);
    if (size == 0) {
      return false;
    }
    sink.started((int) r[0], at);
    long firstToken = at + (long) (profile.ttftMs(size) * 1000);
    long finished = at + (long) (profile.serviceMs(size, (int) r[2]) * 1000);
    long deadline = r[3] + timeoutMicros;
    if (firstToken < deadline) {
      events.add(new long[] {firstToken, 0, r[0], r[1], r[2]});
    }
    // Kind 1 leaves served, kind 2 leaves at the deadline, failed.
    events.add(
        new long[] {Math.min(finished, deadline), finished > deadline ? 2 : 1, r[0], r[1], r[2]});
    return true;
  }

  @Override
  public long nextEventAt() {
    return events.isEmpty() ? Long.MAX_VALUE : events.peek()[0];
  }

  @Override
  public void advanceTo(long now) {
    while (!events.isEmpty() && events.peek()[0] <= now) {
      long[] e = events.poll();
      int request = (int) e[2];
      if (e[1] == 0) {
        sink.firstToken(request, e[0]);
        continue;
      }
      batch.finish((int) e[3], (int) e[4]);
      if (e[1] == 1) {
        sink.finished(request, e[0]);
      } else {
        sink.timedOut(request, e[0]);
      }
      while (!waiting.isEmpty()) {
        long[] next = waiting.peek();
        if (e[0] - next[3] >= timeoutMicros) {
          // SageMaker gave up on it while it queued; TGI drops it when it would have started.
          waiting.poll();
          sink.timedOut((int) next[0], e[0]);
        } else if (start(e[0], next)) {
          waiting.poll();
        } else {
          break;
        }
      }
    }
  }
}
