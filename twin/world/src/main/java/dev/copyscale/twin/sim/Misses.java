package dev.copyscale.twin.sim;

/**
 * Every request that missed the objective, under exactly one cause, checked in this order: a
 * request the model's token limits refuse is {@code tooLong} whatever else happened to it; a failed
 * request is {@code noCopy}, {@code timedOut} or {@code modelErrors} by the error the client saw; a
 * request served too slowly is {@code riseFasterThanStartUp} when it arrived within a copy's
 * start-up time of the load rising beyond what the serving copies carry (no reactive scaling could
 * have had a new copy serving it), else {@code capacityShort}.
 *
 * @param tooLong refused by MAX_INPUT_LENGTH or MAX_TOTAL_TOKENS (TGI's 422, "input too long")
 * @param noCopy no copy serving when it arrived (NoCapacityInvocationFailures)
 * @param riseFasterThanStartUp served too slowly during a rise faster than capacity can start
 * @param capacityShort served too slowly otherwise: capacity asked for late or too little, held
 *     short by the spec's maximum, or a request slower than the objective however it is served
 * @param timedOut SageMaker gave up after the invocation timeout (60 s)
 * @param modelErrors any other error of the model's container
 */
public record Misses(
    long tooLong,
    long noCopy,
    long riseFasterThanStartUp,
    long capacityShort,
    long timedOut,
    long modelErrors) {
  public static final Misses NONE = new Misses(0, 0, 0, 0, 0, 0);

  /** Every request that missed the objective. */
  public long total() {
    return tooLong + noCopy + riseFasterThanStartUp + capacityShort + timedOut + modelErrors;
  }
}
