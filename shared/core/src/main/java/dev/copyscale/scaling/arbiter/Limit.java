package dev.copyscale.scaling.arbiter;

/** What holds a component back from the copies its engine wished. */
public enum Limit {
  /** {@code endpoint.budget}: the instances its dollars an hour buy. */
  BUDGET,
  /** The endpoint's maxInstances. */
  MAX_INSTANCES,
  /** Components of higher priority took the capacity within the cap. */
  HIGHER_PRIORITY
}
