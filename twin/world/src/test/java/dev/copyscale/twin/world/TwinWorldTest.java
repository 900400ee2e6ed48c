package dev.copyscale.twin.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.twin.account.AccountFixture;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.account.TwinDelays;
import dev.copyscale.twin.sagemaker.TwinTimings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The world: persistence (transitions included), its file's refusals and lock, and the shown form.
 */
class TwinWorldTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

  /**
   * A world mid-transition: instances provisioned, copies loading, a second instance coming, a
   * policy with alarms.
   */
  static TwinWorld busy() {
    return AccountFixture.busy(TwinWorld.fresh(T0));
  }

  @Test
  void saveLoadSaveIsByteForByteTheSame(@TempDir Path dir) throws Exception {
    TwinWorld world = busy();
    world.save(dir.resolve("a.json"));
    WorldFile.read(dir.resolve("a.json")).save(dir.resolve("b.json"));
    assertThat(Files.readString(dir.resolve("b.json")))
        .isEqualTo(Files.readString(dir.resolve("a.json")));
  }

  @Test
  void aWorldSavedMidTransitionContinuesIdentically(@TempDir Path dir) {
    TwinWorld world = busy();
    int before =
        world
            .sageMaker()
            .describeInferenceComponent(b -> b.inferenceComponentName("ic"))
            .runtimeConfig()
            .currentCopyCount();
    assertThat(before).isZero();
    world.save(dir.resolve("w.json"));
    TwinWorld loaded = WorldFile.read(dir.resolve("w.json"));
    for (int minute = 0; minute < 20; minute++) {
      world.pause(Duration.ofMinutes(1));
      loaded.pause(Duration.ofMinutes(1));
      assertThat(loaded.show()).isEqualTo(world.show());
    }
    assertThat(
            loaded
                .sageMaker()
                .describeInferenceComponent(b -> b.inferenceComponentName("ic"))
                .runtimeConfig()
                .currentCopyCount())
        .isEqualTo(6);
  }

  /**
   * The world file holds everything the account keeps: each key of its state, set away from a fresh
   * account's, reads back as it was (the fakes' tests save and read accounts through this same
   * form).
   */
  @Test
  void theWorldFileHoldsEverythingTheAccountKeeps(@TempDir Path dir) throws Exception {
    TwinDelays slow =
        new TwinDelays(
            Duration.ofSeconds(20),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofMillis(100),
            Duration.ofMinutes(5),
            false);
    TwinWorld world =
        AccountFixture.busy(TwinWorld.fresh(T0, TwinTimings.defaults().uncached(), slow));
    world
        .cloudWatch()
        .putMetricAlarm(
            b ->
                b.alarmName("hi")
                    .namespace("Custom")
                    .metricName("M")
                    .dimensions(d -> d.name("Name").value("x"))
                    .statistic("Average")
                    .period(10)
                    .evaluationPeriods(1)
                    .threshold(5.0)
                    .comparisonOperator("GreaterThanThreshold"));
    Instant bucket = Instant.parse("2026-11-25T09:03:00Z");
    world.cloudWatch().publish("Custom", "M", Map.of("Name", "x"), bucket, 9, 1, 9, 9);
    // The minute at 09:03 runs; the alarm changes at 09:03:30 (period end + 20 s of ingestion), and
    // its delivery is on its way (2 s of EventBridge and a warm start) when the world is saved.
    world.advance(Duration.between(world.clock().instant(), bucket.plusSeconds(31)), Stack.NONE);
    assertThat(world.pendingDeliveries()).hasSize(1);
    ObjectMapper json = TwinAccount.stateJson();
    JsonNode saved = json.valueToTree(world.state());
    for (String key :
        List.of("lastMinute", "lastEvaluation", "alarmTargetWarmUntil", "deliveries", "events")) {
      assertThat(saved.get(key)).as(key).isNotNull();
    }
    assertThat(
            List.of(
                saved.get("lastMinute").asText(),
                saved.get("lastEvaluation").asText(),
                saved.get("alarmTargetWarmUntil").asText()))
        .doesNotHaveDuplicates();

    world.save(dir.resolve("w.json"));
    TwinAccount loaded = WorldFile.read(dir.resolve("w.json"));
    assertThat((JsonNode) json.valueToTree(loaded.state())).isEqualTo(saved);
  }

  @Test
  void aMissingWorldIsRefusedNamingItsPath(@TempDir Path dir) {
    Path none = dir.resolve("none.json");
    assertThatThrownBy(() -> WorldFile.read(none))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no world file " + none)
        .hasMessageContaining("copyscale world reset --world " + none);
    assertThatThrownBy(() -> WorldFile.lock(none, m -> {}))
        .hasMessageContaining("no world file " + none);
    assertThat(none).doesNotExist();
    assertThat(WorldFile.lockFileOf(none)).doesNotExist();
  }

  @Test
  void aFileThatIsNotAWorldIsRefusedNamingWhatItLacks(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.json"), "{}");
    assertThatThrownBy(() -> WorldFile.read(empty))
        .hasMessageContaining("the world file " + empty + " is not a twin world: it lacks now,")
        .hasMessageContaining("stateTable")
        .hasMessageNotContaining("Exception")
        .hasMessageNotContaining("dev.copyscale");
    Path text = Files.writeString(dir.resolve("text.json"), "world");
    assertThatThrownBy(() -> WorldFile.read(text)).hasMessageContaining("it is not JSON");
    TwinWorld.fresh(T0).save(dir.resolve("w.json"));
    Path wrong =
        Files.writeString(
            dir.resolve("wrong.json"),
            Files.readString(dir.resolve("w.json")).replace("\"" + T0 + "\"", "\"tuesday\""));
    assertThatThrownBy(() -> WorldFile.read(wrong))
        .hasMessageContaining("its key now holds a value copyscale cannot read there")
        .hasMessageNotContaining("java.");
  }

  @Test
  void aReadOnlyWorldIsRefusedAndKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.json");
    TwinWorld.fresh(T0).save(file);
    String before = Files.readString(file);
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
    assertThatThrownBy(() -> WorldFile.lock(file, m -> {}))
        .hasMessageContaining("the world file " + file + " is read-only");
    assertThatThrownBy(() -> WorldFile.create(file, m -> {})).hasMessageContaining("is read-only");
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  @Test
  void aLockedWorldWaitsForItsHolderAndSaysSo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.json");
    TwinWorld.fresh(T0).save(file);
    List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CompletableFuture<Instant> second;
    try (WorldFile held = WorldFile.lock(file, m -> {})) {
      second =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try (WorldFile next = WorldFile.lock(file, said::add)) {
                  return next.load().clock().instant();
                }
              });
      // The holder writes while the other waits (3 s, then it says why).
      Thread.sleep(3_500);
      assertThat(second).isNotDone();
      TwinWorld world = held.load();
      world.pause(Duration.ofMinutes(5));
      held.save(world);
    }
    assertThat(second.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(T0.plusSeconds(300));
    assertThat(said).singleElement().asString().contains("waiting for the world file " + file);
  }

  @Test
  void timingsArePersisted(@TempDir Path dir) {
    TwinTimings slow =
        new TwinTimings(
            Duration.ofMinutes(15),
            Duration.ofMinutes(1),
            false,
            Duration.ofMinutes(5),
            100,
            50,
            4,
            Duration.ofMinutes(20),
            30,
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            Duration.ofMinutes(1),
            Duration.ofSeconds(45),
            java.util.List.of("ml.p4d.24xlarge"),
            Duration.ofSeconds(3),
            true);
    TwinWorld.fresh(T0, slow).save(dir.resolve("w.json"));
    assertThat(WorldFile.read(dir.resolve("w.json")).timings()).isEqualTo(slow);
  }

  @Test
  void showUsesTheDescribeApisMemberNames() {
    JsonNode shown = busy().show();
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
    assertThat(shown.get("now").asText()).isEqualTo("2026-11-25T09:02:40Z");
    JsonNode endpoint = shown.get("endpoints").get(0);
    assertThat(endpoint.get("EndpointName").asText()).isEqualTo("e");
    assertThat(endpoint.get("EndpointArn").asText())
        .isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:endpoint/e");
    assertThat(endpoint.get("EndpointStatus").asText()).isEqualTo("Updating");
    JsonNode variant = endpoint.get("ProductionVariants").get(0);
    assertThat(variant.get("VariantName").asText()).isEqualTo("AllTraffic");
    assertThat(variant.get("CurrentInstanceCount").asInt()).isEqualTo(1);
    assertThat(variant.get("DesiredInstanceCount").asInt()).isEqualTo(2);
    assertThat(variant.get("InstanceType").asText()).isEqualTo("ml.g5.12xlarge");
    assertThat(variant.get("ManagedInstanceScaling").get("MaxInstanceCount").asInt()).isEqualTo(2);
    JsonNode component = shown.get("inferenceComponents").get(0);
    assertThat(component.get("InferenceComponentName").asText()).isEqualTo("ic");
    assertThat(component.get("InferenceComponentStatus").asText()).isEqualTo("Creating");
    assertThat(component.get("RuntimeConfig").get("DesiredCopyCount").asInt()).isEqualTo(6);
    assertThat(component.get("RuntimeConfig").get("CurrentCopyCount").asInt()).isZero();
    assertThat(
            component
                .get("Specification")
                .get("ComputeResourceRequirements")
                .get("NumberOfAcceleratorDevicesRequired")
                .asDouble())
        .isEqualTo(1.0);
    JsonNode target = shown.get("scalableTargets").get(0);
    assertThat(target.get("ServiceNamespace").asText()).isEqualTo("sagemaker");
    assertThat(target.get("ResourceId").asText()).isEqualTo("inference-component/ic");
    assertThat(target.get("ScalableDimension").asText())
        .isEqualTo("sagemaker:inference-component:DesiredCopyCount");
    assertThat(target.get("MinCapacity").asInt()).isEqualTo(1);
    assertThat(target.get("MaxCapacity").asInt()).isEqualTo(8);
    assertThat(shown.get("scalingPolicies").get(0).get("PolicyType").asText())
        .isEqualTo("TargetTrackingScaling");
    assertThat(shown.get("alarms")).hasSize(2);
    assertThat(shown.get("alarms").get(0).get("AlarmName").asText())
        .startsWith("TargetTracking-inference-component/ic-Alarm");
    assertThat(shown.get("alarms").get(0).get("StateValue").asText())
        .isEqualTo("INSUFFICIENT_DATA");
    assertThat(shown.get("scalingActivities")).isEmpty();
    assertThat(shown.get("schedules")).isEmpty();
  }

  /** A deployment saved mid-way continues after a reload exactly as it would have without one. */
  @Test
  void theWorldPersistsMidTransitionAndContinuesIdentically(@TempDir Path dir) {
    TwinWorld world = TwinWorld.fresh(T0);
    DeployService deploy = world.services().deploy();
    deploy.handle(TwinStack.json("deploy-llama3-8b.json"));
    world.advance(Duration.ofMinutes(9), Stack.ticking(now -> deploy.reconcileInProgress()));
    Path file = dir.resolve("world.json");
    world.save(file);

    TwinWorld loaded = WorldFile.read(file);
    DeployService deployLoaded = loaded.services().deploy();
    world.advance(Duration.ofMinutes(11), Stack.ticking(now -> deploy.reconcileInProgress()));
    loaded.advance(
        Duration.ofMinutes(11), Stack.ticking(now -> deployLoaded.reconcileInProgress()));
    assertThat(loaded.show()).isEqualTo(world.show());
  }
}
