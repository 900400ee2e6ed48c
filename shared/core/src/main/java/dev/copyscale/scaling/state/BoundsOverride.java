package dev.copyscale.scaling.state;

import java.time.Instant;

/**
 * Bounds an operator set by hand, in force until {@code until}: schedules and their healing leave
 * the target alone until then, and {@code copyscale activities} shows it with its reason.
 */
public record BoundsOverride(int min, int max, Instant setAt, Instant until, String reason) {}
