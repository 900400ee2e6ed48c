package dev.copyscale.scaling.arbiter;

/**
 * The endpoint's components cannot be held at all within its limits: their minimum copies need more
 * instances than maxInstances or the budget allow, or one copy fits no instance of the type. No
 * decision can honour such an endpoint; its spec must change.
 */
public final class CapacityConflictException extends IllegalArgumentException {
  public CapacityConflictException(String message) {
    super(message);
  }
}
