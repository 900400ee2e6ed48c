package dev.copyscale.scaling.arbiter;

import java.util.Optional;

/**
 * What one component gets.
 *
 * @param component its name
 * @param copiesNow its copies now
 * @param wishedCopies what its engine wished
 * @param copies what it gets
 * @param heldBack why it gets fewer than it wished within its own bounds, if it does
 * @param explanation one line for the decision log, for every component
 */
public record Grant(
    String component,
    int copiesNow,
    int wishedCopies,
    int copies,
    Optional<HeldBack> heldBack,
    String explanation) {}
