package dev.copyscale.scaling.arbiter;

/**
 * One inference component of the endpoint as the arbiter sees it: its declared priority, what a
 * copy needs, its bounds, its copies now and what its engine wishes.
 *
 * @param name the inference component's name
 * @param priority larger comes first when capacity runs short; equal priorities share it one copy
 *     at a time, in name order
 * @param perCopy what one copy reserves on an instance
 * @param minCopies never granted fewer
 * @param maxCopies never granted more
 * @param copiesNow the component's copy count now (SageMaker's desired count; some may still wait
 *     for room and sit on no instance)
 * @param wishedCopies what its engine decided, before the endpoint's limits
 * @param engineReason why the engine wishes that, in its own words (copied into the explanation)
 */
public record ComponentWish(
    String name,
    int priority,
    CopyResources perCopy,
    int minCopies,
    int maxCopies,
    int copiesNow,
    int wishedCopies,
    String engineReason) {

  public ComponentWish {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a component needs a name");
    }
    if (perCopy == null) {
      throw new IllegalArgumentException("component " + name + ": perCopy is missing");
    }
    if (minCopies < 0 || maxCopies < minCopies) {
      throw new IllegalArgumentException(
          "component "
              + name
              + ": minCopies "
              + minCopies
              + " and maxCopies "
              + maxCopies
              + " need 0 <= minCopies <= maxCopies");
    }
    if (copiesNow < 0 || wishedCopies < 0) {
      throw new IllegalArgumentException(
          "component "
              + name
              + ": copiesNow "
              + copiesNow
              + " and wishedCopies "
              + wishedCopies
              + " cannot be negative");
    }
    engineReason = engineReason == null ? "" : engineReason;
  }

  /** The wish within the component's own bounds. */
  int target() {
    return Math.max(minCopies, Math.min(maxCopies, wishedCopies));
  }
}
