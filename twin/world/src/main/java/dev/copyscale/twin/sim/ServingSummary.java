package dev.copyscale.twin.sim;

/**
 * What served a simulation's requests and where its figures come from, with what one copy does with
 * the trace's mean request: the figures that differ from model to model and GPU to GPU.
 *
 * @param model e.g. "meta-llama/Meta-Llama-3-8B-Instruct on 1 x NVIDIA A10G 24 GB"
 * @param provenance "measured table X" or "derived from: model figures (...), GPU figures (...),
 *     calibration (...)"
 * @param promptTokens the trace's mean prompt
 * @param outputTokens the trace's mean output
 * @param ttftAloneMs time to first token of the mean request alone on a copy
 * @param itlAloneMs time per output token after the first, alone on a copy
 * @param batch requests of the mean shape a copy holds at once (MAX_BATCH_TOTAL_TOKENS)
 * @param requestsPerSecond what a copy completes a second with that many in flight
 */
public record ServingSummary(
    String model,
    String provenance,
    int promptTokens,
    int outputTokens,
    double ttftAloneMs,
    double itlAloneMs,
    int batch,
    double requestsPerSecond) {}
