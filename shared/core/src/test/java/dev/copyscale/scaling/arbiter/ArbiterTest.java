package dev.copyscale.scaling.arbiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The arbiter's rules, one example each, on ml.g5.12xlarge: 4 A10G, 48 vCPUs, 192 GiB, $7.09/h. */
class ArbiterTest {
  static final InstanceType G5_12 = Catalog.bundled().instanceType("ml.g5.12xlarge").orElseThrow();

  static EndpointLimits maxInstances(int max) {
    return new EndpointLimits(G5_12, 0, max, OptionalDouble.empty());
  }

  static EndpointLimits budget(double usdPerHour, int max) {
    return new EndpointLimits(G5_12, 0, max, OptionalDouble.of(usdPerHour));
  }

  /** A component whose copy takes {@code gpus} accelerators, 10 CPUs and 40,000 MiB a GPU. */
  static ComponentWish component(
      String name, int priority, int gpus, int min, int max, int now, int wished) {
    return new ComponentWish(
        name,
        priority,
        new CopyResources(gpus, 10 * gpus, 40_000L * gpus),
        min,
        max,
        now,
        wished,
        "");
  }

  static ComponentWish component(String name, int priority, int now, int wished) {
    return component(name, priority, 1, 0, 20, now, wished);
  }

  static RunningInstance instance(String id, Map<String, Integer> copies) {
    return new RunningInstance(id, copies);
  }

  @Test
  void aHigherPriorityIsServedFirstAndTheOtherIsToldWhy() {
    ArbiterDecision d =
        Arbiter.decide(
            maxInstances(1),
            List.of(),
            List.of(component("chat", 1, 0, 3), component("guard", 10, 0, 3)));

    assertThat(d.grant("guard").copies()).isEqualTo(3);
    assertThat(d.grant("guard").heldBack()).isEmpty();
    assertThat(d.grant("chat").copies()).isEqualTo(1);
    HeldBack held = d.grant("chat").heldBack().orElseThrow();
    assertThat(held.limits()).containsExactlyInAnyOrder(Limit.HIGHER_PRIORITY, Limit.MAX_INSTANCES);
    assertThat(held.higherPriority()).containsExactly("guard");
    assertThat(held.reason())
        .isEqualTo(
            "held back by higher-priority guard (priority 10), which holds the capacity"
                + " maxInstances 1 allows");
    assertThat(d.instances()).isEqualTo(1);
  }

  @Test
  void swappingThePrioritiesSwapsWhoIsServed() {
    ArbiterDecision d =
        Arbiter.decide(
            maxInstances(1),
            List.of(),
            List.of(component("chat", 10, 0, 3), component("guard", 1, 0, 3)));

    assertThat(d.grant("chat").copies()).isEqualTo(3);
    assertThat(d.grant("guard").copies()).isEqualTo(1);
    assertThat(d.grant("guard").heldBack().orElseThrow().higherPriority()).containsExactly("chat");
  }

  @Test
  void equalPrioritiesShareOneCopyAtATimeInNameOrder() {
    ArbiterDecision even =
        Arbiter.decide(
            maxInstances(1),
            List.of(),
            List.of(component("beta", 5, 0, 3), component("alpha", 5, 0, 3)));
    assertThat(even.grant("alpha").copies()).isEqualTo(2);
    assertThat(even.grant("beta").copies()).isEqualTo(2);
    // Neither holds a higher priority: both are held by the cap alone.
    assertThat(even.grant("alpha").heldBack().orElseThrow().limits())
        .containsExactly(Limit.MAX_INSTANCES);

    // Three GPUs' worth of copies left after gamma's 1: alpha, beta, alpha.
    ArbiterDecision odd =
        Arbiter.decide(
            maxInstances(1),
            List.of(),
            List.of(
                component("beta", 5, 0, 3),
                component("alpha", 5, 0, 3),
                component("gamma", 9, 0, 1)));
    assertThat(odd.grant("alpha").copies()).isEqualTo(2);
    assertThat(odd.grant("beta").copies()).isEqualTo(1);
  }

  @Test
  void theBudgetCapsTheWholeEndpoint() {
    // $15/h buys two ml.g5.12xlarge at $7.09/h; the wishes need three.
    ArbiterDecision d =
        Arbiter.decide(
            budget(15, 10),
            List.of(),
            List.of(component("chat", 10, 2, 0, 4, 0, 4), component("code", 1, 1, 0, 4, 0, 4)));

    assertThat(d.instances()).isEqualTo(2);
    assertThat(d.usdPerHour()).isEqualTo(2 * 7.09).isLessThanOrEqualTo(15);
    assertThat(d.grant("chat").copies()).isEqualTo(4);
    // The room left after chat's four 2-GPU copies: none; code is held to its minimum, 0.
    assertThat(d.grant("code").copies()).isZero();
    HeldBack held = d.grant("code").heldBack().orElseThrow();
    assertThat(held.limits()).contains(Limit.BUDGET).doesNotContain(Limit.MAX_INSTANCES);
    assertThat(held.reason())
        .isEqualTo(
            "held back by higher-priority chat (priority 10), which holds the capacity the budget"
                + " $15.00/h (2 ml.g5.12xlarge at $7.09/h) allows");
  }

  @Test
  void aComponentHeldByTheBudgetAloneSaysWhatTheNextCopyWouldCost() {
    ArbiterDecision d =
        Arbiter.decide(budget(15, 10), List.of(), List.of(component("chat", 1, 1, 0, 12, 0, 12)));

    assertThat(d.grant("chat").copies()).isEqualTo(8);
    assertThat(d.grant("chat").heldBack().orElseThrow().reason())
        .isEqualTo(
            "held back by the budget $15.00/h (2 ml.g5.12xlarge at $7.09/h): one more copy would"
                + " need 3 ml.g5.12xlarge ($21.27/h)");
  }

  @Test
  void maxInstancesCapsTheWholeEndpoint() {
    ArbiterDecision d =
        Arbiter.decide(
            maxInstances(2),
            List.of(),
            List.of(
                new ComponentWish(
                    "code",
                    1,
                    new CopyResources(1, 10, 40_000),
                    1,
                    20,
                    3,
                    12,
                    "TTFT p90 1.4 s above the 1.0 s objective")));

    assertThat(d.instances()).isEqualTo(2);
    assertThat(d.grant("code").copies()).isEqualTo(8);
    assertThat(d.grant("code").heldBack().orElseThrow().limits())
        .containsExactly(Limit.MAX_INSTANCES);
    assertThat(d.grant("code").explanation())
        .isEqualTo(
            "code: 3 -> 8 copies (wished 12; engine: TTFT p90 1.4 s above the 1.0 s objective):"
                + " held back by maxInstances 2: one more copy would need 3 ml.g5.12xlarge"
                + " ($21.27/h)");
  }

  @Test
  void whenBothLimitsAllowTheSameBothAreNamed() {
    ArbiterDecision d =
        Arbiter.decide(budget(14.18, 2), List.of(), List.of(component("chat", 1, 0, 9)));

    assertThat(d.grant("chat").heldBack().orElseThrow().limits())
        .containsExactlyInAnyOrder(Limit.BUDGET, Limit.MAX_INSTANCES);
    assertThat(d.grant("chat").heldBack().orElseThrow().reason())
        .startsWith(
            "held back by maxInstances 2 and the budget $14.18/h (2 ml.g5.12xlarge at $7.09/h):");
  }

  @Test
  void aWishOutsideTheComponentsBoundsIsHeldToThemWithoutBlamingTheEndpoint() {
    ArbiterDecision d =
        Arbiter.decide(
            maxInstances(4),
            List.of(),
            List.of(component("chat", 1, 1, 2, 3, 0, 9), component("code", 1, 1, 2, 3, 0, 0)));

    assertThat(d.grant("chat").copies()).isEqualTo(3);
    assertThat(d.grant("chat").heldBack()).isEmpty();
    assertThat(d.grant("chat").explanation())
        .isEqualTo("chat: 0 -> 3 copies (wished 9, capped at maxCopies 3)");
    assertThat(d.grant("code").copies()).isEqualTo(2);
    assertThat(d.grant("code").explanation())
        .isEqualTo("code: 0 -> 2 copies (wished 0, kept at minCopies 2)");
  }

  @Test
  void aQuietComponentsCopiesMakeRoomForABusyOneBeforeAnInstanceIsBought() {
    List<RunningInstance> now = List.of(instance("i-1", Map.of("chat", 3, "code", 1)));

    ArbiterDecision quiet =
        Arbiter.decide(
            maxInstances(4), now, List.of(component("chat", 1, 3, 1), component("code", 1, 1, 3)));
    assertThat(quiet.grant("chat").copies()).isEqualTo(1);
    assertThat(quiet.grant("code").copies()).isEqualTo(3);
    assertThat(quiet.added()).isZero();
    assertThat(quiet.layout())
        .containsExactly(new PlannedInstance("i-1", false, Map.of("chat", 1, "code", 3)));

    // The same busy component next to one that keeps its copies: an instance is bought.
    ArbiterDecision steady =
        Arbiter.decide(
            maxInstances(4), now, List.of(component("chat", 1, 3, 3), component("code", 1, 1, 3)));
    assertThat(steady.grant("code").copies()).isEqualTo(3);
    assertThat(steady.added()).isEqualTo(1);
    assertThat(steady.layout().get(1))
        .isEqualTo(new PlannedInstance("new-1", true, Map.of("code", 2)));
  }

  @Test
  void anInstanceIsReleasedOnlyWhenNoComponentNeedsIt() {
    List<RunningInstance> now =
        List.of(instance("i-1", Map.of("chat", 2, "code", 1)), instance("i-2", Map.of("code", 1)));

    // code gives up one copy: the one on the emptier instance, which then goes.
    ArbiterDecision shrink =
        Arbiter.decide(
            maxInstances(4), now, List.of(component("chat", 1, 2, 2), component("code", 1, 2, 1)));
    assertThat(shrink.released()).containsExactly("i-2");
    assertThat(shrink.layout())
        .containsExactly(new PlannedInstance("i-1", false, Map.of("chat", 2, "code", 1)));

    // code keeps both copies: i-2 still holds one, so it stays although i-1 has room for it
    // (SageMaker does not move a running copy).
    ArbiterDecision keep =
        Arbiter.decide(
            maxInstances(4), now, List.of(component("chat", 1, 2, 1), component("code", 1, 2, 2)));
    assertThat(keep.released()).isEmpty();
    assertThat(keep.instances()).isEqualTo(2);
  }

  @Test
  void theDecisionSaysWhatItDoesToTheInstances() {
    List<RunningInstance> now =
        List.of(instance("i-1", Map.of("chat", 2, "code", 1)), instance("i-2", Map.of("code", 1)));

    assertThat(
            Arbiter.decide(
                    maxInstances(4),
                    now,
                    List.of(component("chat", 1, 2, 2), component("code", 1, 2, 1)))
                .instancesLine())
        .isEqualTo(
            "instances: 2 -> 1 planned ($7.09/h): first fit places every copy on 1; an instance"
                + " goes once no copy is left on it");
    assertThat(
            Arbiter.decide(
                    maxInstances(4),
                    now,
                    List.of(component("chat", 1, 2, 7), component("code", 1, 2, 2)))
                .instancesLine())
        .isEqualTo(
            "instances: 2 -> 3 planned ($21.27/h): 1 added for copies no running instance has"
                + " room for");
    assertThat(
            Arbiter.decide(
                    maxInstances(4),
                    now,
                    List.of(component("chat", 1, 2, 3), component("code", 1, 2, 2)))
                .instancesLine())
        .isEqualTo("instances: 2 ($14.18/h) hold every copy");
  }

  @Test
  void aLowerPriorityGivesUpCopiesWhenTheCapIsReached() {
    List<RunningInstance> now = List.of(instance("i-1", Map.of("chat", 2, "batch", 2)));
    ArbiterDecision d =
        Arbiter.decide(
            maxInstances(1),
            now,
            List.of(component("chat", 10, 2, 4), component("batch", 1, 1, 1, 4, 2, 2)));

    // batch keeps its minimum; chat takes the rest of the instance.
    assertThat(d.grant("chat").copies()).isEqualTo(3);
    assertThat(d.grant("batch").copies()).isEqualTo(1);
    assertThat(d.grant("chat").heldBack().orElseThrow().reason())
        .isEqualTo(
            "held back by maxInstances 1: one more copy would need 2 ml.g5.12xlarge ($14.18/h)");
    assertThat(d.grant("batch").heldBack().orElseThrow().higherPriority()).containsExactly("chat");
    assertThat(d.grant("batch").explanation())
        .isEqualTo(
            "batch: 2 -> 1 copy (wished 2): held back by higher-priority chat (priority 10), which"
                + " holds the capacity maxInstances 1 allows");
    assertThat(d.layout())
        .containsExactly(new PlannedInstance("i-1", false, Map.of("chat", 3, "batch", 1)));
  }

  @Test
  void minimumCopiesThatExceedTheCapAreRefusedNamingTheComponents() {
    assertThatThrownBy(
            () ->
                Arbiter.decide(
                    maxInstances(1),
                    List.of(),
                    List.of(
                        component("chat", 1, 1, 3, 5, 0, 3),
                        component("code", 1, 1, 2, 5, 0, 2),
                        component("guard", 1, 1, 0, 5, 0, 0))))
        .isInstanceOf(CapacityConflictException.class)
        .hasMessage(
            "the minimum copies of chat (minCopies 3 × 1 accelerator, 10 CPUs, 40000 MiB) and code"
                + " (minCopies 2 × 1 accelerator, 10 CPUs, 40000 MiB) need 2 ml.g5.12xlarge"
                + " instances, but maxInstances 1 allows 1: lower a minCopies, raise the limit, or"
                + " put a component on an endpoint of its own");

    assertThatThrownBy(
            () ->
                Arbiter.decide(
                    budget(10, 5), List.of(), List.of(component("chat", 1, 4, 2, 5, 0, 2))))
        .isInstanceOf(CapacityConflictException.class)
        .hasMessageContaining("but the budget $10.00/h (1 ml.g5.12xlarge at $7.09/h) allows 1");
  }

  @Test
  void aCopyThatFitsNoInstanceOrAMinimumTheBudgetCannotPayIsRefused() {
    assertThatThrownBy(
            () ->
                Arbiter.decide(
                    maxInstances(3), List.of(), List.of(component("big", 1, 8, 0, 1, 0, 1))))
        .isInstanceOf(CapacityConflictException.class)
        .hasMessage(
            "a copy of big (8 accelerators, 80 CPUs, 320000 MiB a copy) fits no ml.g5.12xlarge,"
                + " which has 4 accelerators, 48 vCPUs and 196608 MiB");

    assertThatThrownBy(
            () ->
                Arbiter.decide(
                    new EndpointLimits(G5_12, 2, 4, OptionalDouble.of(10)),
                    List.of(),
                    List.of(component("chat", 1, 0, 1))))
        .isInstanceOf(CapacityConflictException.class)
        .hasMessage("minInstances 2 costs $14.18/h, above the budget $10.00/h");
  }

  @Test
  void minInstancesKeepsTheOldestEmptyInstances() {
    List<RunningInstance> now =
        List.of(instance("i-1", Map.of("chat", 1)), instance("i-2", Map.of("chat", 1)));
    ArbiterDecision d =
        Arbiter.decide(
            new EndpointLimits(G5_12, 1, 4, OptionalDouble.empty()),
            now,
            List.of(component("chat", 1, 2, 0)));

    assertThat(d.layout()).containsExactly(new PlannedInstance("i-1", false, Map.of()));
    assertThat(d.released()).containsExactly("i-2");
  }

  @Test
  void minimumCopiesSpreadOverMoreInstancesThanTheCapAreHeldAndSaidSo() {
    // The budget fell to one instance; chat's two minimum copies sit on two instances and only a
    // move (which SageMaker does not do) would bring them onto one.
    List<RunningInstance> now =
        List.of(
            instance("i-1", Map.of("chat", 1, "batch", 2)),
            instance("i-2", Map.of("chat", 1, "batch", 2)));
    ArbiterDecision d =
        Arbiter.decide(
            budget(8, 4),
            now,
            List.of(component("chat", 10, 2, 2, 4, 2, 2), component("batch", 1, 1, 0, 4, 4, 4)));

    assertThat(d.grant("batch").copies()).isZero();
    assertThat(d.instances()).isEqualTo(2);
    assertThat(d.overCap().orElseThrow())
        .isEqualTo(
            "the minimum copies sit on 2 instances, more than the budget $8.00/h (1 ml.g5.12xlarge"
                + " at $7.09/h) allows: SageMaker does not move a running copy, so the endpoint"
                + " holds them until copies are removed");
  }

  @Test
  void inputsThatContradictEachOtherAreRefused() {
    assertThatThrownBy(
            () ->
                Arbiter.decide(
                    maxInstances(2),
                    List.of(instance("i-1", Map.of("ghost", 1))),
                    List.of(component("chat", 1, 0, 1))))
        .hasMessage("instance i-1 holds copies of ghost, which is not a component");
    assertThatThrownBy(
            () ->
                Arbiter.decide(
                    maxInstances(2),
                    List.of(instance("i-1", Map.of("chat", 2))),
                    List.of(component("chat", 1, 1, 1))))
        .hasMessage("component chat: the instances hold 2 of its copies but copiesNow is 1");
    assertThatThrownBy(
            () ->
                Arbiter.decide(
                    maxInstances(2),
                    List.of(instance("i-1", Map.of("chat", 5))),
                    List.of(component("chat", 1, 5, 5))))
        .hasMessageStartingWith(
            "instance i-1 holds more copies than an ml.g5.12xlarge has room for");
    assertThatThrownBy(
            () ->
                Arbiter.decide(
                    maxInstances(2),
                    List.of(),
                    List.of(component("chat", 1, 0, 1), component("chat", 2, 0, 1))))
        .hasMessage("component chat is given twice");
  }
}
