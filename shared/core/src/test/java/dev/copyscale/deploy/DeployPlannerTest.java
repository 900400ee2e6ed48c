package dev.copyscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.deploy.Action.CreateComponent;
import dev.copyscale.deploy.Action.CreateEndpoint;
import dev.copyscale.deploy.Action.CreateEndpointConfig;
import dev.copyscale.deploy.Action.CreateModel;
import dev.copyscale.deploy.Action.DeleteAlarm;
import dev.copyscale.deploy.Action.DeleteComponent;
import dev.copyscale.deploy.Action.DeleteEndpoint;
import dev.copyscale.deploy.Action.DeleteEndpointConfig;
import dev.copyscale.deploy.Action.DeleteModel;
import dev.copyscale.deploy.Action.DeletePolicy;
import dev.copyscale.deploy.Action.DeregisterTarget;
import dev.copyscale.deploy.Action.PutStepPolicy;
import dev.copyscale.deploy.Action.PutTargetTracking;
import dev.copyscale.deploy.Action.RegisterTarget;
import dev.copyscale.deploy.Action.SetCopyCount;
import dev.copyscale.deploy.Action.UpdateComponent;
import dev.copyscale.deploy.Action.UpdateEndpoint;
import dev.copyscale.deploy.Observed.ComponentView;
import dev.copyscale.deploy.Observed.EndpointView;
import dev.copyscale.deploy.Observed.TargetView;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeployPlannerTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Wednesday 10:00 in Berlin: the example's business-hours window (4..8 copies) is in force. */
  private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

  /** The fitting example without its schedules, so the spec's own bounds (1..8) apply. */
  static ObjectNode doc() {
    try {
      ObjectNode doc = (ObjectNode) YAML.readTree(RepoFiles.read("examples/llama3-8b.yaml"));
      ((ObjectNode) doc.get("scaling")).remove("schedules");
      return doc;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static DeploymentSpec spec(ObjectNode doc) {
    return SpecParser.parse(doc).orThrow();
  }

  private static final DeploymentSpec SPEC = SpecParser.parse(doc()).orThrow();
  private static final ResourceNames NAMES = ResourceNames.of(SPEC);

  private static ComponentView component(String status, int desired) {
    return new ComponentView(
        status, NAMES.model(), 1, 6, 40960, desired, desired, Optional.empty());
  }

  /** Everything in place as the spec asks, policies applied with the spec's fingerprints. */
  private static Observed settled(int copies) {
    return new Observed(
        Set.of(NAMES.model()),
        Set.of(NAMES.endpointConfig()),
        Optional.of(new EndpointView("InService", NAMES.endpointConfig(), 1, Optional.empty())),
        Optional.of(component("InService", copies)),
        Optional.of(new TargetView(1, 8)),
        DeployPlanner.desiredPolicies(SPEC, NAMES).keySet(),
        Set.of(NAMES.alarm("burst")),
        false,
        Set.of());
  }

  private static Applied appliedAll() {
    return new Applied(DeployPlanner.desiredPolicies(SPEC, NAMES), false, true);
  }

  @Test
  void namesAreDerivedAndStableForAnUnchangedSpec() {
    assertThat(NAMES.model()).matches("llama3-chat-[0-9a-f]{10}");
    assertThat(NAMES.endpointConfig())
        .matches("llama3-chat-[0-9a-f]{10}")
        .isNotEqualTo(NAMES.model());
    assertThat(NAMES.scalableResourceId()).isEqualTo("inference-component/llama3-chat-ic");
    assertThat(NAMES.scalableDimension())
        .isEqualTo("sagemaker:inference-component:DesiredCopyCount");
    assertThat(ResourceNames.of(SPEC)).isEqualTo(NAMES);
    assertThat(NAMES.owns(NAMES.model())).isTrue();
    assertThat(NAMES.owns("llama3-chat-ic")).isFalse();
  }

  @Test
  void fromNothingCreatesModelConfigAndEndpointThenWaits() {
    Plan plan = plan(SPEC, Observed.nothing(), Applied.none(), NOW);
    assertThat(plan.phase()).isEqualTo(Phase.Creating);
    assertThat(plan.actions())
        .containsExactly(
            new CreateModel(NAMES.model()),
            new CreateEndpointConfig(NAMES.endpointConfig()),
            new CreateEndpoint("llama3-chat", NAMES.endpointConfig()));
  }

  @Test
  void waitsWhileTheEndpointIsCreating() {
    Observed creating =
        new Observed(
            Set.of(NAMES.model()),
            Set.of(NAMES.endpointConfig()),
            Optional.of(new EndpointView("Creating", NAMES.endpointConfig(), 0, Optional.empty())),
            Optional.empty(),
            Optional.empty(),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    Plan plan = plan(SPEC, creating, Applied.none(), NOW);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.waitingFor()).contains("endpoint llama3-chat is Creating");
    assertThat(plan.phase()).isEqualTo(Phase.Creating);
  }

  @Test
  void createsTheComponentOnceTheEndpointServesThenTheTargetAndPolicies() {
    Observed endpointUp =
        new Observed(
            Set.of(NAMES.model()),
            Set.of(NAMES.endpointConfig()),
            Optional.of(new EndpointView("InService", NAMES.endpointConfig(), 1, Optional.empty())),
            Optional.empty(),
            Optional.empty(),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    assertThat(plan(SPEC, endpointUp, Applied.none(), NOW).actions())
        .containsExactly(new CreateComponent("llama3-chat-ic", NAMES.model(), 4));

    Observed componentUp =
        new Observed(
            endpointUp.models(),
            endpointUp.endpointConfigs(),
            endpointUp.endpoint(),
            Optional.of(component("InService", 4)),
            Optional.empty(),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    assertThat(plan(SPEC, componentUp, Applied.none(), NOW).actions())
        .containsExactly(
            new RegisterTarget("inference-component/llama3-chat-ic", 1, 8),
            new PutTargetTracking("copyscale-llama3-chat-target-tracking"),
            new PutStepPolicy(
                "burst", "copyscale-llama3-chat-burst", "copyscale-llama3-chat-burst"));
  }

  @Test
  void anUnchangedSpecMakesNoWrites() {
    Plan plan = plan(SPEC, settled(4), appliedAll(), NOW);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.phase()).isEqualTo(Phase.InService);
  }

  @Test
  void aRedeployKeepsTheCountScalingSetWithinTheBounds() {
    assertThat(plan(SPEC, settled(7), appliedAll(), NOW).actions()).isEmpty();
  }

  @Test
  void aRedeployMovesACountOutsideTheNewBoundsIntoThem() throws Exception {
    ObjectNode doc = doc();
    ((ObjectNode) doc.get("scaling")).put("maxCopies", 5);
    DeploymentSpec narrower = spec(doc);
    Applied applied = new Applied(DeployPlanner.desiredPolicies(narrower, NAMES), false, true);
    Plan plan = plan(narrower, settled(7), applied, NOW);
    assertThat(plan.actions())
        .containsExactly(
            new SetCopyCount("llama3-chat-ic", 7, 5, "count was above the maximum 5 of the spec"),
            new RegisterTarget("inference-component/llama3-chat-ic", 1, 5));
    assertThat(plan.phase()).isEqualTo(Phase.Updating);
  }

  @Test
  void aDeployInTheMiddleOfAScheduleWindowAppliesThatWindow() {
    DeploymentSpec scheduled =
        SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml")).orThrow();
    // Wednesday 10:00 Berlin: business hours (4..8) since 08:00; 2 copies are below the window
    Plan day =
        plan(
            scheduled,
            settled(2),
            new Applied(DeployPlanner.desiredPolicies(scheduled, NAMES), false, true),
            NOW);
    assertThat(day.actions())
        .containsExactly(
            new SetCopyCount(
                "llama3-chat-ic",
                2,
                4,
                "count was below the minimum 4 of the schedule business-hours (fired"
                    + " 2026-11-25T07:00:00Z)"),
            new RegisterTarget("inference-component/llama3-chat-ic", 4, 8),
            new Action.PutSchedule("copyscale-llama3-chat", "business-hours"),
            new Action.PutSchedule("copyscale-llama3-chat", "nights"));
    // 22:00 Berlin: nights (0..2) since 20:00
    Plan night =
        plan(
            scheduled,
            settled(4),
            new Applied(DeployPlanner.desiredPolicies(scheduled, NAMES), false, true),
            Instant.parse("2026-11-25T21:00:00Z"));
    assertThat(night.actions())
        .startsWith(
            new SetCopyCount(
                "llama3-chat-ic",
                4,
                2,
                "count was above the maximum 2 of the schedule nights (fired"
                    + " 2026-11-25T19:00:00Z)"),
            new RegisterTarget("inference-component/llama3-chat-ic", 0, 2));
  }

  @Test
  void schedulesArePutOnceAndRemovedWhenTheSpecDropsThem() {
    DeploymentSpec scheduled =
        SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml")).orThrow();
    Map<String, String> applied =
        new java.util.HashMap<>(DeployPlanner.desiredPolicies(scheduled, NAMES));
    scheduled
        .scaling()
        .schedules()
        .forEach(x -> applied.put(DeployPlanner.scheduleKey(x.name()), x.toString()));
    Observed o = settled(4);
    Observed withSchedules =
        new Observed(
            o.models(),
            o.endpointConfigs(),
            o.endpoint(),
            o.component(),
            Optional.of(new TargetView(4, 8)),
            o.policies(),
            o.alarms(),
            true,
            Set.of("business-hours", "nights", "weekend-off"));
    assertThat(plan(scheduled, withSchedules, new Applied(applied, false, true), NOW).actions())
        .containsExactly(new Action.DeleteSchedule("copyscale-llama3-chat", "weekend-off"));
    assertThat(
            DeployPlanner.planDelete(
                    NAMES,
                    new Observed(
                        Set.of(),
                        Set.of(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Set.of(),
                        Set.of(),
                        true,
                        Set.of("nights")))
                .actions())
        .containsExactly(
            new Action.DeleteSchedule("copyscale-llama3-chat", "nights"),
            new Action.DeleteScheduleGroup("copyscale-llama3-chat"));
  }

  @Test
  void aSpecWithoutSchedulesLeavesNoEmptyGroupBehind() {
    // The landed code kept the group until the deployment was deleted.
    DeploymentSpec unscheduled = SPEC;
    Observed o = settled(4);
    Observed withSchedules =
        new Observed(
            o.models(),
            o.endpointConfigs(),
            o.endpoint(),
            o.component(),
            o.target(),
            o.policies(),
            o.alarms(),
            true,
            Set.of("nights"));
    assertThat(
            plan(
                    unscheduled,
                    withSchedules,
                    new Applied(DeployPlanner.desiredPolicies(unscheduled, NAMES), false, true),
                    NOW)
                .actions())
        .contains(
            new Action.DeleteSchedule("copyscale-llama3-chat", "nights"),
            new Action.DeleteScheduleGroup("copyscale-llama3-chat"));
    Observed emptyGroup =
        new Observed(
            o.models(),
            o.endpointConfigs(),
            o.endpoint(),
            o.component(),
            o.target(),
            o.policies(),
            o.alarms(),
            true,
            Set.of());
    assertThat(
            plan(
                    unscheduled,
                    emptyGroup,
                    new Applied(DeployPlanner.desiredPolicies(unscheduled, NAMES), false, true),
                    NOW)
                .actions())
        .contains(new Action.DeleteScheduleGroup("copyscale-llama3-chat"));
  }

  @Test
  void orchestratedPoliciesGetAlarmsButNoScalingPolicies() {
    DeploymentSpec orchestrated =
        SpecParser.parse(RepoFiles.read("examples/llama3-8b-orchestrated.yaml")).orThrow();
    assertThat(DeployPlanner.desiredPolicies(orchestrated, NAMES)).isEmpty();
    ResourceNames names = ResourceNames.of(orchestrated);
    Observed o =
        new Observed(
            Set.of(names.model()),
            Set.of(names.endpointConfig()),
            Optional.of(new EndpointView("InService", names.endpointConfig(), 1, Optional.empty())),
            Optional.of(
                new ComponentView("InService", names.model(), 1, 6, 40960, 2, 2, Optional.empty())),
            Optional.of(new TargetView(0, 8)),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    assertThat(plan(orchestrated, o, Applied.none(), NOW).actions())
        .filteredOn(a -> a instanceof Action.PutAlarm)
        .containsExactly(
            new Action.PutAlarm("burst", "copyscale-llama3-chat-burst"),
            new Action.PutAlarm("idle", "copyscale-llama3-chat-idle"),
            new Action.PutAlarm("from-zero", "copyscale-llama3-chat-from-zero"));
  }

  @Test
  void zeroCopiesAreCreatedAsOneThenScaledToZero() throws Exception {
    ObjectNode doc = doc();
    ((ObjectNode) doc.get("component")).put("copies", 0);
    ((ObjectNode) doc.get("scaling")).put("minCopies", 0);
    DeploymentSpec zero = spec(doc);
    Observed endpointUp =
        new Observed(
            Set.of(NAMES.model()),
            Set.of(NAMES.endpointConfig()),
            Optional.of(new EndpointView("InService", NAMES.endpointConfig(), 1, Optional.empty())),
            Optional.empty(),
            Optional.empty(),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    assertThat(plan(zero, endpointUp, Applied.none(), NOW).actions())
        .containsExactly(new CreateComponent("llama3-chat-ic", NAMES.model(), 1));
    Observed one =
        new Observed(
            endpointUp.models(),
            endpointUp.endpointConfigs(),
            endpointUp.endpoint(),
            Optional.of(component("InService", 1)),
            Optional.of(new TargetView(0, 8)),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    assertThat(plan(zero, one, new Applied(Map.of(), true, false), NOW).actions())
        .startsWith(
            new SetCopyCount(
                "llama3-chat-ic",
                1,
                0,
                "the spec asks 0 copies; SageMaker creates with at least 1"));
    assertThat(plan(zero, one, new Applied(Map.of(), false, false), NOW).actions())
        .noneMatch(a -> a instanceof SetCopyCount);
  }

  @Test
  void aChangedContainerUpdatesTheComponentInPlace() throws Exception {
    ObjectNode doc = doc();
    ((ObjectNode) doc.get("component"))
        .put(
            "image",
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3-tgi2.2-gpu-py310-cu121-ubuntu22.04");
    DeploymentSpec changed = spec(doc);
    ResourceNames names = ResourceNames.of(changed);
    assertThat(names.model()).isNotEqualTo(NAMES.model());
    assertThat(names.endpointConfig()).isEqualTo(NAMES.endpointConfig());
    Plan plan = plan(changed, settled(4), appliedAll(), NOW);
    assertThat(plan.actions())
        .containsExactly(
            new CreateModel(names.model()), new UpdateComponent("llama3-chat-ic", names.model()));
    assertThat(plan.phase()).isEqualTo(Phase.Updating);
  }

  @Test
  void aChangedInstanceTypeMakesANewEndpointConfigAndUpdatesTheEndpoint() throws Exception {
    ObjectNode doc = doc();
    ((ObjectNode) doc.get("endpoint")).put("instanceType", "ml.g6.12xlarge");
    DeploymentSpec changed = spec(doc);
    ResourceNames names = ResourceNames.of(changed);
    Plan plan = plan(changed, settled(4), appliedAll(), NOW);
    assertThat(plan.actions())
        .containsExactly(
            new CreateEndpointConfig(names.endpointConfig()),
            new UpdateEndpoint("llama3-chat", names.endpointConfig()));
  }

  @Test
  void changedPoliciesArePutAgainAndRemovedOnesDeleted() throws Exception {
    ObjectNode doc = doc();
    ((ObjectNode) doc.get("scaling").get("targetTracking")).put("target", 30);
    ((ObjectNode) doc.get("scaling")).remove("stepPolicies");
    DeploymentSpec changed = spec(doc);
    Plan plan = plan(changed, settled(4), appliedAll(), NOW);
    assertThat(plan.actions())
        .containsExactly(
            new PutTargetTracking("copyscale-llama3-chat-target-tracking"),
            new DeletePolicy("copyscale-llama3-chat-burst", "inference-component/llama3-chat-ic"),
            new DeleteAlarm("copyscale-llama3-chat-burst"));
  }

  @Test
  void oldModelsAndConfigsAreCleanedUpOnceUnused() {
    Observed o = settled(4);
    Observed withOld =
        new Observed(
            Set.of(NAMES.model(), "llama3-chat-0123456789", "other-model"),
            Set.of(NAMES.endpointConfig(), "llama3-chat-abcdefabcd"),
            o.endpoint(),
            o.component(),
            o.target(),
            o.policies(),
            o.alarms(),
            false,
            Set.of());
    assertThat(plan(SPEC, withOld, appliedAll(), NOW).actions())
        .containsExactly(
            new DeleteEndpointConfig("llama3-chat-abcdefabcd"),
            new DeleteModel("llama3-chat-0123456789"));
  }

  @Test
  void failuresAreReportedWithTheirReason() {
    Observed failed =
        new Observed(
            Set.of(NAMES.model()),
            Set.of(NAMES.endpointConfig()),
            Optional.of(
                new EndpointView(
                    "Failed", NAMES.endpointConfig(), 0, Optional.of("insufficient capacity"))),
            Optional.empty(),
            Optional.empty(),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    Plan plan = plan(SPEC, failed, Applied.none(), NOW);
    assertThat(plan.phase()).isEqualTo(Phase.Failed);
    assertThat(plan.failure()).contains("endpoint llama3-chat is Failed: insufficient capacity");
  }

  @Test
  void deleteTearsDownInReverseOrder() {
    Plan first = DeployPlanner.planDelete(NAMES, settled(4));
    assertThat(first.actions())
        .containsExactly(
            new DeregisterTarget("inference-component/llama3-chat-ic"),
            new DeleteAlarm("copyscale-llama3-chat-burst"),
            new DeleteComponent("llama3-chat-ic"));
    Observed componentGone =
        new Observed(
            Set.of(NAMES.model()),
            Set.of(NAMES.endpointConfig()),
            settled(4).endpoint(),
            Optional.empty(),
            Optional.empty(),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    assertThat(DeployPlanner.planDelete(NAMES, componentGone).actions())
        .containsExactly(new DeleteEndpoint("llama3-chat"));
    Observed endpointGone =
        new Observed(
            Set.of(NAMES.model()),
            Set.of(NAMES.endpointConfig()),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    assertThat(DeployPlanner.planDelete(NAMES, endpointGone).actions())
        .containsExactly(
            new DeleteEndpointConfig(NAMES.endpointConfig()), new DeleteModel(NAMES.model()));
    Plan done = DeployPlanner.planDelete(NAMES, Observed.nothing());
    assertThat(done.phase()).isEqualTo(Phase.Deleted);
    assertThat(done.actions()).isEmpty();
  }

  @Test
  void deleteWaitsForSageMaker() {
    Observed deleting =
        new Observed(
            Set.of(),
            Set.of(),
            settled(4).endpoint(),
            Optional.of(component("Deleting", 4)),
            Optional.empty(),
            Set.of(),
            Set.of(),
            false,
            Set.of());
    Plan plan = DeployPlanner.planDelete(NAMES, deleting);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.waitingFor()).contains("inference component llama3-chat-ic is Deleting");
  }

  /** The plan for a spec whose alarms are its step policies (every engine but slo). */
  private static Plan plan(
      DeploymentSpec spec, Observed o, Applied applied, java.time.Instant now) {
    return DeployPlanner.plan(
        spec, Map.of(spec.component().name(), spec.scaling().stepPolicies()), o, applied, now);
  }
}
