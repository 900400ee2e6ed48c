package dev.copyscale.twin.sim;

import dev.copyscale.twin.serving.CopyServing;

/**
 * One model copy serving requests: its TGI ({@link CopyServing}: waiting queue and running batch)
 * and the router's count of its outstanding requests. A copy that SageMaker removed stops receiving
 * requests but finishes the ones it holds.
 */
final class CopyServer {
  final String id;
  final int index;
  final CopyServing serving;

  /** Requests routed here and not finished: the router's "outstanding requests". */
  int outstanding;

  boolean accepting = true;

  /**
   * When the copy started its first request (microseconds), -1 before: checks copies never serve
   * before they are ready.
   */
  long firstStarted = -1;

  CopyServer(String id, int index, CopyServing serving) {
    this.id = id;
    this.index = index;
    this.serving = serving;
  }

  boolean idle() {
    return outstanding == 0;
  }

  @Override
  public String toString() {
    return id + " outstanding=" + outstanding;
  }
}
