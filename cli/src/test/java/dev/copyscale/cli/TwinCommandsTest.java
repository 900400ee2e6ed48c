package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** invoke, world and activities on a world file, as the README's sequences use them. */
class TwinCommandsTest {
  @TempDir Path dir;

  String world() {
    return dir.resolve("world.json").toString();
  }

  static String event(String name) {
    return RepoFiles.path("events/" + name).toString();
  }

  @Test
  void deployAdvanceShow() throws Exception {
    assertThat(
            run("world", "reset", "--now", "2026-11-25T09:00:00Z", "--world", world()).exitCode())
        .isZero();
    CliTest.Run deploy =
        run("invoke", "deploy", "--event", event("deploy-llama3-8b.json"), "--world", world());
    assertThat(deploy.exitCode()).isZero();
    assertThat(Json.mapper().readTree(deploy.out()).get("phase").asText()).isEqualTo("Creating");
    assertThat(run("world", "advance", "20m", "--world", world()).out())
        .contains("2026-11-25T09:00:00Z -> 2026-11-25T09:20:00Z");
    JsonNode shown = Json.mapper().readTree(run("world", "show", "--world", world()).out());
    assertThat(shown.fieldNames())
        .toIterable()
        .containsExactly(
            "now",
            "endpoints",
            "inferenceComponents",
            "scalableTargets",
            "scalingPolicies",
            "scalingActivities",
            "alarms",
            "schedules");
    assertThat(shown.get("endpoints").get(0).get("EndpointStatus").asText()).isEqualTo("InService");
    assertThat(shown.get("inferenceComponents").get(0).get("InferenceComponentStatus").asText())
        .isEqualTo("InService");
    assertThat(
            shown
                .get("inferenceComponents")
                .get(0)
                .get("RuntimeConfig")
                .get("CurrentCopyCount")
                .asInt())
        .isEqualTo(4);
    assertThat(shown.get("scalableTargets")).hasSize(1);
  }

  @Test
  void aDeploymentSageMakerCannotStartSaysWhyInActivities(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    // The seed on GPUs that hold it, with a download timeout its 16 GB cannot meet: preflight
    // cannot foresee it, SageMaker fails the component.
    java.nio.file.Path spec = tmp.resolve("seed.json");
    com.fasterxml.jackson.databind.node.ObjectNode seed =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(RepoFiles.read("examples/seed-llama3-8b.yaml"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) seed.get("endpoint"))
        .put("instanceType", "ml.g5.12xlarge");
    ((com.fasterxml.jackson.databind.node.ObjectNode) seed.get("component"))
        .put("modelDataDownloadTimeoutSeconds", 60);
    java.nio.file.Files.writeString(spec, Json.mapper().writeValueAsString(seed));
    run("world", "reset", "--now", "2026-11-25T09:00:00Z", "--world", world());
    run("invoke", "deploy", "--event", spec.toString(), "--world", world());
    run("world", "advance", "20m", "--world", world());
    assertThat(run("activities", "llama3-seed", "--world", world()).out())
        .contains("deployment failed: inference component llama3-seed-ic failed: ")
        .contains("Model data download timed out after 60 seconds");
  }

  @Test
  void aDeploymentThatCannotRunIsRefusedAndNothingIsCreated(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    // The seed as written: Llama 3 8B fp16 on one 16 GB V100 per copy.
    java.nio.file.Path seed = tmp.resolve("seed.json");
    java.nio.file.Files.writeString(
        seed,
        Json.mapper()
            .writeValueAsString(
                new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                    .readTree(RepoFiles.read("examples/seed-llama3-8b.yaml"))));
    run("world", "reset", "--now", "2026-11-25T09:00:00Z", "--world", world());
    CliTest.Run deploy = run("invoke", "deploy", "--event", seed.toString(), "--world", world());
    assertThat(deploy.exitCode()).isNotZero();
    assertThat(deploy.err())
        .contains("the spec cannot run as written, so nothing was created")
        .contains("component.resources.accelerators: model does not fit");
    JsonNode shown = Json.mapper().readTree(run("world", "show", "--world", world()).out());
    assertThat(shown.get("endpoints")).isEmpty();
    assertThat(shown.get("inferenceComponents")).isEmpty();
  }

  @Test
  void alarmThenActivitiesExplainIt() throws Exception {
    run("world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world());
    run(
        "invoke",
        "deploy",
        "--event",
        event("deploy-llama3-8b-orchestrated.json"),
        "--world",
        world());
    run("world", "advance", "20m", "--world", world());
    CliTest.Run alarm =
        run(
            "invoke",
            "step-scaling",
            "--event",
            event("alarm-eventbridge-burst.json"),
            "--world",
            world());
    assertThat(Json.mapper().readTree(alarm.out()).get("to").asInt()).isEqualTo(6);
    // 6 copies need a second instance: in progress until it is up and the minute tick writes the
    // copies
    String pending = run("activities", "llama3-chat", "--world", world()).out();
    assertThat(pending)
        .containsPattern(
            "\\n2026-11-25 10:00:00  PENDING    2 → 6 +alarm copyscale-llama3-chat-burst in state"
                + " ALARM triggered policy burst;\\n +in progress: endpoint is Updating");
    assertThat(pending.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));
    run("world", "advance", "15m", "--world", world());
    CliTest.Run activities = run("activities", "llama3-chat", "--world", world());
    // Done when SageMaker had it: the tick after the new instance came up.
    assertThat(activities.out())
        .containsPattern(
            "\\n2026-11-25 10:00:00  SCALED     2 → 6   10:\\d\\d:\\d\\d  alarm"
                + " copyscale-llama3-chat-burst in state ALARM triggered policy\\s+burst\\n");
    JsonNode json =
        Json.mapper()
            .readTree(run("activities", "llama3-chat", "--json", "--world", world()).out());
    assertThat(json.get("activities"))
        .anySatisfy(
            a -> {
              assertThat(a.get("outcome").asText()).isEqualTo("SCALED");
              assertThat(a.get("from").asInt()).isEqualTo(2);
              assertThat(a.get("to").asInt()).isEqualTo(6);
              assertThat(Instant.parse(a.get("end").asText()))
                  .isAfter(Instant.parse(a.get("time").asText()));
              // The single form names no component and has no cost split.
              assertThat(a.has("component")).isFalse();
              assertThat(a.has("cost")).isFalse();
            });
    // An event handled twice, or a decision that read no count, has no count: null, not 0 -> 0.
    run("invoke", "step-scaling", "--event", event("alarm-duplicate.json"), "--world", world());
    JsonNode again =
        Json.mapper()
            .readTree(run("activities", "llama3-chat", "--json", "--world", world()).out());
    assertThat(again.get("activities"))
        .anySatisfy(
            a -> {
              assertThat(a.get("outcome").asText()).isEqualTo("IGNORED");
              assertThat(a.get("from").isNull()).isTrue();
              assertThat(a.get("to").isNull()).isTrue();
              assertThat(a.get("end").isNull()).isTrue();
            });
  }

  @Test
  void anHourWithoutTrafficLetsTheIdlePolicyScaleIn() throws Exception {
    run("world", "reset", "--now", "2026-11-25T09:00:00Z", "--world", world());
    run(
        "invoke",
        "deploy",
        "--event",
        event("deploy-llama3-8b-orchestrated.json"),
        "--world",
        world());
    CliTest.Run advance = run("world", "advance", "1h", "--world", world());
    // It says what happened while time moved, not only the time.
    assertThat(advance.out())
        .startsWith(
            "virtual time 2026-11-25T09:00:00Z -> 2026-11-25T10:00:00Z (1 h)\nllama3-chat:"
                + " endpoint InService, 1 instance; component InService, 0 of 0 copies"
                + " serving\n  ")
        .containsPattern(
            "\\n  \\d+ decisions \\(\\d+ NO_CHANGE, 2 SCALED\\): copyscale activities"
                + " llama3-chat\\n");
    JsonNode json =
        Json.mapper().readTree(run("world", "advance", "1m", "--json", "--world", world()).out());
    assertThat(json.get("deployments").get(0).get("copiesServing").asInt()).isZero();
    String activities = run("activities", "llama3-chat", "--world", world()).out();
    // ConcurrentRequestsPerCopy Average < 1 over 5 x 60 s, missing data breaching: one copy fewer,
    // cooldown 300 s, down to zero.
    assertThat(activities)
        .containsPattern(
            "  SCALED     2 → 1   \\S+  alarm copyscale-llama3-chat-idle in state ALARM triggered"
                + " policy idle\\n");
    assertThat(activities)
        .containsPattern(
            "  SCALED     1 → 0   \\S+  alarm copyscale-llama3-chat-idle in state ALARM \\(still,");
  }

  @Test
  void schedulesFollowTheCalendar() {
    run("world", "reset", "--now", "2026-11-27T06:00:00Z", "--world", world());
    run("invoke", "deploy", "--event", event("deploy-llama3-8b.json"), "--world", world());
    run("world", "advance", "48h", "--world", world());
    String activities = run("activities", "llama3-chat", "--world", world()).out();
    assertThat(activities)
        .contains(
            "2026-11-27 07:00:00  SCALED     2 → 4   07:00:00  schedule business-hours set bounds"
                + " [4, 8] (limited by minCapacity 4)\n");
    assertThat(activities)
        .contains(
            "2026-11-27 19:00:00  SCALED     4 → 2   19:00:00  schedule nights set bounds [0, 2]"
                + " (limited by maxCapacity 2)\n");
  }

  @Test
  void errorsAreClearAndExitNonZero() {
    run("world", "reset", "--world", world());
    CliTest.Run bad =
        run("invoke", "deploy", "--event", event("deploy-invalid-spec.json"), "--world", world());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("component.copies");
    assertThat(
            run("invoke", "nope", "--event", event("deploy-llama3-8b.json"), "--world", world())
                .exitCode())
        .isEqualTo(2);
    assertThat(run("activities", "no-such", "--world", world()).exitCode()).isEqualTo(2);
    assertThat(run("world", "advance", "soon", "--world", world()).exitCode()).isEqualTo(2);
    assertThat(run("world", "reset", "--now", "yesterday", "--world", world()).exitCode())
        .isEqualTo(2);
  }

  @Test
  void advanceIsBoundedTo400Days() {
    run("world", "reset", "--now", "2026-11-25T09:00:00Z", "--world", world());
    // 99999999999d used to start a run that would not end.
    CliTest.Run tooFar = run("world", "advance", "99999999999d", "--world", world());
    assertThat(tooFar.exitCode()).isEqualTo(2);
    assertThat(tooFar.err())
        .contains(
            "DURATION of 99999999999 days is more than the 400 days one advance may move; advance"
                + " in steps of at most 400d");
    assertThat(run("world", "advance", "401d", "--world", world()).exitCode()).isEqualTo(2);
    assertThat(run("world", "advance", "PT9601H", "--world", world()).err())
        .contains("DURATION of PT9601H is more than the 400 days");
    // Too long even to count in milliseconds: a usage error, not a crash.
    CliTest.Run overflow = run("world", "advance", "999999999999999d", "--world", world());
    assertThat(overflow.exitCode()).isEqualTo(2);
    assertThat(overflow.err()).contains("'999999999999999d' is too long a duration");
    // Nothing moved.
    assertThat(run("world", "show", "--world", world()).out())
        .contains("\"now\" : \"2026-11-25T09:00:00Z\"");
  }

  @Test
  void demoDeploysAndFollowsTheDay() {
    CliTest.Run demo = run("demo", "--spec", RepoFiles.path("examples/llama3-8b.yaml").toString());
    assertThat(demo.exitCode()).isZero();
    assertThat(demo.out())
        .contains(
            "Fri 07:32  endpoint InService",
            "component InService, copies serving 4 of 4",
            "Fri 08:00",
            "Fri 20:00",
            "schedule business-hours set bounds [4, 8]");
    assertThat(
            run("demo", "--spec", RepoFiles.path("examples/seed-llama3-8b.yaml").toString())
                .exitCode())
        .isEqualTo(1);
  }

  @Test
  void invokeOnAwsNamesTheFunctionItStandsInFor() {
    // Without the deployed function's ARN the handler would take the twin's account and ignore
    // every real event as foreign.
    CliTest.Run missing =
        run("invoke", "step-scaling", "--aws", "--event", event("alarm-eventbridge-burst.json"));
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .contains("--function-arn: with --aws give the deployed function's ARN");
    CliTest.Run malformed =
        run(
            "invoke",
            "step-scaling",
            "--aws",
            "--function-arn",
            "copyscale-step-scaling",
            "--event",
            event("alarm-eventbridge-burst.json"));
    assertThat(malformed.exitCode()).isEqualTo(2);
    assertThat(malformed.err()).contains("got copyscale-step-scaling");
    CliTest.Run twin =
        run(
            "invoke",
            "step-scaling",
            "--function-arn",
            "arn:aws:lambda:eu-west-1:210987654321:function:x",
            "--event",
            event("alarm-eventbridge-burst.json"),
            "--world",
            world());
    assertThat(twin.exitCode()).isEqualTo(2);
    assertThat(twin.err()).contains("--function-arn goes with --aws");
  }

  /**
   * A shared endpoint's activities are every component's (each its own ledger under
   * DEPLOYMENT.COMPONENT), each with the component it scaled and, where the arbiter granted it,
   * what the component costs an hour: one ml.g5.12xlarge at $7.09/h, chat on 3 GPUs, code on 1.
   */
  @Test
  void aSharedEndpointsActivitiesAreEachComponentsWithWhatItCostsAnHour() throws Exception {
    run("world", "reset", "--now", "2026-11-25T09:50:00Z", "--world", world());
    run(
        "invoke",
        "deploy",
        "--event",
        event("deploy-shared-endpoint-orchestrated.json"),
        "--world",
        world());
    run("world", "advance", "20m", "--world", world());
    for (String alarm :
        new String[] {"alarm-shared-code-burst.json", "alarm-shared-chat-burst.json"}) {
      assertThat(run("invoke", "step-scaling", "--event", event(alarm), "--world", world()).out())
          .doesNotContain("IGNORED");
    }
    // world advance's summary and load's report give every component, not only the first.
    assertThat(run("world", "advance", "10m", "--world", world()).out())
        .contains(
            "shared: endpoint InService, 1 instance; chat InService, 3 of 3 copies serving;"
                + " code InService, 1 of 1 copy serving");
    JsonNode advanced =
        Json.mapper().readTree(run("world", "advance", "1m", "--json", "--world", world()).out());
    assertThat(advanced.at("/deployments/0/components/1/name").asText()).isEqualTo("code");
    assertThat(advanced.at("/deployments/0/components/1/copiesServing").asInt()).isEqualTo(1);
    CliTest.Run load =
        run("load", "shared", "--requests", "8", "--no-progress", "--world", world());
    assertThat(load.exitCode()).as(load.err()).isZero();
    assertThat(load.out())
        .contains(
            "copies                   chat 3 desired, 3 serving; code 1 desired, 1 serving at");

    JsonNode json =
        Json.mapper().readTree(run("activities", "shared", "--json", "--world", world()).out());
    JsonNode chat = null;
    JsonNode codeLowered = null;
    for (JsonNode a : json.get("activities")) {
      if (a.get("component").asText().equals("chat") && a.get("to").asInt() == 3) {
        chat = a;
      }
      if (a.get("component").asText().equals("code")
          && a.get("from").asInt() == 2
          && a.get("to").asInt() == 1) {
        codeLowered = a;
      }
    }
    assertThat(chat).as("chat's grant in %s", json).isNotNull();
    assertThat(chat.get("cost").get("accelerators").asDouble()).isEqualTo(3.0);
    assertThat(chat.get("cost").get("usdPerHour").asDouble()).isEqualTo(5.3175);
    assertThat(chat.get("cost").get("idleUsdPerHour").asDouble()).isZero();
    assertThat(chat.get("cost").get("endpointUsdPerHour").asDouble()).isEqualTo(7.09);
    assertThat(codeLowered).as("code lowered for chat in %s", json).isNotNull();
    assertThat(codeLowered.get("cost").get("usdPerHour").asDouble()).isEqualTo(1.7725);
    // A decision the arbiter did not grant (the alarms' OK at deploy) has no cost.
    assertThat(json.get("activities"))
        .anySatisfy(
            a -> {
              assertThat(a.get("outcome").asText()).isEqualTo("NO_CHANGE");
              assertThat(a.has("cost")).isFalse();
            });

    String text = run("activities", "shared", "--world", world()).out();
    assertThat(text.lines().findFirst().orElseThrow())
        .contains("component")
        .contains("cost/h")
        .contains("why");
    assertThat(text)
        .containsPattern("chat +SCALED +2 → 3 .*\\$5\\.32 \\(3 GPUs\\)")
        .containsPattern("code +SCALED +2 → 1 .*\\$1\\.77 \\(1 GPU\\)");
    assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));
  }
}
