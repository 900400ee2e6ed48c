package dev.copyscale.scaling.arbiter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The arbiter's promises over many random endpoints: within the cap, within every component's
 * bounds, held back only with a reason and only when one more copy would break the cap, and no copy
 * removed or instance released that a grant still needs.
 */
class ArbiterPropertiesTest {
  private static final List<String> TYPES =
      List.of("ml.g5.12xlarge", "ml.g5.48xlarge", "ml.g6.12xlarge", "ml.g5.2xlarge");

  @Test
  void everyDecisionKeepsTheRules() {
    Random random = new Random(23);
    int decided = 0;
    int heldBack = 0;
    int refused = 0;
    for (int trial = 0; trial < 1_000; trial++) {
      InstanceType type =
          Catalog.bundled().instanceType(TYPES.get(random.nextInt(TYPES.size()))).orElseThrow();
      int max = 1 + random.nextInt(5);
      OptionalDouble budget =
          random.nextBoolean()
              ? OptionalDouble.of(type.priceUsdPerHour() * (random.nextDouble() * (max + 1)))
              : OptionalDouble.empty();
      EndpointLimits limits = new EndpointLimits(type, random.nextInt(2), max, budget);
      List<ComponentWish> components = new ArrayList<>();
      Map<String, CopyResources> sizes = new HashMap<>();
      int n = 1 + random.nextInt(4);
      for (int c = 0; c < n; c++) {
        int gpus = 1 + random.nextInt(type.gpuCount());
        CopyResources size =
            new CopyResources(
                gpus,
                Math.min(type.vcpus(), gpus * (1 + random.nextInt(type.vcpus() / type.gpuCount()))),
                Math.min(type.memoryMb(), gpus * (1 + random.nextInt(48)) * 1024L));
        String name = "c" + c;
        sizes.put(name, size);
        int min = random.nextInt(3) == 0 ? 1 : 0;
        int maxCopies = min + random.nextInt(8);
        components.add(
            new ComponentWish(
                name, random.nextInt(3), size, min, maxCopies, 0, random.nextInt(10), ""));
      }
      // Copies now: a random feasible layout of up to max + 1 instances (a budget may have fallen).
      List<RunningInstance> running = new ArrayList<>();
      Map<String, Integer> placed = new HashMap<>();
      for (int i = 0; i < random.nextInt(max + 2); i++) {
        Map<String, Integer> on = new HashMap<>();
        for (int k = 0; k < 6; k++) {
          ComponentWish c = components.get(random.nextInt(n));
          if (FirstFit.fits(type, on, sizes, c.perCopy())) {
            on.merge(c.name(), 1, Integer::sum);
            placed.merge(c.name(), 1, Integer::sum);
          }
        }
        running.add(new RunningInstance("i-" + i, on));
      }
      List<ComponentWish> withNow = new ArrayList<>();
      for (ComponentWish c : components) {
        int now = placed.getOrDefault(c.name(), 0) + random.nextInt(2);
        withNow.add(
            new ComponentWish(
                c.name(),
                c.priority(),
                c.perCopy(),
                c.minCopies(),
                c.maxCopies(),
                now,
                c.wishedCopies(),
                ""));
      }

      ArbiterDecision d;
      try {
        d = Arbiter.decide(limits, running, withNow);
      } catch (CapacityConflictException e) {
        refused++;
        assertThat(e.getMessage()).isNotBlank();
        continue;
      }
      decided++;
      int cap = Math.min(max, limits.instancesTheBudgetBuys());
      if (d.overCap().isEmpty()) {
        assertThat(d.instances()).isLessThanOrEqualTo(Math.max(cap, limits.minInstances()));
        budget.ifPresent(b -> assertThat(d.usdPerHour()).isLessThanOrEqualTo(b + 1e-9));
      } else {
        // Only the minimum copies may be spread over more instances than the cap.
        for (ComponentWish c : withNow) {
          assertThat(d.grant(c.name()).copies()).isEqualTo(c.minCopies());
        }
      }
      LinkedHashMap<String, Integer> grants = new LinkedHashMap<>();
      for (ComponentWish c : withNow) {
        Grant g = d.grant(c.name());
        grants.put(c.name(), g.copies());
        assertThat(g.copies()).isBetween(c.minCopies(), c.target());
        assertThat(g.heldBack().isPresent()).isEqualTo(g.copies() < c.target());
        if (g.heldBack().isPresent()) {
          heldBack++;
          assertThat(g.explanation()).contains(": held back by ");
          assertThat(g.heldBack().get().limits()).isNotEmpty();
        }
        // Placed as granted, and no running copy removed unless the grant is below what is placed.
        int planned = d.layout().stream().mapToInt(p -> p.copies().getOrDefault(c.name(), 0)).sum();
        assertThat(planned).isEqualTo(g.copies());
        int removed = 0;
        for (RunningInstance r : running) {
          int after =
              d.layout().stream()
                  .filter(p -> p.id().equals(r.id()))
                  .mapToInt(p -> p.copies().getOrDefault(c.name(), 0))
                  .sum();
          removed += Math.max(0, r.copiesOf(c.name()) - after);
        }
        assertThat(removed).isEqualTo(Math.max(0, placed.getOrDefault(c.name(), 0) - g.copies()));
      }
      // Held back for a reason: with one more copy, the endpoint would need more than its cap.
      for (ComponentWish c : withNow) {
        if (d.grant(c.name()).heldBack().isPresent() && d.overCap().isEmpty()) {
          LinkedHashMap<String, Integer> more = new LinkedHashMap<>();
          withNow.stream()
              .sorted(
                  java.util.Comparator.comparingInt(ComponentWish::priority)
                      .reversed()
                      .thenComparing(ComponentWish::name))
              .forEach(o -> more.put(o.name(), grants.get(o.name())));
          more.merge(c.name(), 1, Integer::sum);
          assertThat(FirstFit.plan(type, running, sizes, more, limits.minInstances()).size())
              .as("one more copy of %s in %s", c.name(), d)
              .isGreaterThan(cap);
        }
      }
      // Every held instance fits its copies, and holds some unless minInstances keeps it.
      long empty = d.layout().stream().filter(p -> p.copies().isEmpty()).count();
      assertThat(d.instances() - empty < limits.minInstances() || empty == 0).isTrue();
      for (PlannedInstance p : d.layout()) {
        Map<String, Integer> on = new HashMap<>();
        p.copies()
            .forEach(
                (c, k) -> {
                  for (int j = 0; j < k; j++) {
                    assertThat(FirstFit.fits(type, on, sizes, sizes.get(c))).isTrue();
                    on.merge(c, 1, Integer::sum);
                  }
                });
      }
      // Released: exactly the running instances not held.
      for (RunningInstance r : running) {
        boolean held = d.layout().stream().anyMatch(p -> p.id().equals(r.id()));
        assertThat(d.released().contains(r.id())).isEqualTo(!held);
      }
    }
    // The loop exercised every path.
    assertThat(decided).isGreaterThan(500);
    assertThat(heldBack).isGreaterThan(100);
    assertThat(refused).isGreaterThan(10);
  }
}
