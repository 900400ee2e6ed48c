package dev.copyscale.scaling.arbiter;

import java.util.List;
import java.util.Set;

/**
 * Why a component got fewer copies than it wished.
 *
 * @param limits what held it: the budget, maxInstances, higher-priority components (one or more)
 * @param higherPriority the components of higher priority that hold the capacity it would have
 *     needed (empty unless {@code limits} has {@link Limit#HIGHER_PRIORITY})
 * @param reason in words, for the decision log
 */
public record HeldBack(Set<Limit> limits, List<String> higherPriority, String reason) {
  public HeldBack {
    limits = Set.copyOf(limits);
    higherPriority = List.copyOf(higherPriority);
  }
}
