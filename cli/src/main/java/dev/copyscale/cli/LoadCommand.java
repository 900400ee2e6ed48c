package dev.copyscale.cli;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.cli.chat.ChatMessage;
import dev.copyscale.cli.chat.ChatMessages;
import dev.copyscale.cli.chat.ChatTemplate;
import dev.copyscale.cli.chat.TgiRequest;
import dev.copyscale.cli.load.LoadDriver;
import dev.copyscale.cli.load.LoadStats;
import dev.copyscale.cli.load.LoadTarget;
import dev.copyscale.cli.load.Tutorial;
import dev.copyscale.cli.load.TwinTarget;
import dev.copyscale.cli.report.Units;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.traffic.TraceLimits;
import dev.copyscale.twin.world.TwinWorld;
import dev.copyscale.twin.world.WorldFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Sends chat requests to a deployment in the twin or on AWS and reports latency, errors and"
          + " scaling.",
      "It sends TGI requests rendered with the model's own chat template, closed loop"
          + " (--concurrency) or open loop (--rate, --trace), against the twin world (virtual time:"
          + " alarms fire and copies scale while it runs) or a real endpoint (--aws). Prints"
          + " latency percentiles, throughput, errors by type and the scaling activities of the"
          + " run. Ctrl-C stops it with the summary so far.",
      "Without --tutorial it sends copyscale's load defaults (32 in flight, temperature 0.6, top_p"
          + " 0.9, do_sample, the generation prompt), which are not the seed tutorial's; --tutorial"
          + " sends exactly what the tutorial sends: its payload, 100 requests, one after another."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every request succeeded",
      "1:some requests failed or the run was stopped",
      "2:usage error (nothing was sent)"
    })
final class LoadCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Parameters(paramLabel = "DEPLOYMENT", description = "the deployment's name (the spec's name)")
  String deployment;

  @Mixin WorldOptions where;

  @Option(
      names = "--tutorial",
      description =
          "send exactly what the seed tutorial sends: its chat without the generation prompt,"
              + " {top_p 0.6, temperature 0.9, top_k 50, max_new_tokens 50, repetition_penalty"
              + " 1.03, return_full_text false} and no do_sample, 100 requests one after another;"
              + " options that would change any of it are refused")
  boolean tutorial;

  @Option(
      names = "--requests",
      paramLabel = "N",
      description =
          "send N requests (default: 100, or unbounded with --duration; with --trace the whole"
              + " trace, at most)")
  Integer requests;

  static final class Pace {
    @Option(
        names = "--concurrency",
        paramLabel = "C",
        description =
            "closed loop: C requests in flight (default: 32, about the measured throughput peak of"
                + " one TGI copy; --tutorial: 1)")
    Integer concurrency;

    @Option(
        names = "--rate",
        paramLabel = "R",
        description = "open loop: R requests per second, Poisson arrivals")
    Double rate;

    @Option(
        names = "--trace",
        paramLabel = "FILE",
        description =
            "open loop: replay an Azure-format trace (its arrival times, prompt and output"
                + " lengths)")
    Path trace;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Pace pace = new Pace();

  @Option(
      names = "--speedup",
      paramLabel = "K",
      description = "with --trace: play it K times as fast (default: 1)")
  double speedup = 1;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "stop sending after this long (e.g. 90s, 10m)")
  Duration duration;

  @Option(
      names = "--messages",
      paramLabel = "FILE",
      description =
          "the chat (JSON: [{\"role\": \"system\"|\"user\"|\"assistant\", \"content\": ...}]);"
              + " default: a system prompt and one question, rendered with the generation prompt")
  Path messages;

  @Option(
      names = "--template",
      paramLabel = "NAME|FILE",
      description =
          "chat template: a shipped one (${COMPLETION-CANDIDATES}) or a .jinja /"
              + " tokenizer_config.json file (default: the model's)",
      completionCandidates = TemplateNames.class)
  String template;

  @Option(
      names = "--stream",
      description = "InvokeEndpointWithResponseStream, measuring time to first token")
  boolean stream;

  @Option(
      names = "--max-new-tokens",
      paramLabel = "N",
      description = "default: ${DEFAULT-VALUE} (--tutorial: 50)")
  int maxNewTokens = TgiRequest.Parameters.DEFAULT_MAX_NEW_TOKENS;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description = "default: ${DEFAULT-VALUE} (--tutorial: 0.9)")
  double temperature = TgiRequest.Parameters.DEFAULT_TEMPERATURE;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      description = "default: ${DEFAULT-VALUE} (--tutorial: 0.6)")
  double topP = TgiRequest.Parameters.DEFAULT_TOP_P;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      description = "default: ${DEFAULT-VALUE} (--tutorial: 50)")
  int topK = TgiRequest.Parameters.DEFAULT_TOP_K;

  @Option(
      names = "--repetition-penalty",
      paramLabel = "R",
      description = "default: ${DEFAULT-VALUE} (--tutorial: 1.03)")
  double repetitionPenalty = TgiRequest.Parameters.DEFAULT_REPETITION_PENALTY;

  @Option(
      names = "--no-sample",
      description =
          "greedy decoding (do_sample false; the default sends do_sample true, --tutorial none)")
  boolean noSample;

  @Option(names = "--return-full-text", description = "return the prompt with the answer")
  boolean returnFullText;

  @Option(
      names = "--serving",
      paramLabel = "FILE",
      description =
          "twin only: a measured serving table to serve with (default: the deployment spec's"
              + " scaling.slo.servingProfile, else the serving model derived from the model's and"
              + " GPUs' figures, docs/simulation.md)")
  Path serving;

  @Option(
      names = "--model-config",
      paramLabel = "FILE",
      description =
          "twin only: the model's Hugging Face config.json, the figures its copies serve with"
              + " (instead of the spec's component.model or the catalog's)")
  Path modelConfig;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "twin routing and --rate arrivals (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--json", description = "print the summary as JSON")
  boolean json;

  @Option(
      names = "--no-progress",
      description = "no progress line (it only shows on a terminal anyway)")
  boolean noProgress;

  /** The most requests in flight: 1,000 copies (a deployment's most) with 10 each. */
  static final int MAX_CONCURRENCY = 10_000;

  /** The longest run: a load test is minutes to hours. */
  static final Duration MAX_DURATION = Duration.ofDays(1);

  /** Requests sent without --requests, --duration or --trace (the tutorial's count too). */
  static final int DEFAULT_REQUESTS = 100;

  /**
   * Closed-loop requests in flight without --concurrency: about where one TGI copy's throughput
   * peaks.
   */
  static final int DEFAULT_CONCURRENCY = 32;

  /**
   * What the run sends goes through this (tests wrap the target to see every body and when it
   * went).
   */
  UnaryOperator<LoadTarget> decorate = UnaryOperator.identity();

  static final class TemplateNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return ChatTemplate.builtInNames().iterator();
    }
  }

  /** The twin world, locked from the first request's read to the summary's write. */
  private WorldFile locked;

  @Override
  public Integer call() throws Exception {
    try {
      return send();
    } finally {
      if (locked != null) {
        locked.close();
      }
    }
  }

  private Integer send() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    // Everything that can be wrong is checked before the first request.
    if (tutorial) {
      checkTutorial();
    }
    TgiRequest.Parameters parameters = tutorial ? Tutorial.PARAMETERS : parameters();
    List<ChatMessage> chat = tutorial ? Tutorial.messages() : chat();
    boolean generationPrompt = tutorial ? Tutorial.ADD_GENERATION_PROMPT : true;
    Trace trace = trace();
    DeployedEndpoint endpoint = DeployedEndpoint.open(commandSpec, where, deployment, "");
    locked = endpoint.locked();
    StateStore store = endpoint.store();
    TwinWorld world = endpoint.world();
    DeploymentSpec spec = endpoint.spec();
    ChatTemplate chatTemplate = chatTemplate(spec);
    String chatPrompt = chatTemplate.render(chat, generationPrompt);
    int concurrency =
        pace.concurrency != null
            ? pace.concurrency
            : tutorial ? Tutorial.CONCURRENCY : DEFAULT_CONCURRENCY;
    checkBounds(concurrency);
    LoadDriver.Pace drive =
        pace.rate != null
            ? new LoadDriver.Open(pace.rate, seed)
            : trace != null
                ? new LoadDriver.Replay(offsets(trace))
                : new LoadDriver.Closed(concurrency);
    int count =
        requests != null
            ? requests
            : trace != null
                ? trace.size()
                : duration != null ? (int) TraceLimits.MAX_REQUESTS : DEFAULT_REQUESTS;
    IntFunction<String> body =
        trace == null
            ? i -> TgiRequest.of(chatPrompt, parameters).withStream(stream).toJson()
            : i ->
                TgiRequest.of(
                        chatTemplate.render(
                            List.of(
                                ChatMessage.user(filler(trace.promptTokens(i % trace.size()))))),
                        parameters.withMaxNewTokens(
                            Math.max(1, trace.outputTokens(i % trace.size()))))
                    .withStream(stream)
                    .toJson();

    DeployedEndpoint.Target reached =
        endpoint.target(() -> concurrency, modelConfig, serving, seed);
    StringWriter functionLog = reached.functionLog();
    TwinTarget twin = reached.twin();
    Serving served = reached.served();
    LoadTarget target = decorate.apply(reached.target());
    Instant start = target.clock().instant();
    CtrlC ctrlC = CtrlC.watch("copyscale-load-stop");
    try {
      AtomicLong sent = new AtomicLong();
      AtomicLong finished = new AtomicLong();
      Duration planned = planned(trace, duration);
      int bound = count;
      Progress bar =
          Progress.onTerminal(
              "load " + deployment,
              "/s",
              !noProgress && !json,
              () ->
                  status(
                      Duration.between(start, target.clock().instant()),
                      planned,
                      sent.get(),
                      finished.get(),
                      bound,
                      drive instanceof LoadDriver.Closed));
      LoadStats stats;
      try (target) {
        stats =
            LoadDriver.run(
                target,
                new LoadDriver.Plan(drive, count, duration, stream, body),
                ctrlC::pressed,
                (s, f) -> {
                  sent.set(s);
                  finished.set(f);
                });
        if (twin != null) {
          twin.finishPeriod();
        }
      } finally {
        if (bar != null) {
          bar.close();
        }
      }
      List<ActivitiesCommand.Activity> activities;
      Map<String, Object> copies = new LinkedHashMap<>();
      if (where.aws) {
        activities = ActivitiesCommand.list(spec, store, Clients.real().autoScaling(), start);
      } else {
        activities = ActivitiesCommand.list(spec, store, world.autoScaling(), start);
        Instant now = world.clock().instant();
        copies.putAll(copies(world, spec.component().name(), now));
        copies.put("at", now);
        if (spec.shared()) {
          // Every component of the endpoint, the one the load went to and its siblings.
          Map<String, Object> each = new LinkedHashMap<>();
          List<ResourceNames> names = ResourceNames.ofEach(spec);
          for (int i = 0; i < names.size(); i++) {
            each.put(spec.components().get(i).name(), copies(world, names.get(i).component(), now));
          }
          copies.put("components", each);
        }
        locked.save(world);
      }
      if (!functionLog.toString().isEmpty()) {
        err.print(functionLog);
      }
      print(out, spec, stats, activities, copies, served, ctrlC.pressed());
      out.flush();
      err.flush();
      return stats.failed() == 0 && !ctrlC.pressed() ? 0 : 1;
    } finally {
      ctrlC.close();
    }
  }

  /**
   * --tutorial sends exactly the tutorial's requests, so an option that would change what is sent,
   * how many or how fast is refused, naming it; the same value as the tutorial's is accepted. Where
   * the load goes (--world, --aws, --serving, --seed) and how the summary looks are free.
   */
  private void checkTutorial() {
    CommandLine.ParseResult parsed = commandSpec.commandLine().getParseResult();
    List<String> contradicting = new ArrayList<>();
    unlessEqual(parsed, contradicting, "--requests", Tutorial.REQUESTS, "100");
    unlessEqual(
        parsed,
        contradicting,
        "--concurrency",
        Tutorial.CONCURRENCY,
        "1, one request after another");
    always(parsed, contradicting, "--rate", "one request after another");
    always(parsed, contradicting, "--trace", "one request after another, all alike");
    always(parsed, contradicting, "--speedup", "no trace");
    always(parsed, contradicting, "--duration", "100 requests, however long they take");
    always(parsed, contradicting, "--messages", "its own chat");
    always(parsed, contradicting, "--template", "the model's own chat template");
    always(parsed, contradicting, "--stream", "InvokeEndpoint, no streaming");
    unlessEqual(
        parsed, contradicting, "--max-new-tokens", Tutorial.PARAMETERS.maxNewTokens(), "50");
    unlessEqual(parsed, contradicting, "--temperature", Tutorial.PARAMETERS.temperature(), "0.9");
    unlessEqual(parsed, contradicting, "--top-p", Tutorial.PARAMETERS.topP(), "0.6");
    unlessEqual(parsed, contradicting, "--top-k", Tutorial.PARAMETERS.topK(), "50");
    unlessEqual(
        parsed,
        contradicting,
        "--repetition-penalty",
        Tutorial.PARAMETERS.repetitionPenalty(),
        "1.03");
    always(parsed, contradicting, "--no-sample", "no do_sample");
    always(parsed, contradicting, "--return-full-text", "return_full_text false");
    if (!contradicting.isEmpty()) {
      boolean one = contradicting.size() == 1;
      throw usage(
          "--tutorial sends exactly what the tutorial sends; "
              + (one ? "this option contradicts" : "these options contradict")
              + " it: "
              + String.join(", ", contradicting)
              + ". Drop "
              + (one ? "it" : "them")
              + ", or drop --tutorial to send copyscale's load with your options.");
    }
  }

  /** An option that, given at all, changes what the tutorial sends. */
  private static void always(
      CommandLine.ParseResult parsed, List<String> contradicting, String option, String tutorials) {
    if (parsed.hasMatchedOption(option)) {
      CommandLine.Model.OptionSpec matched = parsed.matchedOption(option);
      String value =
          matched.arity().max() == 0 ? "" : " " + String.join(" ", matched.stringValues());
      contradicting.add(option + value + " (the tutorial: " + tutorials + ")");
    }
  }

  /** An option that changes what the tutorial sends unless it is given the tutorial's own value. */
  private static void unlessEqual(
      CommandLine.ParseResult parsed,
      List<String> contradicting,
      String option,
      Object value,
      String tutorials) {
    if (parsed.hasMatchedOption(option) && !value.equals(parsed.matchedOptionValue(option, null))) {
      contradicting.add(
          option
              + " "
              + String.join(" ", parsed.matchedOption(option).stringValues())
              + " (the tutorial: "
              + tutorials
              + ")");
    }
  }

  /** Pacing and bounds that could never send, or never stop. */
  private void checkBounds(int concurrency) {
    if (concurrency < 1) {
      throw usage("--concurrency must be at least 1, got " + concurrency);
    }
    if (pace.rate != null && !(pace.rate >= 0.001 && pace.rate <= 1_000_000)) {
      throw usage("--rate must be between 0.001 and 1000000 requests per second, got " + pace.rate);
    }
    if (concurrency > MAX_CONCURRENCY) {
      throw usage(
          "--concurrency must be at most "
              + MAX_CONCURRENCY
              + " (1,000 copies, the most a deployment has, with 10 requests in flight each), got "
              + concurrency);
    }
    if (requests != null && (requests < 1 || requests > TraceLimits.MAX_REQUESTS)) {
      throw usage(
          "--requests must be between 1 and "
              + TraceLimits.MAX_REQUESTS
              + " (one run's most; run again for more), got "
              + requests);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw usage("--duration must be positive, got " + duration);
    }
    if (duration != null && duration.compareTo(MAX_DURATION) > 0) {
      throw usage(
          "--duration must be at most 24h (a load run is minutes to hours; run again for more), got"
              + " "
              + Durations.describe(duration));
    }
    if (pace.rate != null
        && requests == null
        && duration != null
        && pace.rate * duration.toSeconds() > TraceLimits.MAX_REQUESTS) {
      throw usage(
          String.format(
              java.util.Locale.ROOT,
              "--rate %s for %s is about %,.0f requests, more than the %,d one run may send; lower"
                  + " either, or give --requests",
              pace.rate,
              Durations.describe(duration),
              pace.rate * duration.toSeconds(),
              TraceLimits.MAX_REQUESTS));
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(commandSpec.commandLine(), message);
  }

  private TgiRequest.Parameters parameters() {
    try {
      return TgiRequest.Parameters.defaults()
          .withDoSample(!noSample)
          .withTopP(topP)
          .withTemperature(temperature)
          .withTopK(topK)
          .withMaxNewTokens(maxNewTokens)
          .withRepetitionPenalty(repetitionPenalty)
          .withReturnFullText(returnFullText);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private List<ChatMessage> chat() {
    if (messages == null) {
      return ChatMessages.defaultConversation();
    }
    try {
      return ChatMessages.read(messages);
    } catch (IllegalArgumentException e) {
      throw usage("--messages: " + e.getMessage());
    }
  }

  private Trace trace() {
    if (pace.trace == null) {
      if (speedup != 1) {
        throw usage("--speedup applies only with --trace");
      }
      return null;
    }
    if (!(speedup > 0)) {
      throw usage("--speedup must be positive, got " + speedup);
    }
    // examples/traces/... comes from the jar when not in the working directory, as for simulate.
    Path file = Bundled.resolve(commandSpec, pace.trace);
    if (!Files.isRegularFile(file)) {
      throw usage("--trace: no such file: " + pace.trace);
    }
    try {
      return Trace.azure(file);
    } catch (IllegalArgumentException e) {
      throw usage("--trace: " + e.getMessage());
    }
  }

  private long[] offsets(Trace trace) {
    long[] offsets = new long[trace.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = Math.round(trace.arrivalMicros(i) / speedup);
    }
    return offsets;
  }

  /**
   * About {@code tokens} tokens of filler for a trace's prompt length (" tok" is one token for
   * Llama's and Mistral's tokenizers).
   */
  static String filler(int tokens) {
    return "Repeat after me:" + " tok".repeat(Math.max(0, tokens - 4));
  }

  /** Inference component {@code name}'s desired copies and those serving at {@code now}. */
  private static Map<String, Object> copies(TwinWorld world, String name, Instant now) {
    SageMakerState.Component c = world.sageMaker().state().components().get(name);
    Map<String, Object> copies = new LinkedHashMap<>();
    copies.put("desired", c == null ? 0 : c.desiredCopies());
    copies.put(
        "serving",
        c == null ? 0 : c.copies().stream().filter(x -> !x.readyAt().isAfter(now)).count());
    return copies;
  }

  /** --template, else the spec's model.chatTemplate, else the catalog's template for the model. */
  private ChatTemplate chatTemplate(DeploymentSpec spec) {
    String chosen =
        template != null
            ? template
            : spec.component()
                .model()
                .flatMap(DeploymentSpec.Model::chatTemplate)
                .or(
                    () ->
                        Catalog.bundled()
                            .model(spec.component().modelId())
                            .map(m -> m.chatTemplate())
                            .filter(t -> !t.isEmpty()))
                .orElseThrow(
                    () ->
                        usage(
                            "no chat template is known for "
                                + spec.component().modelId()
                                + ": name one with --template ("
                                + String.join(", ", ChatTemplate.builtInNames())
                                + ", or a file) or component.model.chatTemplate in the spec"));
    try {
      if (ChatTemplate.builtInNames().contains(chosen)) {
        return ChatTemplate.builtIn(chosen);
      }
      Path file = Path.of(chosen);
      if (!Files.isRegularFile(file)) {
        throw usage(
            "chat template "
                + chosen
                + " is neither a shipped one ("
                + String.join(", ", ChatTemplate.builtInNames())
                + ") nor a file");
      }
      return ChatTemplate.fromFile(file, null, null);
    } catch (IllegalArgumentException e) {
      throw usage("chat template " + chosen + ": " + e.getMessage());
    }
  }

  private void print(
      PrintWriter out,
      DeploymentSpec spec,
      LoadStats s,
      List<ActivitiesCommand.Activity> activities,
      Map<String, Object> copies,
      Serving served,
      boolean stopped) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("deployment", spec.name());
      doc.put("target", where.aws ? "aws" : "twin");
      doc.put("tutorial", tutorial);
      doc.put("stopped", stopped);
      doc.put("start", s.start());
      doc.put("end", s.end());
      doc.put("elapsedSeconds", s.elapsed().toMillis() / 1000.0);
      doc.put("sent", s.sent());
      doc.put("succeeded", s.succeeded());
      doc.put("failed", s.failed());
      doc.put("unfinished", s.unfinished());
      doc.put("latencyMs", percentiles(s::latencyMs));
      doc.put("ttftMs", s.streamed() ? percentiles(s::ttftMs) : null);
      doc.put("throughputPerSecond", s.throughput());
      doc.put("outputTokensPerSecond", s.streamed() ? s.outputTokensPerSecond() : null);
      doc.put("errors", s.errors());
      doc.put("activities", activities);
      if (!copies.isEmpty()) {
        doc.put("copies", copies);
      }
      if (served != null) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("model", served.description());
        model.put("provenance", served.provenance());
        doc.put("serving", model);
      }
      out.println(Json.pretty(Units.forJson(Json.mapper().valueToTree(doc))));
      return;
    }
    out.printf(
        Locale.ROOT,
        "load %s%s (%s)%s: %d sent, %d succeeded, %d failed%s in %.1f s%n",
        spec.name(),
        tutorial ? " --tutorial" : "",
        where.aws ? "AWS" : "twin, virtual time",
        stopped ? ", stopped early" : "",
        s.sent(),
        s.succeeded(),
        s.failed(),
        s.unfinished() > 0 ? ", " + s.unfinished() + " unfinished" : "",
        s.elapsed().toMillis() / 1000.0);
    out.printf(
        Locale.ROOT,
        "latency p50/p95/p99      %s / %s / %s%n",
        Units.ms(s.latencyMs(50)),
        Units.ms(s.latencyMs(95)),
        Units.ms(s.latencyMs(99)));
    if (s.streamed()) {
      out.printf(
          Locale.ROOT,
          "time to first token      %s / %s / %s%n",
          Units.ms(s.ttftMs(50)),
          Units.ms(s.ttftMs(95)),
          Units.ms(s.ttftMs(99)));
      out.printf(
          Locale.ROOT,
          "throughput               %.2f requests/s, %.1f output tokens/s%n",
          s.throughput(),
          s.outputTokensPerSecond());
    } else {
      out.printf(Locale.ROOT, "throughput               %.2f requests/s%n", s.throughput());
    }
    if (s.errors().isEmpty()) {
      out.println("errors                   none");
    } else {
      out.println("errors");
      s.errors()
          .forEach(
              e -> out.printf(Locale.ROOT, "  %6d  %s: %s%n", e.count(), e.type(), e.example()));
    }
    if (copies.get("components") instanceof Map<?, ?> each) {
      List<String> parts = new ArrayList<>();
      each.forEach(
          (name, c) ->
              parts.add(
                  name
                      + " "
                      + ((Map<?, ?>) c).get("desired")
                      + " desired, "
                      + ((Map<?, ?>) c).get("serving")
                      + " serving"));
      out.printf("copies                   %s at %s%n", String.join("; ", parts), copies.get("at"));
    } else if (!copies.isEmpty()) {
      out.printf(
          "copies                   %s desired, %s serving at %s%n",
          copies.get("desired"), copies.get("serving"), copies.get("at"));
    }
    if (served != null) {
      out.printf("serving model            %s%n", served.description());
      out.printf("                         %s%n", served.provenance());
    }
    if (activities.isEmpty()) {
      out.println("scaling activities       none during the run");
    } else {
      out.println("scaling activities (newest first)");
      out.print(ActivitiesCommand.table(activities, "  ", ActivitiesCommand.WIDTH));
    }
  }

  /**
   * How long the run plans to send for: --duration, or a trace's span at its speed-up; null when
   * only a count bounds it.
   */
  private Duration planned(Trace trace, Duration duration) {
    Duration span =
        trace == null
            ? null
            : Duration.ofNanos(Math.round(trace.arrivalMicros(trace.size() - 1) / speedup * 1000));
    return duration == null ? span : span == null || duration.compareTo(span) < 0 ? duration : span;
  }

  /**
   * The progress line's status: for an open loop (a rate, a trace) the time elapsed and the
   * requests sent against the planned duration or count; for a closed loop the requests done
   * against the count, or the time against the duration.
   */
  static Progress.Status status(
      Duration elapsed, Duration planned, long sent, long finished, int count, boolean closed) {
    boolean counted = count != Integer.MAX_VALUE;
    double byTime =
        planned == null || planned.isZero()
            ? Double.NaN
            : Math.min(1, (double) elapsed.toMillis() / planned.toMillis());
    double byCount = counted ? (double) (closed ? finished : sent) / count : Double.NaN;
    double fraction =
        Double.isNaN(byTime) ? byCount : Double.isNaN(byCount) ? byTime : Math.max(byTime, byCount);
    String detail =
        planned != null
            ? Units.duration(elapsed.toMillis() / 1000.0)
                + " of "
                + Units.duration(planned.toMillis() / 1000.0)
                + ", "
                + Progress.compact(sent)
                + " sent"
            : counted
                ? Progress.compact(closed ? finished : sent)
                    + " of "
                    + Progress.compact(count)
                    + (closed ? " done" : " sent")
                : Progress.compact(sent) + " sent";
    return new Progress.Status(finished, fraction, detail);
  }

  private static Map<String, Double> percentiles(java.util.function.DoubleUnaryOperator at) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("p50", at.applyAsDouble(50));
    p.put("p95", at.applyAsDouble(95));
    p.put("p99", at.applyAsDouble(99));
    return p;
  }
}
