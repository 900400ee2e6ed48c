package dev.copyscale.aws.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.deploy.DeployResult;
import dev.copyscale.deploy.Phase;
import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.TwinAccount;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;

/**
 * A spec with two components on one endpoint, deployed by the deploy service against the twin: both
 * InService with their own scalable targets and policies, one removed alone, the whole spec deleted
 * leaving nothing. The bundled example carries eight LoRA adapters on chat, deployed as adapter
 * inference components once chat serves and deleted before it.
 */
class SharedEndpointDeployOnTwinTest {
  TwinStack stack = TwinStack.fresh(DeployOnTwinTest.START);
  TwinAccount world = stack.account();
  DeployService deploy = stack.services().deploy();

  static ObjectNode example() {
    return (ObjectNode) SpecParser.toTree(RepoFiles.read("examples/shared-endpoint.yaml"));
  }

  static final List<String> ADAPTERS =
      List.of("finance", "hr", "legal", "medical", "retail", "sql", "support", "travel").stream()
          .map(a -> "chat-" + a + " InService")
          .toList();

  /** What the endpoint holds: {@code expected} and chat's eight adapters, in name order. */
  static List<String> withAdapters(String... expected) {
    return Stream.concat(Stream.of(expected), ADAPTERS.stream()).sorted().toList();
  }

  List<String> components() {
    return world
        .sageMaker()
        .listInferenceComponents(b -> b.endpointNameEquals("shared"))
        .inferenceComponents()
        .stream()
        .map(c -> c.inferenceComponentName() + " " + c.inferenceComponentStatusAsString())
        .sorted()
        .toList();
  }

  List<String> targets() {
    return DeployOnTwinTest.targets(world).stream()
        .map(ScalableTarget::resourceId)
        .sorted()
        .toList();
  }

  List<String> policies() {
    return DeployOnTwinTest.policies(world).stream()
        .map(p -> p.resourceId() + " " + p.policyName())
        .sorted()
        .toList();
  }

  void deployed(ObjectNode doc) {
    deploy.submit(doc);
    world.advance(Duration.ofMinutes(20), DeployOnTwinTest.reconciling(deploy));
  }

  @Test
  void bothComponentsServeWithTheirOwnScaling() {
    deployed(example());
    assertThat(stack.store().deployment("shared").orElseThrow().phase()).isEqualTo(Phase.InService);
    assertThat(components()).isEqualTo(withAdapters("chat InService", "code InService"));
    assertThat(
            world
                .sageMaker()
                .describeInferenceComponent(b -> b.inferenceComponentName("chat-sql"))
                .specification()
                .baseInferenceComponentName())
        .isEqualTo("chat");
    assertThat(
            world
                .sageMaker()
                .describeInferenceComponent(b -> b.inferenceComponentName("chat"))
                .runtimeConfig()
                .currentCopyCount())
        .isEqualTo(2);
    assertThat(targets()).containsExactly("inference-component/chat", "inference-component/code");
    assertThat(policies())
        .containsExactly(
            "inference-component/chat copyscale-shared-chat.target-tracking",
            "inference-component/code copyscale-shared-code.target-tracking");
    // Two containers, two models; one endpoint config.
    assertThat(world.sageMaker().state().models()).hasSize(2);
    assertThat(world.sageMaker().state().endpointConfigs()).hasSize(1);
    // Settled: submitting it again writes nothing.
    DeployResult again = deploy.submit(example());
    assertThat(again.actions()).isEmpty();
    assertThat(again.phase()).isEqualTo(Phase.InService);
  }

  @Test
  void removingAComponentDeletesItAloneAndItsScaling() {
    deployed(example());
    ObjectNode doc = example();
    ((ArrayNode) doc.get("components")).remove(1);
    deployed(doc);
    assertThat(stack.store().deployment("shared").orElseThrow().phase()).isEqualTo(Phase.InService);
    assertThat(components()).isEqualTo(withAdapters("chat InService"));
    assertThat(targets()).containsExactly("inference-component/chat");
    // One component left: the single form's policy names.
    assertThat(policies())
        .containsExactly("inference-component/chat copyscale-shared-target-tracking");
    assertThat(world.sageMaker().state().models()).hasSize(1);
  }

  @Test
  void deletingTheSpecLeavesNothing() {
    deployed(example());
    assertThat(deploy.delete("shared").phase()).isEqualTo(Phase.Deleting);
    world.advance(Duration.ofMinutes(10), DeployOnTwinTest.reconciling(deploy));
    assertThat(stack.store().deployment("shared").orElseThrow().phase()).isEqualTo(Phase.Deleted);
    assertThat(world.sageMaker().state().endpoints()).as("endpoints").isEmpty();
    assertThat(world.sageMaker().state().components()).as("inference components").isEmpty();
    assertThat(targets()).as("scalable targets").isEmpty();
    assertThat(policies()).as("scaling policies").isEmpty();
    assertThat(world.cloudWatch().describeAlarms(b -> {}).metricAlarms()).as("alarms").isEmpty();
    assertThat(world.sageMaker().state().models()).as("models").isEmpty();
    assertThat(world.sageMaker().state().endpointConfigs()).as("endpoint configs").isEmpty();
  }

  /** The example with a business-hours schedule on code. */
  static ObjectNode withCodeSchedule() {
    ObjectNode doc = example();
    ((ObjectNode) doc.at("/components/1/scaling"))
        .set(
            "schedules",
            SpecParser.toTree(
                    "s: [{name: business-hours, cron: '0 8 ? * MON-FRI *', minCopies: 3,"
                        + " maxCopies: 4}]")
                .get("s"));
    return doc;
  }

  /** The scheduled-scaling function's reconcile tick, every minute. */
  Stack reconcileTicks() {
    return Stack.ticking(
        now -> stack.services().schedules().handle(TwinStack.tick(), TwinStack.ORIGIN));
  }

  Bounds bounds(String component) {
    ScalableTarget t =
        DeployOnTwinTest.targets(world).stream()
            .filter(x -> x.resourceId().equals("inference-component/" + component))
            .findFirst()
            .orElseThrow();
    return new Bounds(t.minCapacity(), t.maxCapacity());
  }

  @Test
  void aComponentsScheduleMovesItsOwnBoundsAndCopiesAlone() {
    deployed(withCodeSchedule());
    assertThat(world.scheduler().listSchedules(b -> {}).schedules())
        .singleElement()
        .satisfies(s -> assertThat(s.name()).isEqualTo("business-hours"));
    ObjectNode fired = (ObjectNode) TwinStack.json("schedule-business-hours.json");
    fired.put("deployment", "shared");

    stack.services().schedules().handle(fired, TwinStack.ORIGIN);
    world.advance(Duration.ofMinutes(15), reconcileTicks());

    assertThat(bounds("code")).isEqualTo(new Bounds(3, 4));
    assertThat(stack.desiredCopies("code")).isEqualTo(3);
    assertThat(bounds("chat")).as("the other component's bounds").isEqualTo(new Bounds(1, 8));
    assertThat(stack.desiredCopies("chat")).isEqualTo(2);
    assertThat(stack.store().ledger("shared.code", java.time.Instant.EPOCH))
        .anySatisfy(e -> assertThat(e.trigger()).contains("business-hours"));
  }

  @Test
  void anOperatorsBoundsMoveTheComponentTheyName() {
    deployed(example());
    stack
        .services()
        .schedules()
        .handle(TwinStack.json("schedule-override-component.json"), TwinStack.ORIGIN);
    world.advance(Duration.ofMinutes(15), reconcileTicks());

    assertThat(bounds("chat")).isEqualTo(new Bounds(3, 6));
    assertThat(stack.desiredCopies("chat")).isEqualTo(3);
    assertThat(bounds("code")).as("the other component's bounds").isEqualTo(new Bounds(1, 4));
    assertThat(stack.desiredCopies("code")).isEqualTo(1);
  }

  @Test
  void boundsThatDoNotNameAComponentOfASharedEndpointAreRefusedNamingThem() {
    deployed(example());
    ObjectNode bounds = (ObjectNode) TwinStack.json("schedule-explicit-bounds.json");
    bounds.put("deployment", "shared");
    assertThatThrownBy(() -> stack.services().schedules().handle(bounds, TwinStack.ORIGIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("puts 2 components on one endpoint")
        .hasMessageContaining("\"component\" (one of [chat, code])");
    bounds.put("component", "embed");
    assertThatThrownBy(() -> stack.services().schedules().handle(bounds, TwinStack.ORIGIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no component \"embed\" (its components: [chat, code])");
    // Nothing moved; the tick leaves both components as they are.
    stack.services().schedules().handle(TwinStack.tick(), TwinStack.ORIGIN);
    assertThat(bounds("chat")).isEqualTo(new Bounds(1, 8));
    assertThat(stack.desiredCopies("chat")).isEqualTo(2);
    assertThat(stack.desiredCopies("code")).isEqualTo(1);
  }

  /**
   * Engine slo on a component is accepted: the arbiter grants its decisions (docs/endpoints.md).
   */
  @Test
  void engineSloOnASharedEndpointIsDeployed() {
    ObjectNode doc = example();
    ObjectNode scaling = (ObjectNode) doc.at("/components/1/scaling");
    scaling.remove("targetTracking");
    scaling.put("engine", "slo");
    scaling.set("slo", SpecParser.toTree("slo: {ttft: 2s, attainment: 99%}").get("slo"));
    deployed(doc);
    assertThat(stack.store().deployment("shared").orElseThrow().phase()).isEqualTo(Phase.InService);
    assertThat(components()).contains("chat InService", "code InService");
  }

  /**
   * A native step policy's alarm on the second component is the deployment's (indexed under its
   * component's name), and the step-scaling function leaves it to Application Auto Scaling.
   */
  @Test
  void theSecondComponentsNativeAlarmIsFoundAndLeftToApplicationAutoScaling() {
    ObjectNode doc = example();
    ((ObjectNode) doc.at("/components/1/scaling"))
        .set(
            "stepPolicies",
            SpecParser.toTree(
                    "p: [{name: burst, alarm: {metric: ConcurrentRequestsPerCopy, periodSeconds:"
                        + " 10, evaluationPeriods: 2, threshold: 8, comparison:"
                        + " GreaterThanOrEqualToThreshold}, steps: [{lower: 0, adjustment: 1}]}]")
                .get("p"));
    deployed(doc);
    String alarm = "copyscale-shared-code.burst";
    assertThat(world.cloudWatch().describeAlarms(b -> {}).metricAlarms())
        .extracting(a -> a.alarmName())
        .filteredOn(name -> name.startsWith("copyscale-"))
        .containsExactly(alarm);
    assertThat(stack.store().deployment("shared").orElseThrow().alarms()).containsExactly(alarm);
    // To the event's time (10:00:25).
    world.advance(Duration.ofMinutes(41), DeployOnTwinTest.reconciling(deploy));
    String event =
        RepoFiles.read("events/alarm-eventbridge-burst.json")
            .replace("copyscale-llama3-chat-burst", alarm)
            .replace("llama3-chat-ic", "code");
    var result = stack.services().alarms().handle(SpecParser.toTree(event), TwinStack.ORIGIN);
    assertThat(result.toString()).contains("runs its policies in Application Auto Scaling");
  }

  @Test
  void aComponentOfAnotherDeploymentIsRefused() {
    deployed(example());
    ObjectNode other = example();
    other.put("name", "other");
    ((ObjectNode) other.get("endpoint")).put("name", "other");
    ((ObjectNode) other.at("/components/0")).put("name", "chat-2");
    assertThatThrownBy(() -> deploy.submit(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "deployment other names components chat-finance, chat-hr, chat-legal, chat-medical,"
                + " chat-retail, chat-sql, chat-support, chat-travel, code, which deployment shared"
                + " already owns");
  }
}
