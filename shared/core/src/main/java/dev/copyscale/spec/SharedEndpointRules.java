package dev.copyscale.spec;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.scaling.arbiter.Arbiter;
import dev.copyscale.scaling.arbiter.CapacityConflictException;
import dev.copyscale.scaling.arbiter.ComponentWish;
import dev.copyscale.scaling.arbiter.CopyResources;
import dev.copyscale.scaling.arbiter.EndpointLimits;
import dev.copyscale.spec.DeploymentSpec.Component;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Endpoint;
import dev.copyscale.spec.DeploymentSpec.ManagedInstanceScaling;
import dev.copyscale.spec.DeploymentSpec.Member;
import dev.copyscale.spec.DeploymentSpec.Schedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The rules of the endpoint as a whole (docs/spec.md, "Several components on one endpoint"): names
 * unique across components and adapters, the shape several components need (copies, managed
 * instance scaling), adapters per base, and the budget and the minimum copies against what the
 * endpoint may hold, checked by the arbiter's own rule ({@link Arbiter#checkHoldable}) so that
 * validation and the arbiter say the same thing. A rule stays quiet about a field that already has
 * a problem.
 */
public final class SharedEndpointRules {
  /**
   * Adapters one base component carries. ASSUMED: neither the SageMaker API reference nor the
   * developer guide's "Fine-tune models with adapter inference components" states a number; each
   * adapter is an inference component of the endpoint, and its weights load into the base's copies'
   * GPU memory beside the base model, so a bound keeps that memory and the account's inference
   * components in view. Raise it here.
   */
  static final int MAX_ADAPTERS_PER_BASE = 50;

  private final DeploymentSpec spec;
  private final Problems problems;
  private final boolean listed;

  private SharedEndpointRules(DeploymentSpec spec, Problems problems, boolean listed) {
    this.spec = spec;
    this.problems = problems;
    this.listed = listed;
  }

  static void check(DeploymentSpec spec, Problems problems, boolean listed) {
    SharedEndpointRules rules = new SharedEndpointRules(spec, problems, listed);
    rules.names();
    rules.scheduleNames();
    rules.shape();
    rules.capacity();
  }

  private String path(int i) {
    return listed ? "components[" + i + "]" : "component";
  }

  private String scalingPath(int i) {
    return listed ? path(i) + ".scaling" : "scaling";
  }

  /** Components and adapters are all inference components of one account: one name each. */
  private void names() {
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < spec.components().size(); i++) {
      Component c = spec.components().get(i).component();
      if (c == null) {
        continue;
      }
      unique(seen, c.name(), path(i) + ".name");
      if (c.adapters().size() > MAX_ADAPTERS_PER_BASE) {
        problems.add(
            path(i) + ".adapters",
            "lists "
                + c.adapters().size()
                + " adapters; copyscale puts at most "
                + MAX_ADAPTERS_PER_BASE
                + " on one base component (docs/spec.md)");
      }
      for (int j = 0; j < c.adapters().size(); j++) {
        unique(seen, c.adapters().get(j).name(), path(i) + ".adapters[" + j + "].name");
      }
    }
  }

  /**
   * The components' schedules are EventBridge Scheduler schedules in the deployment's one group,
   * and a schedule's name says which component it moves: one name each across the components
   * (within one component SpecRules says so).
   */
  private void scheduleNames() {
    Map<String, Integer> owner = new HashMap<>();
    for (int i = 0; i < spec.components().size(); i++) {
      Member m = spec.components().get(i);
      if (m.scaling() == null) {
        continue;
      }
      for (int j = 0; j < m.scaling().schedules().size(); j++) {
        String name = m.scaling().schedules().get(j).name();
        Integer first = owner.putIfAbsent(name, i);
        if (first != null && first != i) {
          problems.add(
              scalingPath(i) + ".schedules[" + j + "].name",
              "\""
                  + name
                  + "\" is also a schedule of "
                  + path(first)
                  + ": the components' schedules share the deployment's Scheduler group, so each"
                  + " needs a name of its own");
        }
      }
    }
  }

  private void unique(Map<String, String> seen, String name, String path) {
    if (name == null || name.isEmpty() || problems.at(path)) {
      return;
    }
    String first = seen.putIfAbsent(name, path);
    if (first != null) {
      problems.add(
          path,
          "\""
              + name
              + "\" is also "
              + first
              + ": every component and adapter is an inference component of its own and needs a"
              + " name of its own");
    }
  }

  /**
   * Several components share the endpoint's instances: only copies are scaled per component (an
   * instance count belongs to all of them), and SageMaker adds and releases the instances (managed
   * instance scaling), which the arbiter caps.
   */
  private void shape() {
    if (!spec.shared()) {
      return;
    }
    for (int i = 0; i < spec.components().size(); i++) {
      Member m = spec.components().get(i);
      if (m.scaling() != null
          && !problems.at(scalingPath(i) + ".dimension")
          && m.scaling().dimension() != Dimension.COPIES) {
        problems.add(
            scalingPath(i) + ".dimension",
            "must be copies when several components share the endpoint: its instances are all the"
                + " components', so none of them may scale the instance count");
      }
    }
    Endpoint e = spec.endpoint();
    if (e != null
        && !problems.at("endpoint.managedInstanceScaling")
        && !e.managedInstanceScaling().enabled()) {
      problems.add(
          "endpoint.managedInstanceScaling",
          "must be enabled when several components share the endpoint: SageMaker then adds the"
              + " instances their copies need and releases empty ones, e.g. {enabled: true,"
              + " minInstances: 1, maxInstances: 4}");
    }
  }

  /**
   * The budget must pay for minInstances, and the minimum copies of every component must fit the
   * instances maxInstances and the budget allow. Checked for a shared endpoint or a budget (the
   * single form without one is checked by preflight as before); only on the catalog's instance
   * types, whose sizes and prices the check needs.
   */
  private void capacity() {
    Endpoint e = spec.endpoint();
    if (e == null
        || spec.guardrails() == null
        || (!spec.shared() && e.budget().isEmpty())
        || problems.atAny("endpoint", "guardrails", "components", "component", "scaling")) {
      return;
    }
    ManagedInstanceScaling mis = e.managedInstanceScaling();
    if (!mis.enabled()) {
      if (e.budget().isPresent()) {
        problems.add(
            "endpoint.budget",
            "needs endpoint.managedInstanceScaling enabled: the budget caps the instances SageMaker"
                + " adds for copies");
      }
      return;
    }
    java.util.Optional<InstanceType> type = Catalog.bundled().instanceType(e.instanceType());
    if (type.isEmpty()) {
      if (e.budget().isPresent()) {
        problems.add(
            "endpoint.budget",
            "cannot be held on "
                + e.instanceType()
                + ": the catalog has no price for it (`copyscale catalog` lists the types it"
                + " knows)");
      }
      return;
    }
    double price = type.get().priceUsdPerHour();
    if (e.budget().isPresent() && e.budget().get() + 1e-9 < mis.minInstances() * price) {
      problems.add(
          "endpoint.budget",
          String.format(
              java.util.Locale.ROOT,
              "$%.2f/h does not buy managedInstanceScaling.minInstances %d %s at $%.2f/h each"
                  + " ($%.2f/h): raise the budget or lower minInstances",
              e.budget().get(),
              mis.minInstances(),
              e.instanceType(),
              price,
              mis.minInstances() * price));
      return;
    }
    List<ComponentWish> wishes = new ArrayList<>();
    for (Member m : spec.components()) {
      Component c = m.component();
      int min = m.scaling().minCapacity();
      wishes.add(
          new ComponentWish(
              c.name(),
              c.priority(),
              perCopy(c),
              min,
              Math.max(min, m.scaling().maxCapacity()),
              min,
              min,
              "minCopies"));
    }
    try {
      Arbiter.checkHoldable(limits(spec, type.get()), wishes);
    } catch (CapacityConflictException conflict) {
      problems.add(listed ? "components" : "component", conflict.getMessage());
      return;
    }
    // A schedule's minimum is held beside the other components' own minimums.
    for (int i = 0; i < spec.components().size(); i++) {
      List<Schedule> schedules = spec.components().get(i).scaling().schedules();
      for (int j = 0; j < schedules.size(); j++) {
        Schedule sc = schedules.get(j);
        ComponentWish base = wishes.get(i);
        List<ComponentWish> during = new ArrayList<>(wishes);
        during.set(
            i,
            new ComponentWish(
                base.name(),
                base.priority(),
                base.perCopy(),
                sc.minCapacity(),
                Math.max(sc.minCapacity(), base.maxCopies()),
                sc.minCapacity(),
                sc.minCapacity(),
                "schedule " + sc.name()));
        String at = scalingPath(i) + ".schedules[" + j + "].minCopies";
        try {
          if (!problems.at(at)) {
            Arbiter.checkHoldable(limits(spec, type.get()), during);
          }
        } catch (CapacityConflictException conflict) {
          problems.add(
              at,
              "("
                  + sc.minCapacity()
                  + ") cannot be held beside the other components' minCopies: "
                  + conflict.getMessage());
        }
      }
    }
  }

  /**
   * What caps the endpoint as a whole, for the arbiter: managed instance scaling's minimum, the
   * smaller of its maximum and {@code guardrails.maxInstances}, and the budget.
   */
  public static EndpointLimits limits(DeploymentSpec spec, InstanceType type) {
    ManagedInstanceScaling mis = spec.endpoint().managedInstanceScaling();
    return new EndpointLimits(
        type,
        mis.minInstances(),
        Math.min(mis.maxInstances(), spec.guardrails().maxInstances()),
        spec.endpoint().budget().map(OptionalDouble::of).orElse(OptionalDouble.empty()));
  }

  /** What one copy of {@code c} reserves on an instance. */
  public static CopyResources perCopy(Component c) {
    return new CopyResources(
        c.resources().accelerators(), c.resources().cpus(), c.resources().memoryMb());
  }
}
