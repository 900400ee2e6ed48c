package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.cli.chat.ChatMessage;
import dev.copyscale.cli.chat.ChatTemplate;
import dev.copyscale.cli.load.LoadTarget;
import dev.copyscale.cli.load.Outcome;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.traffic.Trace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code copyscale load} on the twin: the orchestrated Llama 3 example deployed at 09:40 and
 * InService at 10:00 (two copies, the burst alarm at 8 requests per copy in flight), then loaded.
 */
class LoadCommandTest {
  /** The world every test starts from: reset, deployed, 20 minutes on. */
  static byte[] deployedWorld;

  @TempDir static Path shared;
  @TempDir Path dir;

  @BeforeAll
  static void deployOnce() throws Exception {
    String world = shared.resolve("world.json").toString();
    assertThat(run("world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world).exitCode())
        .isZero();
    assertThat(
            run(
                    "invoke",
                    "deploy",
                    "--event",
                    RepoFiles.path("events/deploy-llama3-8b-orchestrated.json").toString(),
                    "--world",
                    world)
                .exitCode())
        .isZero();
    assertThat(run("world", "advance", "20m", "--world", world).exitCode()).isZero();
    deployedWorld = Files.readAllBytes(Path.of(world));
  }

  @BeforeEach
  void freshWorld() throws Exception {
    Files.write(world(), deployedWorld);
  }

  Path world() {
    return dir.resolve("world.json");
  }

  CliTest.Run load(String... args) {
    List<String> all = new ArrayList<>(List.of("load"));
    all.addAll(List.of(args));
    all.add("--world");
    all.add(world().toString());
    return run(all.toArray(String[]::new));
  }

  JsonNode loadJson(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    CliTest.Run run = load(all.toArray(String[]::new));
    assertThat(run.out()).as(run.err()).startsWith("{");
    return Json.mapper().readTree(run.out());
  }

  /**
   * Stands between the command and its target (the twin): records every body in the order sent, how
   * many requests were unanswered when each went out, and when each went out and was answered.
   */
  static final class Recording implements LoadTarget {
    final LoadTarget target;
    final List<String> bodies = new ArrayList<>();
    final List<Boolean> streams = new ArrayList<>();
    final List<Integer> unansweredAtSend = new ArrayList<>();
    final List<Instant> sentAt = new ArrayList<>();
    final List<Instant> answeredAt = new ArrayList<>();
    final BlockingQueue<Outcome> answers = new LinkedBlockingQueue<>();
    BlockingQueue<Outcome> driver;
    int unanswered;

    Recording(LoadTarget target) {
      this.target = target;
    }

    @Override
    public boolean aws() {
      return target.aws();
    }

    @Override
    public Clock clock() {
      return target.clock();
    }

    @Override
    public void send(String body, boolean stream, BlockingQueue<Outcome> done) {
      driver = done;
      bodies.add(body);
      streams.add(stream);
      unansweredAtSend.add(unanswered);
      sentAt.add(clock().instant());
      unanswered++;
      target.send(body, stream, answers);
    }

    @Override
    public void waitUntil(Instant at) throws InterruptedException {
      target.waitUntil(at);
      passAnswers();
    }

    @Override
    public void awaitOutcome(BlockingQueue<Outcome> done) throws InterruptedException {
      target.awaitOutcome(answers);
      passAnswers();
    }

    private void passAnswers() {
      Outcome o;
      while ((o = answers.poll()) != null) {
        unanswered--;
        answeredAt.add(clock().instant());
        driver.add(o);
      }
    }

    @Override
    public void close() {
      target.close();
    }
  }

  /** {@code copyscale load ARGS} with its target recorded. */
  CliTest.Run load(Recording[] recorded, String... args) {
    CommandLine cli = Main.commandLine(Path.of(""));
    ((LoadCommand) cli.getSubcommands().get("load").getCommand()).decorate =
        t -> recorded[0] = new Recording(t);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("load"));
    all.addAll(List.of(args));
    all.addAll(List.of("--world", world().toString()));
    int code = cli.execute(all.toArray(String[]::new));
    return new CliTest.Run(code, out.toString(), err.toString());
  }

  /**
   * What the seed tutorial sends, byte for byte (the Llama 3 template, no assistant header, no
   * do_sample).
   */
  static final String TUTORIAL_BODY =
      "{\"inputs\":\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n"
          + "\\n"
          + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\\n"
          + "\\n"
          + "What is deep learning?<|eot_id|>\","
          + "\"parameters\":{\"top_p\":0.6,\"temperature\":0.9,\"top_k\":50,\"max_new_tokens\":50,\"repetition_penalty\":1.03,\"return_full_text\":false}}";

  @Test
  void theTutorialSendsItsPayloadAHundredTimesOneAfterAnother() throws Exception {
    Recording[] recorded = new Recording[1];
    CliTest.Run run = load(recorded, "llama3-chat", "--tutorial", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Recording r = recorded[0];
    assertThat(r.bodies).hasSize(100).containsOnly(TUTORIAL_BODY);
    assertThat(r.streams).containsOnly(false);
    // One after another: nothing unanswered when a request leaves, and each leaves once the one
    // before has answered.
    assertThat(r.unansweredAtSend).containsOnly(0);
    assertThat(r.answeredAt).hasSize(100);
    for (int i = 1; i < 100; i++) {
      assertThat(r.sentAt.get(i)).as("request %d", i).isAfterOrEqualTo(r.answeredAt.get(i - 1));
    }
    JsonNode s = Json.mapper().readTree(run.out());
    assertThat(s.get("tutorial").asBoolean()).isTrue();
    assertThat(s.get("sent").asLong()).isEqualTo(100);
    assertThat(s.get("succeeded").asLong()).isEqualTo(100);
    // One request at a time never reaches the burst alarm's 8 a copy: the tutorial's loop does not
    // scale out.
    assertThat(s.get("copies").get("desired").asInt()).isLessThanOrEqualTo(2);

    Files.write(world(), deployedWorld);
    CliTest.Run human = load("llama3-chat", "--tutorial");
    assertThat(human.exitCode()).isZero();
    assertThat(human.out())
        .startsWith(
            "load llama3-chat --tutorial (twin, virtual time): 100 sent, 100 succeeded, 0 failed in"
                + " ");
  }

  @Test
  void withoutTutorialTheDefaultsAreCopyscalesNotTheTutorials() throws Exception {
    Recording[] recorded = new Recording[1];
    CliTest.Run run = load(recorded, "llama3-chat", "--requests", "40", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Recording r = recorded[0];
    // The same chat with the assistant header, Llama 3's own sampling with do_sample, 32 in flight.
    String defaults =
        "{\"inputs\":\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n"
            + "\\n"
            + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\\n"
            + "\\n"
            + "What is deep learning?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\\n"
            + "\\n"
            + "\",\"parameters\":{\"do_sample\":true,\"top_p\":0.9,\"temperature\":0.6,\"top_k\":50,\"max_new_tokens\":50,\"repetition_penalty\":1.03,\"return_full_text\":false}}";
    assertThat(r.bodies).hasSize(40).containsOnly(defaults);
    assertThat(r.unansweredAtSend).contains(31).doesNotContain(32);
    assertThat(Json.mapper().readTree(run.out()).get("tutorial").asBoolean()).isFalse();
  }

  @Test
  void tutorialRefusesEveryOptionThatContradictsItNamingIt() throws Exception {
    String trace = RepoFiles.path("examples/traces/azure-llm-conv-2023.csv").toString();
    Path messages = dir.resolve("chat.json");
    Files.writeString(messages, "[{\"role\": \"user\", \"content\": \"hi\"}]");
    refused(
        "--tutorial sends exactly what the tutorial sends; this option contradicts it:"
            + " --concurrency 4 (the tutorial: 1, one request after another). Drop it, or drop"
            + " --tutorial",
        "llama3-chat",
        "--tutorial",
        "--concurrency",
        "4");
    refused("--requests 50 (the tutorial: 100)", "llama3-chat", "--tutorial", "--requests", "50");
    refused(
        "--rate 2 (the tutorial: one request after another)",
        "llama3-chat",
        "--tutorial",
        "--rate",
        "2");
    refused(
        "--trace " + trace + " (the tutorial: one request after another, all alike)",
        "llama3-chat",
        "--tutorial",
        "--trace",
        trace);
    refused(
        "--duration 5m (the tutorial: 100 requests, however long they take)",
        "llama3-chat",
        "--tutorial",
        "--duration",
        "5m");
    refused(
        "--messages " + messages + " (the tutorial: its own chat)",
        "llama3-chat",
        "--tutorial",
        "--messages",
        messages.toString());
    refused(
        "--template llama3.1 (the tutorial: the model's own chat template)",
        "llama3-chat",
        "--tutorial",
        "--template",
        "llama3.1");
    refused(
        "--stream (the tutorial: InvokeEndpoint, no streaming)",
        "llama3-chat",
        "--tutorial",
        "--stream");
    refused(
        "--temperature 0.6 (the tutorial: 0.9)",
        "llama3-chat",
        "--tutorial",
        "--temperature",
        "0.6");
    refused("--top-p 0.9 (the tutorial: 0.6)", "llama3-chat", "--tutorial", "--top-p", "0.9");
    refused("--top-k 10 (the tutorial: 50)", "llama3-chat", "--tutorial", "--top-k", "10");
    refused(
        "--max-new-tokens 512 (the tutorial: 50)",
        "llama3-chat",
        "--tutorial",
        "--max-new-tokens",
        "512");
    refused(
        "--repetition-penalty 1.2 (the tutorial: 1.03)",
        "llama3-chat",
        "--tutorial",
        "--repetition-penalty",
        "1.2");
    refused("--no-sample (the tutorial: no do_sample)", "llama3-chat", "--tutorial", "--no-sample");
    refused(
        "--return-full-text (the tutorial: return_full_text false)",
        "llama3-chat",
        "--tutorial",
        "--return-full-text");
    // All of them at once, each named.
    refused(
        "these options contradict it: --stream (the tutorial: InvokeEndpoint, no streaming),"
            + " --top-p 0.9 (the tutorial: 0.6). Drop them",
        "llama3-chat",
        "--tutorial",
        "--top-p",
        "0.9",
        "--stream");
  }

  @Test
  void tutorialAcceptsItsOwnValuesAndOptionsThatChangeNothingSent() throws Exception {
    Recording[] recorded = new Recording[1];
    CliTest.Run run =
        load(
            recorded,
            "llama3-chat",
            "--tutorial",
            "--requests",
            "100",
            "--concurrency",
            "1",
            "--top-p",
            "0.60",
            "--temperature",
            "0.9",
            "--top-k",
            "50",
            "--max-new-tokens",
            "50",
            "--repetition-penalty",
            "1.03",
            "--seed",
            "7",
            "--no-progress",
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(recorded[0].bodies).hasSize(100).containsOnly(TUTORIAL_BODY);
    assertThat(recorded[0].unansweredAtSend).containsOnly(0);
  }

  JsonNode component() throws Exception {
    JsonNode shown =
        Json.mapper().readTree(run("world", "show", "--world", world().toString()).out());
    return shown.get("inferenceComponents").get(0);
  }

  @Test
  void aHundredRequestsTriggerTheBurstAlarmAndScaleUp() throws Exception {
    assertThat(component().get("RuntimeConfig").get("DesiredCopyCount").asInt()).isEqualTo(2);
    CliTest.Run run = load("llama3-chat", "--requests", "100");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("load llama3-chat (twin, virtual time): 100 sent, 100 succeeded, 0 failed in ");
    assertThat(run.out())
        .containsPattern(
            "latency p50/p95/p99 +[\\d,.]+ (ms|s) / [\\d,.]+ (ms|s) / [\\d,.]+ (ms|s)");
    assertThat(run.out()).containsPattern("throughput +\\d+\\.\\d\\d requests/s");
    assertThat(run.out()).contains("errors                   none");
    // The alarm sees the run's last 10-second datapoint once it is ingested, evaluated and
    // delivered: just after the run.
    JsonNode after = activitiesAfterAMinute();
    assertThat(run("activities", "llama3-chat", "--world", world().toString()).out())
        .containsPattern(
            "  SCALED     2 → [3-8]   \\S+  alarm copyscale-llama3-chat-burst in state ALARM"
                + " triggered policy");
    assertThat(scaledOut(after)).isTrue();
    assertThat(component().get("RuntimeConfig").get("DesiredCopyCount").asInt()).isGreaterThan(2);
  }

  @Test
  void theJsonSummary() throws Exception {
    JsonNode s = loadJson("llama3-chat", "--requests", "100");
    assertThat(s.get("deployment").asText()).isEqualTo("llama3-chat");
    assertThat(s.get("target").asText()).isEqualTo("twin");
    assertThat(s.get("stopped").asBoolean()).isFalse();
    assertThat(s.get("sent").asLong()).isEqualTo(100);
    assertThat(s.get("succeeded").asLong()).isEqualTo(100);
    assertThat(s.get("failed").asLong()).isZero();
    assertThat(s.get("unfinished").asLong()).isZero();
    JsonNode latency = s.get("latencyMs");
    assertThat(latency.fieldNames()).toIterable().containsExactly("p50", "p95", "p99");
    assertThat(latency.get("p50").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(latency.get("p95").asDouble());
    assertThat(latency.get("p95").asDouble()).isLessThanOrEqualTo(latency.get("p99").asDouble());
    assertThat(latency.get("p99").asDouble()).isLessThan(60_000);
    assertThat(s.path("ttftMs").isObject()).as("no time to first token without --stream").isFalse();
    double elapsed = s.get("elapsedSeconds").asDouble();
    assertThat(
            Duration.between(
                        Instant.parse(s.get("start").asText()),
                        Instant.parse(s.get("end").asText()))
                    .toMillis()
                / 1000.0)
        .isCloseTo(elapsed, within(0.001));
    assertThat(s.get("start").asText()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(s.get("throughputPerSecond").asDouble()).isCloseTo(100 / elapsed, within(0.01));
    assertThat(s.get("errors")).isEmpty();
    assertThat(s.get("activities").isArray()).isTrue();
    assertThat(component().get("RuntimeConfig").get("DesiredCopyCount").asInt())
        .isEqualTo(s.get("copies").get("desired").asInt());
    JsonNode burst = null;
    for (JsonNode a : activitiesAfterAMinute().get("activities")) {
      if (a.get("cause").asText().contains("alarm copyscale-llama3-chat-burst in state ALARM")) {
        burst = a;
      }
    }
    assertThat(burst).isNotNull();
    assertThat(burst.get("outcome").asText()).isEqualTo("SCALED");
    assertThat(burst.get("from").asInt()).isEqualTo(2);
    assertThat(burst.get("to").asInt())
        .isGreaterThan(2)
        .isEqualTo(component().get("RuntimeConfig").get("DesiredCopyCount").asInt());
  }

  @Test
  void moreConcurrencyMeansBiggerBatchesAndSlowerRequests() throws Exception {
    JsonNode few = loadJson("llama3-chat", "--concurrency", "4", "--requests", "40");
    Files.write(world(), deployedWorld);
    JsonNode many = loadJson("llama3-chat", "--concurrency", "64", "--requests", "200");
    assertThat(few.get("succeeded").asLong()).isEqualTo(40);
    assertThat(many.get("succeeded").asLong()).isEqualTo(200);
    // A decode step reads the weights once for the whole batch, so 32 short chats a copy instead
    // of 2 cost each request only the KV cache it adds and the prefills that pause the batch ...
    assertThat(many.get("latencyMs").get("p50").asDouble())
        .isGreaterThan(few.get("latencyMs").get("p50").asDouble() * 1.15);
    // ... and give many times the throughput, the point of batching.
    assertThat(many.get("throughputPerSecond").asDouble())
        .isGreaterThan(few.get("throughputPerSecond").asDouble() * 5);
    // Four in flight on two copies never reach 8 a copy; 64 do.
    assertThat(few.get("copies").get("desired").asInt()).isEqualTo(2);
    assertThat(scaledOut(activitiesAfterAMinute())).isTrue();
  }

  /**
   * The deployment's activities once the world ran one more minute: alarm state changes the run
   * caused arrive after its last datapoint.
   */
  private JsonNode activitiesAfterAMinute() throws Exception {
    assertThat(run("world", "advance", "1m", "--world", world().toString()).exitCode()).isZero();
    return Json.mapper()
        .readTree(run("activities", "llama3-chat", "--json", "--world", world().toString()).out());
  }

  /**
   * Whether the load made copyscale decide more copies: done, or in progress while a new instance
   * provisions (SageMaker takes the copies once the endpoint is InService again).
   */
  static boolean scaledOut(JsonNode summary) {
    for (JsonNode a : summary.get("activities")) {
      if ((a.get("outcome").asText().equals("SCALED")
              || a.get("outcome").asText().equals("PENDING"))
          && a.get("to").asInt() > a.get("from").asInt()) {
        return true;
      }
    }
    return false;
  }

  @Test
  void openLoopAtARateForADuration() throws Exception {
    JsonNode s = loadJson("llama3-chat", "--rate", "2", "--duration", "60s");
    long sent = s.get("sent").asLong();
    assertThat(sent).isBetween(84L, 156L);
    assertThat(s.get("succeeded").asLong()).isEqualTo(sent);
    // Nothing is sent after 60 s; the run ends when the last request is answered.
    double elapsed = s.get("elapsedSeconds").asDouble();
    double p99 = s.get("latencyMs").get("p99").asDouble() / 1000;
    assertThat(elapsed).isGreaterThan(59).isLessThan(60 + p99 + 0.1);
    assertThat(s.get("throughputPerSecond").asDouble()).isCloseTo(sent / elapsed, within(0.01));
  }

  @Test
  void streamingMeasuresTimeToFirstToken() throws Exception {
    JsonNode s = loadJson("llama3-chat", "--stream", "--requests", "40", "--concurrency", "8");
    assertThat(s.get("succeeded").asLong()).isEqualTo(40);
    JsonNode ttft = s.get("ttftMs");
    assertThat(ttft.isObject()).isTrue();
    assertThat(ttft.get("p50").asDouble())
        .isPositive()
        .isLessThan(s.get("latencyMs").get("p50").asDouble());
    assertThat(ttft.get("p99").asDouble()).isLessThan(s.get("latencyMs").get("p99").asDouble());
    assertThat(s.get("outputTokensPerSecond").asDouble()).isPositive();

    Files.write(world(), deployedWorld);
    CliTest.Run human = load("llama3-chat", "--stream", "--requests", "10");
    assertThat(human.exitCode()).isZero();
    assertThat(human.out())
        .containsPattern("time to first token +[\\d,.]+ ms / ")
        .containsPattern("requests/s, [\\d.]+ output tokens/s");
  }

  @Test
  void aTraceReplaysAndPromptsOverMaxInputLengthFailWith422() throws Exception {
    Path file = RepoFiles.path("examples/traces/azure-llm-conv-2023.csv");
    JsonNode s =
        loadJson("llama3-chat", "--trace", file.toString(), "--speedup", "60", "--requests", "300");
    assertThat(s.get("sent").asLong()).isEqualTo(300);
    assertThat(s.get("succeeded").asLong() + s.get("failed").asLong()).isEqualTo(300);

    // The prompts TGI refuses: over MAX_INPUT_LENGTH 2048, or with the output over MAX_TOTAL_TOKENS
    // 4096 (the twin counts 4 characters a token).
    Trace trace = Trace.azure(file);
    ChatTemplate llama3 = ChatTemplate.builtIn("llama3");
    long tooLong = 0;
    for (int i = 0; i < 300; i++) {
      int prompt =
          (int)
              Math.ceil(
                  llama3
                          .render(
                              List.of(ChatMessage.user(LoadCommand.filler(trace.promptTokens(i)))))
                          .length()
                      / 4.0);
      tooLong += prompt > 2048 || prompt + Math.max(1, trace.outputTokens(i)) > 4096 ? 1 : 0;
    }
    assertThat(tooLong).isBetween(1L, 100L);
    JsonNode invalid = null;
    for (JsonNode e : s.get("errors")) {
      if (e.get("type").asText().equals("ModelError (container status 422)")) {
        invalid = e;
      }
    }
    assertThat(invalid).as(s.get("errors").toString()).isNotNull();
    assertThat(invalid.get("count").asLong()).isEqualTo(tooLong);
    assertThat(invalid.get("example").asText())
        .contains("Input validation error: `inputs` must have less than 2048 tokens. Given: ");
    // The rest of the failures are the 60-second invocation timeout: the trace at 60 times its
    // speed floods two copies.
    long others = 0;
    for (JsonNode e : s.get("errors")) {
      if (e != invalid) {
        assertThat(e.get("type").asText()).isEqualTo("ModelError (container status 0)");
        assertThat(e.get("example").asText()).contains("Your invocation timed out");
        others += e.get("count").asLong();
      }
    }
    assertThat(s.get("failed").asLong()).isEqualTo(tooLong + others);
    assertThat(scaledOut(s)).as(s.get("activities").toString()).isTrue();

    Files.write(world(), deployedWorld);
    CliTest.Run human =
        load("llama3-chat", "--trace", file.toString(), "--speedup", "60", "--requests", "300");
    assertThat(human.exitCode()).isEqualTo(1);
    assertThat(human.out())
        .containsPattern(
            "\\n +"
                + tooLong
                + "  ModelError \\(container status 422\\): Received client error \\(422\\)");
  }

  @Test
  void theMessagesFileAndParametersReachTheTwin() throws Exception {
    // A user message of 9000 characters is over MAX_INPUT_LENGTH: the 422 names the prompt's size,
    // so the body carried the file's chat.
    String question = "x".repeat(9000);
    Path messages = dir.resolve("messages.json");
    Files.writeString(
        messages,
        Json.compact(
            List.of(
                java.util.Map.of("role", "system", "content", "Be brief."),
                java.util.Map.of("role", "user", "content", question))));
    int tokens =
        (int)
            Math.ceil(
                ChatTemplate.builtIn("llama3")
                        .render(
                            List.of(ChatMessage.system("Be brief."), ChatMessage.user(question)))
                        .length()
                    / 4.0);
    JsonNode s = loadJson("llama3-chat", "--messages", messages.toString(), "--requests", "5");
    assertThat(s.get("failed").asLong()).isEqualTo(5);
    assertThat(s.get("errors")).hasSize(1);
    assertThat(s.get("errors").get(0).get("type").asText())
        .isEqualTo("ModelError (container status 422)");
    assertThat(s.get("errors").get(0).get("example").asText()).contains("Given: " + tokens + "\"");

    // --max-new-tokens goes into the parameters: the default chat plus 4090 new tokens is over
    // MAX_TOTAL_TOKENS 4096.
    Files.write(world(), deployedWorld);
    JsonNode total = loadJson("llama3-chat", "--max-new-tokens", "4090", "--requests", "3");
    assertThat(total.get("failed").asLong()).isEqualTo(3);
    assertThat(total.get("errors").get(0).get("example").asText())
        .contains("must be <= 4096", "and 4090 `max_new_tokens`");
  }

  @Test
  void withNoCopyEveryRequestIsRefusedForCapacity() throws Exception {
    // Bounds [0, 0]: copies go to zero and the from-zero policy cannot bring them back.
    assertThat(
            run(
                    "invoke",
                    "scheduled-scaling",
                    "--event",
                    RepoFiles.path("events/schedule-scale-to-zero.json").toString(),
                    "--world",
                    world().toString())
                .exitCode())
        .isZero();
    assertThat(run("world", "advance", "5m", "--world", world().toString()).exitCode()).isZero();
    assertThat(component().get("RuntimeConfig").get("CurrentCopyCount").asInt()).isZero();

    CliTest.Run human = load("llama3-chat", "--requests", "10");
    assertThat(human.exitCode()).isEqualTo(1);
    assertThat(human.out())
        .contains(
            "10 sent, 0 succeeded, 10 failed",
            "latency p50/p95/p99      - / - / -",
            "    10  ValidationError (400): Inference Component has no capacity to process this"
                + " request.");

    JsonNode s = loadJson("llama3-chat", "--requests", "10");
    assertThat(s.get("succeeded").asLong()).isZero();
    assertThat(s.get("latencyMs").get("p50").isNull()).isTrue();
    assertThat(s.get("errors")).hasSize(1);
    assertThat(s.get("errors").get(0).get("type").asText()).isEqualTo("ValidationError (400)");
    assertThat(s.get("errors").get(0).get("count").asLong()).isEqualTo(10);
    assertThat(s.get("errors").get(0).get("example").asText())
        .contains("Inference Component has no capacity to process this request");
  }

  /**
   * Exit 2, the message names the problem, nothing sent: the world file is byte for byte what it
   * was.
   */
  void refused(String message, String... args) throws Exception {
    byte[] before = Files.readAllBytes(world());
    CliTest.Run run = load(args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message);
    assertThat(run.out()).isEmpty();
    assertThat(Files.readAllBytes(world()))
        .as("world file after " + String.join(" ", args))
        .isEqualTo(before);
  }

  @Test
  void badInputIsRefusedBeforeAnyRequest() throws Exception {
    refused("unknown deployment \"no-such\"", "no-such");
    Path notJson = dir.resolve("not-json.json");
    Files.writeString(notJson, "You are a helpful assistant.");
    refused(
        "--messages: " + notJson + ": not valid JSON",
        "llama3-chat",
        "--messages",
        notJson.toString());
    Path bot = dir.resolve("bot.json");
    Files.writeString(
        bot,
        "[{\"role\": \"system\", \"content\": \"hi\"}, {\"role\": \"bot\", \"content\":"
            + " \"hello\"}]");
    refused(
        "[1].role must be one of system, user, assistant, was \"bot\"",
        "llama3-chat",
        "--messages",
        bot.toString());
    refused("no such file", "llama3-chat", "--messages", dir.resolve("missing.json").toString());
    refused("--speedup applies only with --trace", "llama3-chat", "--speedup", "60");
    refused("mutually exclusive", "llama3-chat", "--concurrency", "4", "--rate", "2");
    refused(
        "mutually exclusive",
        "llama3-chat",
        "--rate",
        "2",
        "--trace",
        RepoFiles.path("examples/traces/azure-llm-conv-2023.csv").toString());
    refused("top_p must be > 0.0 and < 1.0", "llama3-chat", "--top-p", "1.5");
    refused("max_new_tokens must be at least 1, was 0", "llama3-chat", "--max-new-tokens", "0");
    refused("temperature must be strictly positive", "llama3-chat", "--temperature", "0");
    refused(
        "chat template no-such-template is neither a shipped one (llama3, llama3.1, mistral,"
            + " mistral-v0.3) nor a file",
        "llama3-chat",
        "--template",
        "no-such-template");
    refused(
        "--trace: no such file", "llama3-chat", "--trace", dir.resolve("missing.csv").toString());
    refused(
        "--speedup must be positive",
        "llama3-chat",
        "--trace",
        RepoFiles.path("examples/traces/azure-llm-conv-2023.csv").toString(),
        "--speedup",
        "0");
  }

  @Test
  void paceOutOfRangeIsRefusedBeforeAnyRequest() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          refused("--concurrency", "llama3-chat", "--concurrency", "0", "--requests", "3");
          refused("--concurrency", "llama3-chat", "--concurrency", "-2", "--requests", "3");
          refused("--rate", "llama3-chat", "--rate", "0", "--requests", "3");
          refused("--rate", "llama3-chat", "--rate", "-1", "--requests", "3");
          refused("--rate", "llama3-chat", "--rate", "NaN", "--requests", "3");
        });
  }

  @Test
  void awsWithoutCredentialsIsRefusedBeforeAnyRequest() throws Exception {
    for (String variable :
        List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_CONFIG_FILE")) {
      Assumptions.assumeTrue(
          System.getenv(variable) == null,
          "the environment sets " + variable + ": AWS credentials may be found");
    }
    Assumptions.assumeTrue(System.getProperty("aws.accessKeyId") == null, "aws.accessKeyId is set");
    Path home = Path.of(System.getProperty("user.home"), ".aws");
    Assumptions.assumeFalse(
        Files.exists(home.resolve("credentials")) || Files.exists(home.resolve("config")),
        "~/.aws has credentials or a config");
    String region = System.getProperty("aws.region");
    String imds = System.getProperty("aws.disableEc2Metadata");
    // A region, so the credentials are what is missing; no instance metadata (an EC2 host's role
    // would be credentials).
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.disableEc2Metadata", "true");
    try {
      refused("--aws: no AWS credentials found", "llama3-chat", "--aws");
    } finally {
      restore("aws.region", region);
      restore("aws.disableEc2Metadata", imds);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
