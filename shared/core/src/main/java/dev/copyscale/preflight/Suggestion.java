package dev.copyscale.preflight;

/**
 * An instance type on which the model and the copies fit.
 *
 * @param acceleratorsPerCopy accelerators each copy needs there (and SM_NUM_GPUS)
 * @param costPerHourAtCopies on-demand USD per hour for the spec's initial copies
 */
public record Suggestion(
    String instanceType,
    String gpuModel,
    int acceleratorsPerCopy,
    int copiesPerInstance,
    int instancesForCopies,
    double costPerHourAtCopies,
    double costPerCopyHour) {}
