package dev.copyscale.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.copyscale.testing.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs a hostile or careless user gives, of every kind the CLI reads: specs, events, traces,
 * options, durations, world files. None is accepted (the exit code is not 0), none shows a stack
 * trace or a Java class name, none runs longer than its timeout or out of memory, every refusal
 * names the field, file or option it is about, and a world file the command refused is unchanged.
 */
class HostileInputTest {
  @TempDir static Path dir;

  /** A world with the orchestrated deployment InService. */
  static Path world;

  static String spec = RepoFiles.read("examples/llama3-8b.yaml");

  /** One input: what is run, the text the refusal must contain, and the exit code expected. */
  record Case(String name, List<String> args, String names, int exitCode) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void deployed() {
    world = dir.resolve("world.json");
    CliTest.run("world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world.toString());
    CliTest.run(
        "invoke",
        "deploy",
        "--event",
        RepoFiles.path("events/deploy-llama3-8b-orchestrated.json").toString(),
        "--world",
        world.toString());
    CliTest.run("world", "advance", "20m", "--world", world.toString());
  }

  static String file(String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The example spec with {@code from} replaced by {@code to}, as a file. */
  static String specWith(String name, String from, String to) {
    assertThat(spec).contains(from);
    return file(name, spec.replace(from, to));
  }

  static Case preflight(String name, String file, String names) {
    return new Case(name, List.of("preflight", file), names, 1);
  }

  static Case usage(String name, String names, String... args) {
    return new Case(name, List.of(args), names, 2);
  }

  static String trace(String name, String row) {
    return file(name, "TIMESTAMP,ContextTokens,GeneratedTokens\n" + row + "\n");
  }

  static Stream<Case> cases() {
    String w = world.toString();
    String example = RepoFiles.path("examples/simulate/slo.yaml").toString();
    String missing = dir.resolve("none/world.json").toString();
    List<Case> cases = new ArrayList<>();
    // Specs.
    cases.add(
        preflight(
            "leading zero",
            specWith("zero.yaml", "  copies: 4\n", "  copies: 007\n"),
            "component.copies: 007 has a leading zero"));
    cases.add(
        preflight(
            "second document",
            file("two.yaml", spec + "---\nguardrails: {maxCopies: 1000}\n"),
            "a second YAML document begins at line"));
    cases.add(
        preflight(
            "infinite cpus",
            specWith("inf.yaml", "cpus: 6", "cpus: .inf"),
            "component.resources.cpus: must be a finite number"));
    cases.add(
        preflight(
            "NaN target",
            specWith("nan.yaml", "target: 20", "target: .NaN"),
            "scaling.targetTracking.target: must be a finite number"));
    cases.add(
        preflight(
            "huge hexadecimal",
            specWith("hex.yaml", "  maxCopies: 8\n", "  maxCopies: 0xFFFFFFFFFFFFFFFFFF\n"),
            "scaling.maxCopies: 4722366482869645213695 is out of range"));
    cases.add(
        preflight(
            "YAML 1.1 boolean",
            specWith("on.yaml", "dryRun: false", "dryRun: off"),
            "guardrails.dryRun: must be true or false, got string \"off\""));
    cases.add(
        preflight(
            "sexagesimal",
            specWith("sexa.yaml", "maxInstances: 4,", "maxInstances: 1:04,"),
            "guardrails.maxInstances: must be a whole number, got string \"1:04\""));
    cases.add(
        preflight(
            "JSON NaN",
            file("nan.json", "{\"apiVersion\": \"copyscale/v1\", \"name\": NaN}"),
            "NaN is not a JSON number"));
    cases.add(
        preflight("YAML tag", file("tag.yaml", "name: !GetAtt x.y\n"), "name carries the tag"));
    // Numeric options.
    String ok = RepoFiles.path("examples/llama3-8b.yaml").toString();
    cases.add(
        usage(
            "infinite overhead",
            "--runtime-overhead-gib",
            "preflight",
            ok,
            "--runtime-overhead-gib",
            "Infinity"));
    cases.add(
        usage(
            "negative overhead",
            "--runtime-overhead-gib",
            "preflight",
            ok,
            "--runtime-overhead-gib",
            "-0.5"));
    // Work that would not end, or not fit in memory.
    cases.add(
        usage(
            "burst of half a billion a second",
            "--max-requests",
            "simulate",
            example,
            "--trace",
            "synthetic:bursts:base=1,burst=5e8,every=1m,length=30s,duration=2h"));
    cases.add(
        usage(
            "thousand-day diurnal",
            "400 days",
            "simulate",
            example,
            "--trace",
            "synthetic:diurnal:mean=1,duration=1000d"));
    String shared = RepoFiles.path("examples/shared-endpoint.yaml").toString();
    cases.add(
        usage(
            "a trace for no component",
            "--trace coder=...: no spec of this run has a component coder (components of specs"
                + " with several: chat, code)",
            "simulate",
            shared,
            "--trace",
            "chat=synthetic:constant:rate=1,duration=5m",
            "--trace",
            "coder=synthetic:constant:rate=1,duration=5m"));
    cases.add(
        usage(
            "a component without a trace",
            "--trace: no trace for component code of " + shared,
            "simulate",
            shared,
            "--trace",
            "chat=synthetic:constant:rate=1,duration=5m"));
    cases.add(
        usage(
            "a component trace for a spec of one",
            "no spec of this run has a component chat (none of them has several components",
            "simulate",
            example,
            "--trace",
            "chat=synthetic:constant:rate=1,duration=5m"));
    cases.add(
        usage(
            "one model's figures for several components",
            "--model-config gives one model's figures, but " + shared + " has 2 components",
            "simulate",
            shared,
            "--model-config",
            RepoFiles.path(
                    "shared/core/src/test/resources/dev/copyscale/serving/validation/Llama-2-7b-hf.config.json")
                .toString()));
    cases.add(
        usage(
            "several components to search",
            "puts 2 components on endpoint shared: this command serves one component per endpoint",
            "frontier",
            shared));
    cases.add(
        preflight(
            "component and components",
            file(
                "both.yaml",
                RepoFiles.read("examples/shared-endpoint.yaml") + "component: {name: x}\n"),
            "component: give either component and scaling (one component) or components"));
    cases.add(
        usage("five thousand repeats", "--max-requests", "simulate", example, "--repeat", "5000"));
    cases.add(usage("glacial scale", "400 days", "simulate", example, "--scale", "1e-9"));
    cases.add(
        usage(
            "trace from 1969",
            "TIMESTAMP 1969-07-20",
            "simulate",
            example,
            "--trace",
            trace("moon.csv", "1969-07-20 20:17:40.0,100,10")));
    cases.add(
        usage(
            "five million output tokens",
            "GeneratedTokens of 5,000,000",
            "simulate",
            example,
            "--trace",
            trace("long.csv", "2023-11-16 18:15:46.0,100,5000000")));
    cases.add(
        usage(
            "trace over two centuries",
            "400 days",
            "simulate",
            example,
            "--trace",
            file(
                "span.csv",
                "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.0,1,1\n"
                    + "2199-11-16 18:15:46.0,1,1\n")));
    cases.add(
        usage(
            "keep-world into a file",
            "--keep-world",
            "simulate",
            example,
            "--keep-world",
            dir.resolve(file("not-a-dir", "x")).resolve("worlds").toString()));
    cases.add(
        usage(
            "preflight trace missing",
            "--trace: no such trace file",
            "preflight",
            example,
            "--trace",
            dir.resolve("none.csv").toString()));
    cases.add(
        usage(
            "preflight trace of five million output tokens",
            "--trace",
            "preflight",
            example,
            "--trace",
            trace("long2.csv", "2023-11-16 18:15:46.0,100,5000000")));
    // A model's config.json that is not one.
    cases.add(
        usage(
            "model config missing",
            "--model-config: no such file",
            "simulate",
            example,
            "--model-config",
            dir.resolve("none/config.json").toString()));
    cases.add(
        usage(
            "model config not JSON",
            "--model-config",
            "simulate",
            example,
            "--model-config",
            file("config.json", "hidden_size: 4096\n")));
    cases.add(
        usage(
            "model config of a list",
            "is not a model's config.json: must be a JSON object",
            "simulate",
            example,
            "--model-config",
            file("list.json", "[4096, 32]")));
    cases.add(
        usage(
            "model config without its shapes",
            "num_attention_heads is required",
            "load",
            "llama3-chat",
            "--model-config",
            file("shapes.json", "{\"hidden_size\": 4096, \"num_hidden_layers\": 32}"),
            "--world",
            w));
    cases.add(
        usage(
            "model config of negative layers",
            "num_hidden_layers",
            "simulate",
            example,
            "--model-config",
            file(
                "negative.json",
                "{\"hidden_size\": 4096, \"num_hidden_layers\": -32, \"num_attention_heads\": 32,"
                    + " \"intermediate_size\": 14336, \"vocab_size\": 32000}")));
    cases.add(
        usage(
            "model config beside a leading zero",
            "component.copies: 007 has a leading zero",
            "simulate",
            specWith("zero-config.yaml", "  copies: 4\n", "  copies: 007\n"),
            "--model-config",
            file(
                "mistral.json",
                "{\"hidden_size\": 4096, \"num_hidden_layers\": 32, \"num_attention_heads\": 32,"
                    + " \"num_key_value_heads\": 8, \"intermediate_size\": 14336, \"vocab_size\":"
                    + " 32768}")));
    // frontier's own inputs (its trace options are simulate's, above).
    cases.add(
        usage(
            "frontier chosen on all of it",
            "--choose-on",
            "frontier",
            example,
            "--choose-on",
            "100%"));
    cases.add(
        usage(
            "frontier chosen on nothing",
            "--choose-on",
            "frontier",
            example,
            "--choose-on",
            "-5%"));
    cases.add(
        usage(
            "frontier on a minute",
            "less than two minutes",
            "frontier",
            example,
            "--trace",
            "synthetic:constant:rate=1,duration=1m"));
    cases.add(
        usage(
            "frontier for an objective below one request",
            "scaling.slo.ttft",
            "frontier",
            example,
            "--slo-ttft",
            "1ms"));
    cases.add(
        usage(
            "frontier placing a leading zero",
            "component.copies: 007 has a leading zero",
            "frontier",
            example,
            "--place",
            specWith("zero-place.yaml", "  copies: 4\n", "  copies: 007\n")));
    cases.add(
        usage(
            "frontier of a thousand-day trace",
            "400 days",
            "frontier",
            example,
            "--trace",
            "synthetic:diurnal:mean=1,duration=1000d"));
    cases.add(usage("demo for 500 days", "--for of 500 days", "demo", "--for", "500d"));
    cases.add(usage("demo backwards", "negative", "demo", "--for", "-1h"));
    cases.add(usage("demo in year 9000", "--start", "demo", "--start", "9000-01-01T00:00:00Z"));
    cases.add(usage("advance nothing", "DURATION must be positive", "world", "advance", "0s"));
    cases.add(usage("advance backwards", "negative", "world", "advance", "-90m", "--world", w));
    cases.add(
        usage("reset in year 9999", "--now", "world", "reset", "--now", "9999-12-31T00:00:00Z"));
    cases.add(
        usage(
            "load for a month",
            "--duration",
            "load",
            "llama3-chat",
            "--duration",
            "30d",
            "--world",
            w));
    cases.add(usage("load at NaN", "--rate", "load", "llama3-chat", "--rate", "NaN", "--world", w));
    cases.add(
        usage(
            "load a huge trace row",
            "ContextTokens",
            "load",
            "llama3-chat",
            "--trace",
            trace("huge.csv", "2023-11-16 18:15:46.0,999999999,10"),
            "--world",
            w));
    // World files.
    cases.add(usage("missing world", missing, "world", "advance", "1m", "--world", missing));
    cases.add(
        usage("missing world to show", missing, "activities", "llama3-chat", "--world", missing));
    cases.add(
        usage(
            "empty object world",
            "lacks now",
            "world",
            "show",
            "--world",
            file("object.json", "{}")));
    cases.add(
        usage(
            "list world",
            "not a JSON object",
            "world",
            "advance",
            "1m",
            "--world",
            file("list.json", "[1, 2]")));
    // Events.
    cases.add(
        new Case(
            "deploy with a leading zero",
            List.of(
                "invoke",
                "deploy",
                "--event",
                file(
                    "zero.json",
                    RepoFiles.read("events/deploy-llama3-8b-orchestrated.json")
                        .replace("\"copies\": 2", "\"copies\": 02")),
                "--world",
                w),
            "deploy event is not valid JSON",
            1));
    cases.add(
        new Case(
            "schedule with NaN bounds",
            List.of(
                "invoke",
                "scheduled-scaling",
                "--event",
                file("nan-event.json", "{\"deployment\": \"llama3-chat\", \"minCopies\": NaN}"),
                "--world",
                w),
            "NaN is not a JSON number",
            1));
    // copyscale profile.
    String llama = "meta-llama/Meta-Llama-3-8B-Instruct";
    cases.add(
        new Case(
            "profile of an unknown model",
            List.of("profile", "--predict", "--model", "x/y", "--instance-type", "ml.g5.2xlarge"),
            "--model x/y",
            2));
    cases.add(
        new Case(
            "profile on zero GPUs",
            List.of(
                "profile",
                "--predict",
                "--model",
                llama,
                "--instance-type",
                "ml.g5.2xlarge",
                "--gpus",
                "0"),
            "--gpus 0: must be at least 1",
            2));
    cases.add(
        new Case(
            "profile of a negative prompt",
            List.of(
                "profile",
                "--predict",
                "--model",
                llama,
                "--instance-type",
                "ml.g5.2xlarge",
                "--prompt-tokens",
                "-5"),
            "--prompt-tokens must be from 1",
            2));
    cases.add(
        new Case(
            "profile with batch tokens beyond an int",
            List.of(
                "profile",
                "--predict",
                "--model",
                llama,
                "--instance-type",
                "ml.g5.2xlarge",
                "--env",
                "MAX_BATCH_TOTAL_TOKENS=99999999999999"),
            "MAX_BATCH_TOTAL_TOKENS must be a positive whole number",
            2));
    cases.add(
        new Case(
            "profile of a config.json that is not one",
            List.of(
                "profile",
                "--predict",
                "--model-config",
                file("not-config.json", "{\"layers\": 3}"),
                "--instance-type",
                "ml.g5.2xlarge"),
            "--model-config",
            2));
    cases.add(
        new Case(
            "profile measuring an unknown deployment",
            List.of("profile", "--measure", "ghost", "--world", w),
            "unknown deployment \"ghost\"",
            2));
    cases.add(
        new Case(
            "profile measuring at no concurrency",
            List.of("profile", "--measure", "llama3-chat", "--world", w, "--concurrency", "0,1"),
            "--concurrency 0",
            2));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedClearlyAndChangesNothing(Case c) throws Exception {
    byte[] before = Files.readAllBytes(world);
    CliTest.Run run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60), () -> CliTest.run(c.args().toArray(String[]::new)));
    String all = run.out() + run.err();
    assertThat(run.exitCode()).as(all).isEqualTo(c.exitCode());
    assertThat(all).as("names what is wrong").contains(c.names());
    assertThat(all)
        .as("no stack trace or class name")
        .doesNotContain("Exception", "\tat ", "java.", "com.fasterxml", "dev.copyscale.", "`Json")
        .doesNotContain("Usage:");
    assertThat(Files.readAllBytes(world)).as("the world is unchanged").isEqualTo(before);
  }

  @org.junit.jupiter.api.Test
  void aReadOnlyWorldIsRefusedAndKept() throws Exception {
    Path readOnly = Files.copy(world, dir.resolve("read-only.json"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
    byte[] before = Files.readAllBytes(readOnly);
    CliTest.Run run =
        CliTest.run(
            "invoke",
            "step-scaling",
            "--event",
            RepoFiles.path("events/alarm-eventbridge-burst.json").toString(),
            "--world",
            readOnly.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("the world file " + readOnly + " is read-only");
    assertThat(Files.readAllBytes(readOnly)).isEqualTo(before);
  }
}
