package dev.copyscale.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TGI 2.0's continuous batching, request by request (router/src/infer.rs, queue.rs). */
class TgiCopyTest {
  private final CopyPhysics physics = Physics.llama8bOnA10G();

  /** What a copy reported: "kind request at". */
  final List<String> log = new ArrayList<>();

  final long[] first = new long[64];
  final long[] done = new long[64];

  TgiCopy copy(Map<String, String> env, long timeoutMicros) {
    return copy(Physics.limits(physics, env), timeoutMicros);
  }

  /**
   * A copy whose GPU memory holds only {@code batchTokens} tokens of KV cache (TGI sizes the batch
   * from memory; MAX_BATCH_TOTAL_TOKENS does not change it).
   */
  TgiCopy copyHolding(int batchTokens, long timeoutMicros) {
    TgiLimits l = Physics.limits(physics, Map.of());
    return copy(
        new TgiLimits(
            l.maxInputTokens(),
            l.maxTotalTokens(),
            batchTokens,
            l.maxBatchPrefillTokens(),
            l.waitingServedRatio(),
            l.maxWaitingTokens(),
            l.maxBatchSize(),
            l.defaulted()),
        timeoutMicros);
  }

  TgiCopy copy(TgiLimits limits, long timeoutMicros) {
    return new TgiCopy(
        physics,
        limits,
        timeoutMicros,
        new TgiCopy.Sink() {
          @Override
          public void started(int request, long at) {
            log.add("started " + request + " " + at);
          }

          @Override
          public void firstToken(int request, long at) {
            first[request] = at;
          }

          @Override
          public void finished(int request, long at) {
            done[request] = at;
            log.add("finished " + request + " " + at);
          }

          @Override
          public void timedOut(int request, long at) {
            log.add("timedOut " + request + " " + at);
          }
        });
  }

  static void runAll(TgiCopy copy) {
    while (copy.nextEventAt() != Long.MAX_VALUE) {
      copy.advanceTo(copy.nextEventAt());
    }
  }

  @Test
  void aRequestAloneTakesItsPrefillThenOneStepPerFurtherToken() {
    TgiCopy copy = copy(Map.of(), Long.MAX_VALUE / 4);
    copy.arrive(0, 1, 550, 175, 0);
    runAll(copy);
    double prefill = physics.prefillMs(550, 550.0 * 550);
    assertThat(first[1] / 1000.0).isCloseTo(prefill, within(0.01));
    double step = physics.decodeStepMs(1, 550);
    assertThat((done[1] - first[1]) / 1000.0).isCloseTo(174 * step, within(174 * step * 0.01));
  }

  @Test
  void aRequestArrivingDuringAPrefillWaitsForItAndJoinsAtTheNextCheck() {
    TgiCopy copy = copy(Map.of(), Long.MAX_VALUE / 4);
    copy.arrive(0, 1, 2000, 100, 0);
    copy.advanceTo(10_000);
    copy.arrive(10_000, 2, 300, 100, 10_000);
    runAll(copy);
    // Its prefill starts after the first's and one decode step of the running batch (TGI decodes
    // once after every prefill before it looks at the queue again).
    long firstPrefillEnd = first[1];
    assertThat(first[2])
        .isGreaterThan(firstPrefillEnd + (long) (physics.prefillMs(300, 90000) * 1000));
    assertThat(log).contains("started 2 " + (firstPrefillEnd + stepMicros(1, 2000)));
  }

  private long stepMicros(int batch, double kv) {
    return (long) Math.ceil(physics.decodeStepMs(batch, kv) * 1000 - 1e-9);
  }

  /** Ten requests running, their prefills over; returns when the last prefill ended. */
  private long batchOfTen(TgiCopy copy) {
    for (int i = 0; i < 10; i++) {
      copy.arrive(0, i, 100, 500, 0);
    }
    while (first[9] == 0) {
      copy.advanceTo(copy.nextEventAt());
    }
    return first[9];
  }

  @Test
  void withABatchRunningWaitingRequestsJoinAtTheServedRatioOrAfterMaxWaitingTokens() {
    // A batch of 10: floor(0.3 x 10) = 3 waiting requests make it pause for a prefill; fewer wait
    // until 20 steps have passed since the last prefill.
    TgiCopy copy = copy(Map.of(), Long.MAX_VALUE / 4);
    long prefilled = batchOfTen(copy);
    long t = prefilled + 1;
    copy.advanceTo(t);
    copy.arrive(t, 20, 100, 50, t);
    copy.advanceTo(t + 5 * stepMicros(10, 1100));
    assertThat(log).noneMatch(l -> l.startsWith("started 20"));
    runAll(copy);
    double steps = (startedAt(20) - prefilled) / (double) stepMicros(10, 1100);
    assertThat(steps).as("20 steps after the last prefill").isBetween(19.0, 21.0);

    log.clear();
    java.util.Arrays.fill(first, 0);
    TgiCopy eager = copy(Map.of(), Long.MAX_VALUE / 4);
    prefilled = batchOfTen(eager);
    eager.advanceTo(prefilled + 1);
    for (int i = 20; i < 23; i++) {
      eager.arrive(prefilled + 1, i, 100, 50, prefilled + 1);
    }
    runAll(eager);
    assertThat((startedAt(20) - prefilled) / (double) stepMicros(10, 1100))
        .as("three waiting: at the next step")
        .isLessThan(2.0);
  }

  private long startedAt(int request) {
    return log.stream()
        .filter(l -> l.startsWith("started " + request + " "))
        .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theTokenBudgetCapsTheBatchAndTheQueueIsFirstComeFirstServed() {
    // Room for two requests of 2,048 + 2,048 tokens, not three.
    TgiCopy copy = copyHolding(8192, Long.MAX_VALUE / 4);
    copy.arrive(0, 1, 2048, 2048, 0);
    copy.arrive(0, 2, 2048, 2048, 0);
    copy.arrive(0, 3, 16, 16, 0);
    copy.advanceTo(1);
    assertThat(copy.running()).isEqualTo(1);
    runAll(copy);
    assertThat(startedAt(3)).isGreaterThanOrEqualTo(Math.min(done[1], done[2]));
  }

  @Test
  void aClientThatGaveUpFreesItsSlotAtTheTimeoutAndAWaitingOneIsDroppedWhenItWouldStart() {
    long timeout = 2_000_000;
    TgiCopy copy = copyHolding(4096, timeout);
    copy.arrive(0, 1, 2000, 2000, 0);
    copy.arrive(0, 2, 2000, 2000, 0);
    runAll(copy);
    assertThat(log).contains("timedOut 1 " + timeout).contains("timedOut 2 " + timeout);
    assertThat(log).noneMatch(l -> l.startsWith("started 2"));
    assertThat(copy.requests()).isZero();
  }

  @Test
  void aOneTokenAnswerFinishesWithItsPrefill() {
    TgiCopy copy = copy(Map.of(), Long.MAX_VALUE / 4);
    copy.arrive(0, 1, 100, 1, 0);
    runAll(copy);
    assertThat(done[1]).isEqualTo(first[1]);
  }
}
