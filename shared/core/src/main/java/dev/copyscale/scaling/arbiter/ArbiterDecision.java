package dev.copyscale.scaling.arbiter;

import java.util.List;
import java.util.Optional;

/**
 * One decision for the whole endpoint.
 *
 * <p>Apply it scale-ins first: the copies a component gives up make the room the others' new copies
 * are planned on, so an instance is bought only where the plan says {@code added}.
 *
 * @param grants one per component, in the order the components were given
 * @param instancesNow instances running now
 * @param layout the instances held and the copies on each: running ones in their given order, then
 *     the ones to add
 * @param released running instances to release: no component needs them
 * @param usdPerHour what the held instances cost an hour
 * @param overCap why the endpoint holds more instances than its cap, if it does: the minimum copies
 *     sit on more instances than the cap and SageMaker does not move a running copy
 */
public record ArbiterDecision(
    List<Grant> grants,
    int instancesNow,
    List<PlannedInstance> layout,
    List<String> released,
    double usdPerHour,
    Optional<String> overCap) {

  public ArbiterDecision {
    grants = List.copyOf(grants);
    layout = List.copyOf(layout);
    released = List.copyOf(released);
  }

  /** Instances the endpoint holds once applied. */
  public int instances() {
    return layout.size();
  }

  /** Instances to add. */
  public int added() {
    return (int) layout.stream().filter(PlannedInstance::added).count();
  }

  /**
   * What the decision plans for the endpoint's instances, for the decision log: {@code instances: 1
   * -> 2 planned ($14.18/h): 1 added for copies no running instance has room for}, {@code
   * instances: 2 -> 1 planned ($7.09/h): first fit places every copy on 1; an instance goes once no
   * copy is left on it}, or {@code instances: 2 ($14.18/h) hold every copy}. Planned, because the
   * running placement is rebuilt from copy counts (SageMaker reports no placement) and SageMaker
   * chooses which copies a lower count removes: an instance one of its copies stays on is not
   * released.
   */
  public String instancesLine() {
    String s =
        "instances: "
            + (instances() == instancesNow ? "" : instancesNow + " -> ")
            + instances()
            + (instances() == instancesNow ? " (" : " planned (")
            + Words.dollarsAnHour(usdPerHour)
            + ")";
    List<String> why = new java.util.ArrayList<>();
    if (added() > 0) {
      why.add(added() + " added for copies no running instance has room for");
    }
    if (!released.isEmpty()) {
      why.add(
          "first fit places every copy on "
              + instances()
              + "; an instance goes once no copy is left on it");
    }
    if (why.isEmpty()) {
      return s + " hold every copy" + overCap.map(o -> ": " + o).orElse("");
    }
    return s + ": " + String.join("; ", why) + overCap.map(o -> "; " + o).orElse("");
  }

  public Grant grant(String component) {
    return grants.stream()
        .filter(g -> g.component().equals(component))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no component " + component));
  }
}
