package dev.copyscale.scaling.arbiter;

import dev.copyscale.catalog.InstanceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How copies of several components sit on an endpoint's instances, the way the twin's SageMaker
 * places them: a copy goes to the first instance, oldest first, with its accelerators, CPUs and
 * memory all free (the whole instance: AWS documents no share held back for the host), and only
 * when none has room is an instance added, at the end. Running copies never move.
 *
 * <p>{@link #plan} takes the endpoint from the copies it has to the copies wanted: each component's
 * surplus copies go first, taken from the instance with the fewest accelerators in use (the newest
 * of equals), so instances empty out; then each component's missing copies are placed first fit;
 * then every instance left empty is released, the oldest kept while the endpoint would fall below
 * its minimum.
 */
public final class FirstFit {
  /** Sums of fractional CPUs and accelerators compare within this. */
  private static final double EPSILON = 1e-9;

  private FirstFit() {}

  /**
   * Whether {@code copy} fits an instance of {@code type} that already holds {@code copiesOn}
   * (copies per component, sized by {@code sizes}).
   */
  public static boolean fits(
      InstanceType type,
      Map<String, Integer> copiesOn,
      Map<String, CopyResources> sizes,
      CopyResources copy) {
    double accelerators = copy.accelerators();
    double cpus = copy.cpus();
    long memoryMb = copy.memoryMb();
    for (Map.Entry<String, Integer> e : copiesOn.entrySet()) {
      CopyResources size = sizes.get(e.getKey());
      accelerators += size.accelerators() * e.getValue();
      cpus += size.cpus() * e.getValue();
      memoryMb += size.memoryMb() * e.getValue();
    }
    return accelerators <= type.gpuCount() + EPSILON
        && cpus <= type.vcpus() + EPSILON
        && memoryMb <= type.memoryMb();
  }

  /**
   * Where a copy goes: the index of the first of {@code instances} (in the order given, oldest
   * first) whose copies leave room for {@code copy}, or -1 when none has room and an instance has
   * to be added. The rule the arbiter plans by and the twin's SageMaker places by.
   *
   * @param instances the copies on each instance, per key of {@code sizes}
   */
  public static int firstWithRoom(
      InstanceType type,
      List<Map<String, Integer>> instances,
      Map<String, CopyResources> sizes,
      CopyResources copy) {
    for (int i = 0; i < instances.size(); i++) {
      if (fits(type, instances.get(i), sizes, copy)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The instances that hold {@code wanted} copies per component, from {@code running} (oldest
   * first). Surplus copies are removed in the reverse of {@code wanted}'s order and missing ones
   * placed in its order.
   */
  public static List<PlannedInstance> plan(
      InstanceType type,
      List<RunningInstance> running,
      Map<String, CopyResources> sizes,
      LinkedHashMap<String, Integer> wanted,
      int minInstances) {
    List<Slot> slots = new ArrayList<>();
    for (RunningInstance r : running) {
      for (String component : r.copies().keySet()) {
        if (!wanted.containsKey(component) || !sizes.containsKey(component)) {
          throw new IllegalArgumentException(
              "instance " + r.id() + " holds copies of " + component + ", which is not planned");
        }
      }
      slots.add(new Slot(r.id(), false, r.copies()));
    }
    List<String> order = new ArrayList<>(wanted.keySet());
    for (int i = order.size() - 1; i >= 0; i--) {
      String component = order.get(i);
      int surplus = placed(slots, component) - wanted.get(component);
      for (int k = 0; k < surplus; k++) {
        emptiestHolding(slots, component, sizes).remove(component);
      }
    }
    int added = 0;
    for (String component : order) {
      CopyResources size = sizes.get(component);
      int missing = wanted.get(component) - placed(slots, component);
      for (int k = 0; k < missing; k++) {
        int first = firstWithRoom(type, slots.stream().map(s -> s.copies).toList(), sizes, size);
        Slot room = first < 0 ? null : slots.get(first);
        if (room == null) {
          room = new Slot("new-" + ++added, true, Map.of());
          slots.add(room);
        }
        room.add(component);
      }
    }
    int held = (int) slots.stream().filter(s -> !s.copies.isEmpty()).count();
    List<PlannedInstance> plan = new ArrayList<>();
    for (Slot s : slots) {
      if (!s.copies.isEmpty()) {
        plan.add(s.planned());
      } else if (held < minInstances) {
        plan.add(s.planned());
        held++;
      }
    }
    while (plan.size() < minInstances) {
      plan.add(new PlannedInstance("new-" + ++added, true, Map.of()));
    }
    return plan;
  }

  private static int placed(List<Slot> slots, String component) {
    return slots.stream().mapToInt(s -> s.copies.getOrDefault(component, 0)).sum();
  }

  /** The instance holding a copy of {@code component} with the fewest accelerators in use. */
  private static Slot emptiestHolding(
      List<Slot> slots, String component, Map<String, CopyResources> sizes) {
    Slot best = null;
    double bestUsed = Double.MAX_VALUE;
    for (Slot s : slots) {
      if (s.copies.getOrDefault(component, 0) == 0) {
        continue;
      }
      double used = 0;
      for (Map.Entry<String, Integer> e : s.copies.entrySet()) {
        used += sizes.get(e.getKey()).accelerators() * e.getValue();
      }
      // <=: of equals, the one later in the list (the newest) goes first.
      if (used <= bestUsed + EPSILON) {
        best = s;
        bestUsed = used;
      }
    }
    return best;
  }

  /** An instance being planned: its copies change as surplus goes and missing copies land. */
  private static final class Slot {
    final String id;
    final boolean added;
    final Map<String, Integer> copies = new TreeMap<>();

    Slot(String id, boolean added, Map<String, Integer> copies) {
      this.id = id;
      this.added = added;
      copies.forEach(
          (c, n) -> {
            if (n > 0) {
              this.copies.put(c, n);
            }
          });
    }

    void add(String component) {
      copies.merge(component, 1, Integer::sum);
    }

    void remove(String component) {
      copies.computeIfPresent(component, (c, n) -> n == 1 ? null : n - 1);
    }

    PlannedInstance planned() {
      return new PlannedInstance(id, added, copies);
    }
  }
}
