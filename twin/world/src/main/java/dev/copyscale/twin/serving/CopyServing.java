package dev.copyscale.twin.serving;

/**
 * One model copy's TGI as the simulator's serving engine drives it: requests arrive, the copy runs
 * its own events (prefills, tokens, last tokens, timeouts) in time order and reports them to the
 * {@link dev.copyscale.serving.TgiCopy.Sink} it was made with. Implemented by the derived serving
 * model ({@link dev.copyscale.serving.TgiCopy}) and by a measured table ({@link TableCopy}).
 */
public interface CopyServing {
  /** A request arrives now; {@code arrivedAt} starts its client's timeout. */
  void arrive(long at, int request, int promptTokens, int outputTokens, long arrivedAt);

  /** When the copy's next event is; {@code Long.MAX_VALUE} when it has none. */
  long nextEventAt();

  /** Runs the copy's events up to {@code now}. */
  void advanceTo(long now);
}
