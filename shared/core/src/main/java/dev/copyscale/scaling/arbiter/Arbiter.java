package dev.copyscale.scaling.arbiter;

import dev.copyscale.catalog.InstanceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the wishes of several inference components on one endpoint into one decision: the copies
 * each gets and the instances the endpoint holds. A pure function.
 *
 * <p>The rules:
 *
 * <ol>
 *   <li>Each component's wish is first held within its own minCopies and maxCopies.
 *   <li>The endpoint's cap is the smaller of maxInstances and the instances the budget buys at the
 *       instance type's price (whole instances: SageMaker bills instances, not copies).
 *   <li>Every component gets its minCopies; if those alone do not fit the cap, nothing can, and the
 *       endpoint is refused ({@link #checkHoldable}).
 *   <li>Above its minimum, capacity goes by priority: a larger {@code priority} first; components
 *       of equal priority take one copy each in turn, in name order. A component is given a copy
 *       only if the endpoint still fits its cap with it; the first that does not fit stops that
 *       component, and the others go on (a smaller copy may still fit).
 *   <li>Copies are planned where SageMaker would put them ({@link FirstFit}): running copies stay,
 *       a component that wishes fewer gives up its copies first, and the copies that are added land
 *       on the room that leaves before any instance is bought.
 *   <li>An instance is released only when no copy is planned on it.
 * </ol>
 */
public final class Arbiter {
  private Arbiter() {}

  /**
   * The decision for an endpoint with {@code limits}, the instances it runs now (oldest first, with
   * the copies on each) and its components' wishes.
   *
   * @throws CapacityConflictException when the components cannot be held within the limits at all
   * @throws IllegalArgumentException when the inputs contradict each other (an unknown component on
   *     an instance, more copies placed than a component has, an instance holding more than its
   *     type)
   */
  public static ArbiterDecision decide(
      EndpointLimits limits, List<RunningInstance> running, List<ComponentWish> components) {
    checkConsistent(limits, running, components);
    checkHoldable(limits, components);
    InstanceType type = limits.instanceType();
    int cap = limits.cap();
    Map<String, CopyResources> sizes = sizes(components);
    List<ComponentWish> order = byPriority(components);

    LinkedHashMap<String, Integer> grants = new LinkedHashMap<>();
    for (ComponentWish c : order) {
      grants.put(c.name(), c.minCopies());
    }
    Map<String, HeldBack> held = new HashMap<>();
    int i = 0;
    while (i < order.size()) {
      int j = i;
      while (j < order.size() && order.get(j).priority() == order.get(i).priority()) {
        j++;
      }
      List<ComponentWish> group = order.subList(i, j);
      Set<String> stopped = new HashSet<>();
      boolean progressed = true;
      while (progressed) {
        progressed = false;
        for (ComponentWish c : group) {
          if (stopped.contains(c.name()) || grants.get(c.name()) >= c.target()) {
            continue;
          }
          grants.merge(c.name(), 1, Integer::sum);
          int needed = instances(limits, running, sizes, grants);
          if (needed <= cap) {
            progressed = true;
          } else {
            grants.merge(c.name(), -1, Integer::sum);
            stopped.add(c.name());
            held.put(c.name(), heldBack(c, limits, running, sizes, order, grants, needed));
          }
        }
      }
      i = j;
    }

    List<PlannedInstance> layout =
        FirstFit.plan(type, running, sizes, grants, limits.minInstances());
    Set<String> kept = new HashSet<>();
    layout.forEach(p -> kept.add(p.id()));
    List<String> released =
        running.stream().map(RunningInstance::id).filter(id -> !kept.contains(id)).toList();
    Optional<String> overCap =
        layout.size() > cap
            ? Optional.of(
                "the minimum copies sit on "
                    + layout.size()
                    + " instances, more than "
                    + capWords(limits)
                    + " allows: SageMaker does not move a running copy, so the endpoint holds them"
                    + " until copies are removed")
            : Optional.empty();
    List<Grant> result = new ArrayList<>();
    for (ComponentWish c : components) {
      int granted = grants.get(c.name());
      Optional<HeldBack> h = Optional.ofNullable(held.get(c.name()));
      result.add(
          new Grant(c.name(), c.copiesNow(), c.wishedCopies(), granted, h, explain(c, granted, h)));
    }
    return new ArbiterDecision(
        result, running.size(), layout, released, layout.size() * type.priceUsdPerHour(), overCap);
  }

  /**
   * Refuses an endpoint whose components cannot be held at all: a copy that fits no instance of the
   * type, minInstances the budget cannot pay, or minimum copies needing more instances than
   * maxInstances or the budget allow (counted on empty instances, as spec validation would). The
   * message names the components.
   */
  public static void checkHoldable(EndpointLimits limits, List<ComponentWish> components) {
    InstanceType type = limits.instanceType();
    Map<String, CopyResources> sizes = sizes(components);
    List<String> tooBig = new ArrayList<>();
    for (ComponentWish c : components) {
      if (!FirstFit.fits(type, Map.of(), sizes, c.perCopy())) {
        tooBig.add(c.name() + " (" + c.perCopy().describe() + " a copy)");
      }
    }
    if (!tooBig.isEmpty()) {
      throw new CapacityConflictException(
          "a copy of "
              + Words.and(tooBig)
              + " fits no "
              + type.name()
              + ", which has "
              + type.gpuCount()
              + " accelerators, "
              + type.vcpus()
              + " vCPUs and "
              + type.memoryMb()
              + " MiB");
    }
    if (limits.minInstances() > limits.instancesTheBudgetBuys()) {
      throw new CapacityConflictException(
          "minInstances "
              + limits.minInstances()
              + " costs "
              + Words.dollarsAnHour(limits.minInstances() * type.priceUsdPerHour())
              + ", above the budget "
              + Words.dollarsAnHour(limits.budgetUsdPerHour().getAsDouble()));
    }
    LinkedHashMap<String, Integer> mins = new LinkedHashMap<>();
    for (ComponentWish c : byPriority(components)) {
      mins.put(c.name(), c.minCopies());
    }
    int needed = FirstFit.plan(type, List.of(), sizes, mins, 0).size();
    if (needed > limits.cap()) {
      List<String> named =
          components.stream()
              .filter(c -> c.minCopies() > 0)
              .map(
                  c ->
                      c.name()
                          + " (minCopies "
                          + c.minCopies()
                          + " × "
                          + c.perCopy().describe()
                          + ")")
              .toList();
      throw new CapacityConflictException(
          "the minimum copies of "
              + Words.and(named)
              + " need "
              + needed
              + " "
              + type.name()
              + " instances, but "
              + capWords(limits)
              + " allows "
              + limits.cap()
              + ": lower a minCopies, raise the limit, or put a component on an endpoint of its"
              + " own");
    }
  }

  private static void checkConsistent(
      EndpointLimits limits, List<RunningInstance> running, List<ComponentWish> components) {
    Set<String> names = new HashSet<>();
    for (ComponentWish c : components) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("component " + c.name() + " is given twice");
      }
    }
    Map<String, CopyResources> sizes = sizes(components);
    Set<String> ids = new HashSet<>();
    Map<String, Integer> placed = new TreeMap<>();
    for (RunningInstance r : running) {
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("instance " + r.id() + " is given twice");
      }
      Map<String, Integer> before = new TreeMap<>();
      for (Map.Entry<String, Integer> e : r.copies().entrySet()) {
        if (!names.contains(e.getKey())) {
          throw new IllegalArgumentException(
              "instance "
                  + r.id()
                  + " holds copies of "
                  + e.getKey()
                  + ", which is not a component");
        }
        if (e.getValue() == 0) {
          continue;
        }
        CopyResources last = sizes.get(e.getKey());
        before.put(e.getKey(), e.getValue() - 1);
        if (!FirstFit.fits(limits.instanceType(), before, sizes, last)) {
          throw new IllegalArgumentException(
              "instance "
                  + r.id()
                  + " holds more copies than an "
                  + limits.instanceType().name()
                  + " has room for: "
                  + r.copies());
        }
        before.put(e.getKey(), e.getValue());
        placed.merge(e.getKey(), e.getValue(), Integer::sum);
      }
    }
    for (ComponentWish c : components) {
      int onInstances = placed.getOrDefault(c.name(), 0);
      if (onInstances > c.copiesNow()) {
        throw new IllegalArgumentException(
            "component "
                + c.name()
                + ": the instances hold "
                + onInstances
                + " of its copies but copiesNow is "
                + c.copiesNow());
      }
    }
  }

  private static Map<String, CopyResources> sizes(List<ComponentWish> components) {
    Map<String, CopyResources> sizes = new HashMap<>();
    components.forEach(c -> sizes.put(c.name(), c.perCopy()));
    return sizes;
  }

  /** Larger priority first; equal priorities in name order. */
  private static List<ComponentWish> byPriority(List<ComponentWish> components) {
    return components.stream()
        .sorted(
            Comparator.comparingInt(ComponentWish::priority)
                .reversed()
                .thenComparing(ComponentWish::name))
        .toList();
  }

  private static int instances(
      EndpointLimits limits,
      List<RunningInstance> running,
      Map<String, CopyResources> sizes,
      LinkedHashMap<String, Integer> grants) {
    return FirstFit.plan(limits.instanceType(), running, sizes, grants, limits.minInstances())
        .size();
  }

  /**
   * Why {@code c}'s next copy was refused: the cap, and the higher-priority components whose copies
   * above their minimum hold the room it would have had.
   */
  private static HeldBack heldBack(
      ComponentWish c,
      EndpointLimits limits,
      List<RunningInstance> running,
      Map<String, CopyResources> sizes,
      List<ComponentWish> order,
      LinkedHashMap<String, Integer> grants,
      int needed) {
    EnumSet<Limit> by = limits.binding();
    LinkedHashMap<String, Integer> without = new LinkedHashMap<>(grants);
    List<String> higher = new ArrayList<>();
    List<String> higherWords = new ArrayList<>();
    for (ComponentWish o : order) {
      if (o.priority() > c.priority() && grants.get(o.name()) > o.minCopies()) {
        without.put(o.name(), o.minCopies());
        higher.add(o.name());
        higherWords.add(o.name() + " (priority " + o.priority() + ")");
      }
    }
    without.merge(c.name(), 1, Integer::sum);
    boolean byPriority =
        !higher.isEmpty() && instances(limits, running, sizes, without) <= limits.cap();
    if (byPriority) {
      by.add(Limit.HIGHER_PRIORITY);
    } else {
      higher.clear();
    }
    String reason =
        byPriority
            ? "held back by higher-priority "
                + Words.and(higherWords)
                + ", which "
                + (higher.size() == 1 ? "holds" : "hold")
                + " the capacity "
                + capWords(limits)
                + " allows"
            : "held back by "
                + capWords(limits)
                + ": one more copy would need "
                + needed
                + " "
                + limits.instanceType().name()
                + " ("
                + Words.dollarsAnHour(needed * limits.instanceType().priceUsdPerHour())
                + ")";
    return new HeldBack(by, higher, reason);
  }

  /** {@code maxInstances 2}, {@code the budget $15.00/h (2 ml.g5.12xlarge at $7.09/h)}, or both. */
  static String capWords(EndpointLimits limits) {
    EnumSet<Limit> binding = limits.binding();
    String max = "maxInstances " + limits.maxInstances();
    InstanceType type = limits.instanceType();
    String budget =
        binding.contains(Limit.BUDGET)
            ? "the budget "
                + Words.dollarsAnHour(limits.budgetUsdPerHour().getAsDouble())
                + " ("
                + limits.instancesTheBudgetBuys()
                + " "
                + type.name()
                + " at "
                + Words.dollarsAnHour(type.priceUsdPerHour())
                + ")"
            : "";
    if (binding.contains(Limit.BUDGET) && binding.contains(Limit.MAX_INSTANCES)) {
      return max + " and " + budget;
    }
    return binding.contains(Limit.BUDGET) ? budget : max;
  }

  /** {@code code: 3 -> 2 copies (wished 4; engine: …): held back by …}. */
  private static String explain(ComponentWish c, int granted, Optional<HeldBack> held) {
    StringBuilder s =
        new StringBuilder(c.name())
            .append(": ")
            .append(c.copiesNow())
            .append(" -> ")
            .append(granted)
            .append(granted == 1 ? " copy" : " copies")
            .append(" (wished ")
            .append(c.wishedCopies());
    if (c.wishedCopies() > c.maxCopies()) {
      s.append(", capped at maxCopies ").append(c.maxCopies());
    } else if (c.wishedCopies() < c.minCopies()) {
      s.append(", kept at minCopies ").append(c.minCopies());
    }
    if (!c.engineReason().isBlank()) {
      s.append("; engine: ").append(c.engineReason());
    }
    s.append(')');
    held.ifPresent(h -> s.append(": ").append(h.reason()));
    return s.toString();
  }
}
