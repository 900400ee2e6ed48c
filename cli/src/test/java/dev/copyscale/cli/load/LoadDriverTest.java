package dev.copyscale.cli.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.copyscale.cli.chat.ChatMessage;
import dev.copyscale.cli.chat.ChatMessages;
import dev.copyscale.cli.chat.ChatTemplate;
import dev.copyscale.cli.chat.TgiRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/**
 * The driver against a recording target of its own (a test double of {@link LoadTarget}, with a
 * virtual clock in microseconds): the bodies it sends, when it sends them, how many are in flight,
 * and what the summary counts.
 */
class LoadDriverTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @TempDir Path dir;

  /**
   * Answers request i after {@code latency(i)} of virtual time; records every body and send time.
   */
  static final class RecordingTarget implements LoadTarget {
    final boolean aws;
    final IntToLongFunction latencyMicros;
    final IntFunction<Outcome> failure;
    final List<String> bodies = new ArrayList<>();
    final List<Boolean> streams = new ArrayList<>();
    final List<Long> sentAtMicros = new ArrayList<>();
    final PriorityQueue<long[]> pending =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    Runnable onSend = () -> {};
    long now;
    int inFlight;
    int maxInFlight;
    boolean closed;
    BlockingQueue<Outcome> queue;

    RecordingTarget(boolean aws, IntToLongFunction latencyMicros, IntFunction<Outcome> failure) {
      this.aws = aws;
      this.latencyMicros = latencyMicros;
      this.failure = failure;
    }

    RecordingTarget(IntToLongFunction latencyMicros) {
      this(false, latencyMicros, i -> null);
    }

    @Override
    public boolean aws() {
      return aws;
    }

    @Override
    public Clock clock() {
      return new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
          return T0.plusNanos(now * 1000);
        }
      };
    }

    @Override
    public void send(String body, boolean stream, BlockingQueue<Outcome> done) {
      queue = done;
      int i = bodies.size();
      bodies.add(body);
      streams.add(stream);
      sentAtMicros.add(now);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      pending.add(new long[] {now + latencyMicros.applyAsLong(i), i});
      onSend.run();
    }

    private void deliver(long[] p) {
      inFlight--;
      Duration latency = Duration.ofNanos(latencyMicros.applyAsLong((int) p[1]) * 1000);
      Outcome failed = failure.apply((int) p[1]);
      queue.add(
          failed != null
              ? failed
              : new Outcome(
                  latency,
                  stream((int) p[1]) ? latency.dividedBy(4) : null,
                  stream((int) p[1]) ? 7 : 0,
                  null,
                  null));
    }

    private boolean stream(int i) {
      return streams.get(i);
    }

    @Override
    public void waitUntil(Instant at) {
      long until = Duration.between(T0, at).toNanos() / 1000;
      while (!pending.isEmpty() && pending.peek()[0] <= until) {
        long[] p = pending.poll();
        now = Math.max(now, p[0]);
        deliver(p);
      }
      now = Math.max(now, until);
    }

    @Override
    public void awaitOutcome(BlockingQueue<Outcome> done) {
      if (!done.isEmpty() || pending.isEmpty()) {
        return;
      }
      long at = pending.peek()[0];
      now = Math.max(now, at);
      while (!pending.isEmpty() && pending.peek()[0] == at) {
        deliver(pending.poll());
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static LoadStats run(RecordingTarget target, LoadDriver.Pace pace, int max, Duration duration)
      throws InterruptedException {
    return LoadDriver.run(
        target,
        new LoadDriver.Plan(pace, max, duration, false, i -> "{\"inputs\":\"" + i + "\"}"),
        () -> false,
        (sent, finished) -> {});
  }

  @Test
  void theBodyForAMessagesFileCarriesItsChatAndTheDefaults() throws Exception {
    Path messages = dir.resolve("messages.json");
    Files.writeString(
        messages,
        """
        [{"role": "system", "content": "You are a helpful assistant."},
         {"role": "user", "content": "What is deep learning?"}]
        """);
    List<ChatMessage> chat = ChatMessages.read(messages);
    String prompt = ChatTemplate.builtIn("llama3").render(chat);
    RecordingTarget target = new RecordingTarget(i -> 1_000_000);
    LoadStats stats =
        LoadDriver.run(
            target,
            new LoadDriver.Plan(
                new LoadDriver.Closed(2),
                3,
                null,
                false,
                i -> TgiRequest.of(prompt, TgiRequest.Parameters.defaults()).toJson()),
            () -> false,
            (sent, finished) -> {});

    String defaults =
        "{\"inputs\":\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n"
            + "\\n"
            + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\\n"
            + "\\n"
            + "What is deep learning?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\\n"
            + "\\n"
            + "\",\"parameters\":{\"do_sample\":true,\"top_p\":0.9,\"temperature\":0.6,\"top_k\":50,\"max_new_tokens\":50,\"repetition_penalty\":1.03,\"return_full_text\":false}}";
    assertThat(target.bodies).containsExactly(defaults, defaults, defaults);
    assertThat(target.streams).containsOnly(false);
    assertThat(stats.sent()).isEqualTo(3);
    assertThat(stats.succeeded()).isEqualTo(3);

    // Streaming adds "stream": true after the parameters, nothing else.
    RecordingTarget streaming = new RecordingTarget(i -> 1_000_000);
    LoadStats streamed =
        LoadDriver.run(
            streaming,
            new LoadDriver.Plan(
                new LoadDriver.Closed(1),
                1,
                null,
                true,
                i ->
                    TgiRequest.of(prompt, TgiRequest.Parameters.defaults())
                        .withStream(true)
                        .toJson()),
            () -> false,
            (sent, finished) -> {});
    assertThat(streaming.bodies)
        .containsExactly(defaults.substring(0, defaults.length() - 1) + ",\"stream\":true}");
    assertThat(streaming.streams).containsExactly(true);
    assertThat(streamed.streamed()).isTrue();
    assertThat(streamed.ttftMs(50)).isCloseTo(250, within(1.0));
  }

  /**
   * What the seed tutorial sends, byte for byte: its chat without the assistant header, its
   * parameters, no do_sample.
   */
  static final String TUTORIAL_BODY =
      "{\"inputs\":\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n"
          + "\\n"
          + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\\n"
          + "\\n"
          + "What is deep learning?<|eot_id|>\","
          + "\"parameters\":{\"top_p\":0.6,\"temperature\":0.9,\"top_k\":50,\"max_new_tokens\":50,\"repetition_penalty\":1.03,\"return_full_text\":false}}";

  @Test
  void theTutorialSendsAHundredIdenticalBodiesOneAfterAnother() throws Exception {
    LoadDriver.Plan plan = Tutorial.plan(ChatTemplate.builtIn("llama3"));
    assertThat(plan.pace()).isEqualTo(new LoadDriver.Closed(1));
    assertThat(plan.maxRequests()).isEqualTo(100);
    assertThat(plan.duration()).isNull();
    assertThat(plan.stream()).isFalse();
    // Latencies vary, so "one after another" shows in the send times: each request leaves when the
    // one before has answered.
    IntToLongFunction latency = i -> 800_000L + (i % 5) * 150_000L;
    RecordingTarget target = new RecordingTarget(latency);
    LoadStats stats = LoadDriver.run(target, plan, () -> false, (sent, finished) -> {});

    assertThat(target.bodies).hasSize(100).containsOnly(TUTORIAL_BODY);
    assertThat(target.streams).containsOnly(false);
    assertThat(target.maxInFlight).isEqualTo(1);
    assertThat(target.sentAtMicros.get(0)).isZero();
    for (int i = 1; i < 100; i++) {
      assertThat(target.sentAtMicros.get(i))
          .as("request %d", i)
          .isEqualTo(target.sentAtMicros.get(i - 1) + latency.applyAsLong(i - 1));
    }
    assertThat(stats.sent()).isEqualTo(100);
    assertThat(stats.succeeded()).isEqualTo(100);
  }

  @Test
  void theTutorialsPromptHasNoGenerationPromptAndItsParametersNoDoSample() {
    ChatTemplate llama3 = ChatTemplate.builtIn("llama3");
    assertThat(Tutorial.prompt(llama3))
        .isEqualTo(llama3.render(Tutorial.messages(), false))
        .endsWith("What is deep learning?<|eot_id|>")
        .doesNotContain("<|start_header_id|>assistant");
    // copyscale's default prompt is the same chat with the assistant header added.
    assertThat(llama3.render(ChatMessages.defaultConversation()))
        .isEqualTo(Tutorial.prompt(llama3) + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    assertThat(Tutorial.PARAMETERS.doSample()).isNull();
    assertThat(Tutorial.body(llama3)).isEqualTo(TUTORIAL_BODY);
  }

  @Test
  void bodyFunctionGetsTheRequestIndex() throws Exception {
    RecordingTarget target = new RecordingTarget(i -> 1000);
    run(target, new LoadDriver.Closed(3), 7, null);
    assertThat(target.bodies)
        .containsExactly(
            "{\"inputs\":\"0\"}",
            "{\"inputs\":\"1\"}",
            "{\"inputs\":\"2\"}",
            "{\"inputs\":\"3\"}",
            "{\"inputs\":\"4\"}",
            "{\"inputs\":\"5\"}",
            "{\"inputs\":\"6\"}");
  }

  @Test
  void closedLoopKeepsExactlyTheConcurrencyInFlight() throws Exception {
    // Latencies vary, so finished requests are replaced one by one at different times.
    RecordingTarget target = new RecordingTarget(i -> (i % 7 + 1) * 100_000L);
    List<Long> progress = new ArrayList<>();
    LoadStats stats =
        LoadDriver.run(
            target,
            new LoadDriver.Plan(new LoadDriver.Closed(5), 100, null, false, i -> "x"),
            () -> false,
            (sent, finished) -> {
              if (progress.isEmpty() || progress.get(progress.size() - 1) != finished) {
                progress.add(finished); // a new finish (a send alone repeats the count)
              }
            });

    assertThat(target.maxInFlight).isEqualTo(5);
    assertThat(target.inFlight).isZero();
    assertThat(stats.sent()).isEqualTo(100);
    assertThat(stats.succeeded()).isEqualTo(100);
    assertThat(stats.failed()).isZero();
    assertThat(stats.unfinished()).isZero();
    assertThat(progress).isSorted().startsWith(0L).endsWith(100L).hasSize(101);
    // The first five go out at once; every later one the moment one finishes.
    assertThat(target.sentAtMicros.subList(0, 5)).containsOnly(0L);
    assertThat(target.sentAtMicros.get(5)).isEqualTo(100_000L);
    // Elapsed is start to the last finish; latency percentiles are the target's latencies.
    long lastFinish = 0;
    for (int i = 0; i < 100; i++) {
      lastFinish = Math.max(lastFinish, target.sentAtMicros.get(i) + (i % 7 + 1) * 100_000L);
    }
    assertThat(stats.start()).isEqualTo(T0);
    assertThat(stats.elapsed()).isEqualTo(Duration.ofNanos(lastFinish * 1000));
    assertThat(stats.latencyMs(50)).isCloseTo(400, within(1.0));
    assertThat(stats.latencyMs(99)).isCloseTo(700, within(1.0));
    assertThat(stats.throughput()).isCloseTo(100 / (lastFinish / 1e6), within(1e-6));
  }

  @Test
  void openLoopSendsAtPoissonTimesReproducibleForASeed() throws Exception {
    RecordingTarget a = new RecordingTarget(i -> 5_000_000);
    run(a, new LoadDriver.Open(10, 42), 2000, null);
    RecordingTarget b = new RecordingTarget(i -> 5_000_000);
    run(b, new LoadDriver.Open(10, 42), 2000, null);
    RecordingTarget c = new RecordingTarget(i -> 5_000_000);
    run(c, new LoadDriver.Open(10, 43), 2000, null);

    assertThat(a.sentAtMicros).isEqualTo(b.sentAtMicros);
    assertThat(a.sentAtMicros).isNotEqualTo(c.sentAtMicros);
    assertThat(a.sentAtMicros.get(0)).isZero();
    assertThat(a.sentAtMicros).isSorted();
    // Exponential gaps from the seed's SplittableRandom, as documented: -ln(1 - u) / rate.
    SplittableRandom random = new SplittableRandom(42);
    long expected = 0;
    for (int i = 0; i < 2000; i++) {
      assertThat(a.sentAtMicros.get(i)).as("request %d", i).isEqualTo(expected);
      expected += (long) (-Math.log(1 - random.nextDouble()) / 10 * 1e6);
    }
    // About 10 a second, and gaps of every size (Poisson, not a metronome).
    double seconds = a.sentAtMicros.get(1999) / 1e6;
    assertThat(1999 / seconds).isCloseTo(10, within(1.0));
    long shortGaps = 0;
    long longGaps = 0;
    for (int i = 1; i < 2000; i++) {
      long gap = a.sentAtMicros.get(i) - a.sentAtMicros.get(i - 1);
      shortGaps += gap < 20_000 ? 1 : 0;
      longGaps += gap > 300_000 ? 1 : 0;
    }
    assertThat(shortGaps).isBetween(300L, 500L); // P(gap < 20 ms) = 1 - e^-0.2 = 18 %
    assertThat(longGaps).isBetween(60L, 140L); // P(gap > 300 ms) = e^-3 = 5 %
    // Open loop: it does not wait for answers (5 s each, 10 a second: about 50 in flight).
    assertThat(a.maxInFlight).isBetween(30, 80);
  }

  @Test
  void replaySendsAtTheGivenOffsets() throws Exception {
    long[] offsets = {0, 250_000, 250_000, 1_000_000, 3_500_000};
    RecordingTarget all = new RecordingTarget(i -> 2_000_000);
    LoadStats stats = run(all, new LoadDriver.Replay(offsets), Integer.MAX_VALUE, null);
    assertThat(all.sentAtMicros).containsExactly(0L, 250_000L, 250_000L, 1_000_000L, 3_500_000L);
    assertThat(stats.sent()).isEqualTo(5);
    assertThat(stats.succeeded()).isEqualTo(5);
    assertThat(stats.elapsed()).isEqualTo(Duration.ofMillis(5500));
    assertThat(all.maxInFlight).isEqualTo(4);

    RecordingTarget three = new RecordingTarget(i -> 2_000_000);
    assertThat(run(three, new LoadDriver.Replay(offsets), 3, null).sent()).isEqualTo(3);
    assertThat(three.sentAtMicros).containsExactly(0L, 250_000L, 250_000L);
  }

  @Test
  void durationStopsSendingInOpenLoops() throws Exception {
    RecordingTarget open = new RecordingTarget(i -> 1_500_000);
    LoadStats stats =
        run(open, new LoadDriver.Open(10, 7), Integer.MAX_VALUE, Duration.ofSeconds(30));
    assertThat(open.sentAtMicros).allSatisfy(t -> assertThat(t).isLessThan(30_000_000L));
    assertThat(open.sentAtMicros.get(open.sentAtMicros.size() - 1)).isGreaterThan(29_000_000L);
    assertThat(stats.sent()).isBetween(240L, 360L).isEqualTo(open.sentAtMicros.size());
    // What was sent is waited for: the run ends when the last one finishes.
    assertThat(stats.unfinished()).isZero();
    assertThat(stats.elapsed())
        .isEqualTo(
            Duration.ofNanos(
                (open.sentAtMicros.get(open.sentAtMicros.size() - 1) + 1_500_000) * 1000));

    RecordingTarget replay = new RecordingTarget(i -> 1_000);
    run(
        replay,
        new LoadDriver.Replay(new long[] {0, 1_000_000, 2_000_000, 3_000_000}),
        Integer.MAX_VALUE,
        Duration.ofSeconds(2));
    assertThat(replay.sentAtMicros).containsExactly(0L, 1_000_000L);
  }

  @Test
  void closedLoopSendsNothingAtOrAfterTheDeadline() throws Exception {
    // Answers take 1 s: the loop waits from 9 s to 10 s for a free slot, and 10 s is the deadline.
    RecordingTarget closed = new RecordingTarget(i -> 1_000_000);
    LoadStats stats =
        run(closed, new LoadDriver.Closed(2), Integer.MAX_VALUE, Duration.ofSeconds(10));
    assertThat(closed.sentAtMicros).allSatisfy(t -> assertThat(t).isLessThan(10_000_000L));
    assertThat(stats.sent()).isEqualTo(20);
  }

  @Test
  void stopFlagEndsSendingAndTheTwinFinishesWhatWasSent() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    RecordingTarget twin = new RecordingTarget(i -> 3_000_000);
    twin.onSend = () -> stop.set(twin.bodies.size() >= 10);
    LoadStats stats =
        LoadDriver.run(
            twin,
            new LoadDriver.Plan(new LoadDriver.Closed(4), 1000, null, false, i -> "x"),
            stop::get,
            (sent, finished) -> {});
    assertThat(twin.bodies).hasSize(10);
    assertThat(stats.sent()).isEqualTo(10);
    assertThat(stats.succeeded()).isEqualTo(10);
    assertThat(stats.unfinished()).isZero();
    assertThat(twin.inFlight).isZero();
  }

  @Test
  void stopFlagOnAwsReportsWhatIsStillInFlightAsUnfinished() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    // Open loop at 2 a second, answers take 2 s: the first few finish, the last ones are in flight.
    RecordingTarget aws = new RecordingTarget(true, i -> 2_000_000, i -> null);
    aws.onSend = () -> stop.set(aws.bodies.size() >= 12);
    LoadStats stats =
        LoadDriver.run(
            aws,
            new LoadDriver.Plan(new LoadDriver.Open(2, 5), 1000, null, false, i -> "x"),
            stop::get,
            (sent, finished) -> {});
    assertThat(stats.sent()).isEqualTo(12);
    assertThat(stats.succeeded()).isEqualTo(12 - aws.inFlight).isPositive();
    assertThat(stats.unfinished()).isEqualTo(aws.inFlight).isPositive();
    assertThat(stats.end()).isEqualTo(T0.plusNanos(aws.sentAtMicros.get(11) * 1000));
  }

  @Test
  void stopFlagOnAwsCountsOutcomesThatAlreadyArrived() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    // Answers arrive at once (as an async client's callback may, between the driver's polls).
    RecordingTarget aws = new RecordingTarget(true, i -> 0, i -> null);
    aws.onSend =
        () -> {
          aws.awaitOutcome(aws.queue);
          stop.set(aws.bodies.size() >= 3);
        };
    LoadStats stats =
        LoadDriver.run(
            aws,
            new LoadDriver.Plan(new LoadDriver.Closed(4), 1000, null, false, i -> "x"),
            stop::get,
            (sent, finished) -> {});
    assertThat(stats.sent()).isEqualTo(3);
    assertThat(stats.succeeded()).isEqualTo(3);
    assertThat(stats.unfinished()).isZero();
  }

  @Test
  void errorsAreGroupedByTypeAndKeptOutOfTheLatencies() throws Exception {
    RecordingTarget target =
        new RecordingTarget(
            false,
            i -> 1_000_000,
            i ->
                i % 4 == 0
                    ? Outcome.failed(
                        Duration.ZERO, "ModelError (container status 422)", "too long " + i)
                    : i % 10 == 1
                        ? Outcome.failed(
                            Duration.ofSeconds(60),
                            "ModelError (container status 0)",
                            "timed out " + i)
                        : null);
    LoadStats stats = run(target, new LoadDriver.Closed(8), 40, null);
    assertThat(stats.sent()).isEqualTo(40);
    assertThat(stats.failed()).isEqualTo(14);
    assertThat(stats.succeeded()).isEqualTo(26);
    assertThat(stats.errors())
        .containsExactly(
            new LoadStats.ErrorCount("ModelError (container status 422)", 10, "too long 0"),
            new LoadStats.ErrorCount("ModelError (container status 0)", 4, "timed out 1"));
    assertThat(stats.latencyMs(99)).isCloseTo(1000, within(1.0));
  }

  @Test
  void runtimeErrorsAreNamedByTheirAwsCode() {
    ModelErrorException tooLong =
        (ModelErrorException)
            ModelErrorException.builder()
                .message("Received client error (422)")
                .statusCode(424)
                .originalStatusCode(422)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ModelError")
                        .errorMessage("Received client error (422)")
                        .build())
                .build();
    Outcome model = RuntimeSender.failure(Duration.ofMillis(3), new CompletionException(tooLong));
    assertThat(model.ok()).isFalse();
    assertThat(model.errorType()).isEqualTo("ModelError (container status 422)");
    assertThat(model.latency()).isEqualTo(Duration.ofMillis(3));

    ValidationErrorException noCapacity =
        (ValidationErrorException)
            ValidationErrorException.builder()
                .message("no capacity")
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ValidationError")
                        .errorMessage("Inference Component has no capacity")
                        .build())
                .build();
    Outcome validation = RuntimeSender.failure(Duration.ZERO, noCapacity);
    assertThat(validation.errorType()).isEqualTo("ValidationError (400)");
    assertThat(validation.errorMessage()).isEqualTo("Inference Component has no capacity");

    Outcome other =
        RuntimeSender.failure(Duration.ZERO, new java.io.IOException("connection reset"));
    assertThat(other.errorType()).isEqualTo("IOException");
    assertThat(other.errorMessage()).isEqualTo("connection reset");
  }
}
