package dev.copyscale.scaling.capacity;

/**
 * The hard cap on the scaled dimension that no event can exceed, and the spec field it comes from
 * (so a decision it limits names the right one).
 *
 * @param field {@code guardrails.maxCopies} or {@code guardrails.maxInstances}
 */
public record Guardrail(int max, String field) {
  /** As a decision's "limited by" names it. */
  public String label() {
    return field + " " + max;
  }
}
