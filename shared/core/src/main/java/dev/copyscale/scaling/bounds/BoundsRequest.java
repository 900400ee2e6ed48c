package dev.copyscale.scaling.bounds;

import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.scaling.state.BoundsOverride;
import dev.copyscale.scaling.state.WakeUp;
import java.util.Optional;

/**
 * Bounds to decide on, and where they come from: a schedule window, its healing, or an operator's
 * override.
 *
 * @param why the first part of the decision's reason
 * @param override the operator's override these bounds are, kept in the target state until it ends
 */
public record BoundsRequest(
    Bounds bounds, WakeUp wakeUp, String why, Optional<BoundsOverride> override) {}
