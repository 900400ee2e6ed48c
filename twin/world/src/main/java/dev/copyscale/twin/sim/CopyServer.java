package dev.copyscale.twin.sim;

import dev.copyscale.twin.serving.CopyBatch;

/**
 * One model copy serving requests: TGI's running batch ({@link CopyBatch}) and its waiting queue,
 * in arrival order. A copy that SageMaker removed stops receiving requests but finishes the ones it
 * holds.
 */
final class CopyServer {
  final String id;
  final int index;
  final CopyBatch batch;
  private int[] waiting = new int[64];
  private int head;
  private int count;

  /** Requests routed here and not finished: the router's "outstanding requests". */
  int outstanding;

  boolean accepting = true;

  /**
   * When the copy started its first request (microseconds), -1 before: checks copies never serve
   * before they are ready.
   */
  long firstStarted = -1;

  CopyServer(String id, int index, CopyBatch batch) {
    this.id = id;
    this.index = index;
    this.batch = batch;
  }

  void enqueue(int request) {
    if (count == waiting.length) {
      int[] grown = new int[waiting.length * 2];
      for (int i = 0; i < count; i++) {
        grown[i] = waiting[(head + i) % waiting.length];
      }
      waiting = grown;
      head = 0;
    }
    waiting[(head + count) % waiting.length] = request;
    count++;
  }

  boolean hasWaiting() {
    return count > 0;
  }

  int peekWaiting() {
    return waiting[head];
  }

  void dropWaiting() {
    head = (head + 1) % waiting.length;
    count--;
  }

  boolean idle() {
    return outstanding == 0;
  }

  @Override
  public String toString() {
    return id
        + " outstanding="
        + outstanding
        + " waiting="
        + count
        + " running="
        + batch.requests();
  }
}
