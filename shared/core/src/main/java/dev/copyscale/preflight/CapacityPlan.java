package dev.copyscale.preflight;

/**
 * How copies pack onto instances of one type.
 *
 * @param copiesPerInstance copies one instance holds (0: not even one fits)
 * @param limitedBy the resource that sets copiesPerInstance: accelerators, cpus or memory
 * @param instancesForCopies instances needed for the spec's initial copies
 * @param instancesForMaxCopies instances needed at the scaling maximum
 */
public record CapacityPlan(
    int copiesPerInstance, String limitedBy, int instancesForCopies, int instancesForMaxCopies) {

  /** Instances that {@code copies} copies need at {@code perInstance} copies each. */
  static int instancesFor(int copies, int perInstance) {
    if (copies == 0) {
      return 0;
    }
    return perInstance == 0 ? Integer.MAX_VALUE : (copies + perInstance - 1) / perInstance;
  }
}
