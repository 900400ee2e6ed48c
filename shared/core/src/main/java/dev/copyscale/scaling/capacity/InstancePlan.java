package dev.copyscale.scaling.capacity;

/**
 * The instances a copy count needs when copyscale manages them ({@link InstancePacking#plan}).
 *
 * @param from instances now
 * @param to instances the copies need
 * @param copiesThatFit the requested copies, or fewer when guardrails.maxInstances cannot hold them
 * @param copiesPerInstance how many copies one instance holds (0: not even one)
 * @param limitedByGuardrail whether {@code copiesThatFit} is less than asked
 */
public record InstancePlan(
    int from, int to, int copiesThatFit, int copiesPerInstance, boolean limitedByGuardrail) {

  public boolean changes() {
    return to != from;
  }
}
