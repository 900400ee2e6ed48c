package dev.copyscale.scaling.capacity;

/** A scalable target's [min, max]: what schedules and overrides set. */
public record Bounds(int min, int max) {
  @Override
  public String toString() {
    return "[" + min + ", " + max + "]";
  }
}
