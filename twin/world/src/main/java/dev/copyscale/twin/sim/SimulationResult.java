package dev.copyscale.twin.sim;

import java.util.List;

/**
 * What one spec did on one trace: the summary the side-by-side table and {@code --json} show, the
 * per-minute timeline the report charts, and the inputs the figures rest on (measured or assumed).
 */
public record SimulationResult(Summary summary, List<MinutePoint> timeline, List<Input> inputs) {}
