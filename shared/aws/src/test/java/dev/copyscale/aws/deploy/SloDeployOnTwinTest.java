package dev.copyscale.aws.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.Phase;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.spec.InvalidSpecException;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Deploying engine: slo on the twin: the engine's wake-up alarms are created like orchestrated
 * alarms (no alarm actions: the EventBridge rule routes them) and indexed to their deployment,
 * follow the spec's minCopies and engine, and an objective the serving profile cannot meet is
 * refused before anything is written.
 */
class SloDeployOnTwinTest {
  static final Instant START = Instant.parse("2026-11-25T09:00:00Z");
  static final String RISE = "copyscale-llama3-chat-slo-rise";
  static final String FROM_ZERO = "copyscale-llama3-chat-slo-from-zero";

  static ObjectNode spec(String file) {
    return (ObjectNode) TwinStack.json(file);
  }

  static ObjectNode slo(int minCopies) {
    ObjectNode spec = spec("deploy-llama3-8b-slo.json");
    ((ObjectNode) spec.get("scaling")).put("minCopies", minCopies);
    return spec;
  }

  TwinStack stack = TwinStack.fresh(START);
  TwinAccount world = stack.account();
  DeployService deploy = stack.services().deploy();

  void deployed(JsonNode spec) {
    deploy.handle(spec);
    world.advance(Duration.ofMinutes(20), Stack.ticking(now -> deploy.reconcileInProgress()));
    assertThat(stack.store().deployment("llama3-chat").orElseThrow().phase())
        .isEqualTo(Phase.InService);
  }

  Map<String, CloudWatchTwin.Alarm> alarms() {
    return new TreeMap<>(world.cloudWatch().state().alarms());
  }

  @Test
  void anSloSpecGetsItsRiseAlarmWithoutActionsIndexedToItsDeployment() {
    JsonNode spec = slo(1);
    deployed(spec);

    assertThat(alarms()).as("minCopies 1: no from-zero alarm").containsOnlyKeys(RISE);
    CloudWatchTwin.Alarm rise = alarms().get(RISE);
    assertThat(rise.metricName()).isEqualTo("ConcurrentRequestsPerCopy");
    assertThat(rise.namespace()).isEqualTo("AWS/SageMaker");
    assertThat(rise.dimensions()).containsEntry("InferenceComponentName", "llama3-chat-ic");
    assertThat(rise.statistic()).isEqualTo("Average");
    assertThat(rise.period())
        .as("SageMaker publishes the copies' concurrency every 10 s")
        .isEqualTo(10);
    assertThat(rise.evaluationPeriods()).isEqualTo(1);
    assertThat(rise.comparisonOperator()).isEqualTo("GreaterThanOrEqualToThreshold");
    // Half of what a copy carries within the objective (11.3 for Llama 3 8B on an A10G at 2 s):
    // wakes well before the copies are full.
    double perCopy =
        SloCapacity.of(
                SpecParser.parse(spec).spec().orElseThrow(),
                dev.copyscale.catalog.Catalog.bundled())
            .perCopy(1);
    assertThat(rise.threshold()).isEqualTo(Math.max(1, Math.floor(perCopy / 2))).isGreaterThan(1);
    assertThat(rise.alarmActions())
        .as("the EventBridge rule routes copyscale's alarms; an action would invoke twice")
        .isEmpty();
    assertThat(stack.store().alarmOwner(RISE)).contains("llama3-chat");
    assertThat(stack.store().deployment("llama3-chat").orElseThrow().alarms())
        .containsExactly(RISE);
    // engine slo owns the copy count: Application Auto Scaling gets no policy of its own.
    assertThat(DeployOnTwinTest.policies(world)).isEmpty();
  }

  @Test
  void minCopiesZeroAddsTheFromZeroAlarmAndSwitchingEngineRemovesBoth() {
    deployed(slo(1));
    deploy.handle(slo(0));
    world.advance(Duration.ofMinutes(5), Stack.ticking(now -> deploy.reconcileInProgress()));

    assertThat(alarms()).containsOnlyKeys(RISE, FROM_ZERO);
    CloudWatchTwin.Alarm fromZero = alarms().get(FROM_ZERO);
    assertThat(fromZero.metricName()).isEqualTo("NoCapacityInvocationFailures");
    assertThat(fromZero.threshold()).isEqualTo(1);
    assertThat(fromZero.alarmActions()).isEmpty();
    assertThat(stack.store().alarmOwner(FROM_ZERO)).contains("llama3-chat");
    assertThat(stack.store().alarmOwner(RISE)).contains("llama3-chat");

    // engine: orchestrated with its own step policies: the wake-up alarms go, the policies' alarms
    // come.
    deploy.handle(spec("deploy-llama3-8b-orchestrated.json"));
    world.advance(Duration.ofMinutes(5), Stack.ticking(now -> deploy.reconcileInProgress()));
    assertThat(alarms())
        .containsOnlyKeys(
            "copyscale-llama3-chat-burst",
            "copyscale-llama3-chat-idle",
            "copyscale-llama3-chat-from-zero");
    assertThat(stack.store().alarmOwner(RISE)).isEmpty();
    assertThat(stack.store().alarmOwner(FROM_ZERO)).isEmpty();
    assertThat(stack.store().alarmOwner("copyscale-llama3-chat-burst")).contains("llama3-chat");
  }

  @Test
  void aTtftBelowTheProfilesFloorIsRefusedNamingTheFieldAndChangesNothing() {
    ObjectNode tooFast = slo(1);
    ((ObjectNode) tooFast.get("scaling").get("slo")).put("ttft", "50ms");
    assertThatThrownBy(() -> deploy.handle(tooFast))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("scaling.slo.ttft")
        .hasMessageContaining("50 ms")
        .hasMessageContaining("139 ms");
    assertThat(world.sageMaker().state().models()).isEmpty();
    assertThat(world.sageMaker().state().endpoints()).isEmpty();
    assertThat(alarms()).isEmpty();
    assertThat(stack.store().deployments()).isEmpty();

    // Nor does it touch a deployment already running.
    deployed(slo(1));
    DeploymentRecord before = stack.store().deployment("llama3-chat").orElseThrow();
    JsonNode aws = stack.awsState();
    assertThatThrownBy(() -> deploy.handle(tooFast))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("scaling.slo.ttft");
    assertThat(stack.store().deployment("llama3-chat").orElseThrow()).isEqualTo(before);
    assertThat(stack.awsState()).isEqualTo(aws);
  }
}
