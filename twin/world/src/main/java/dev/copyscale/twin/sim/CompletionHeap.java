package dev.copyscale.twin.sim;

import java.util.Arrays;

/**
 * The requests running on copies, ordered by when they leave their batch: a binary min-heap over
 * parallel primitive arrays, because a simulated week runs millions of requests and boxing each one
 * would dominate the run time.
 */
final class CompletionHeap {
  private long[] at = new long[256];
  private int[] request = new int[256];
  private int[] copy = new int[256];
  private long[] started = new long[256];
  private long[] firstToken = new long[256];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** When the first running request leaves (microseconds); Long.MAX_VALUE when none runs. */
  long nextAt() {
    return size == 0 ? Long.MAX_VALUE : at[0];
  }

  int nextRequest() {
    return request[0];
  }

  int nextCopy() {
    return copy[0];
  }

  long nextStarted() {
    return started[0];
  }

  long nextFirstToken() {
    return firstToken[0];
  }

  void add(long when, int req, int copyIndex, long startedAt, long firstTokenAt) {
    if (size == at.length) {
      int n = size * 2;
      at = Arrays.copyOf(at, n);
      request = Arrays.copyOf(request, n);
      copy = Arrays.copyOf(copy, n);
      started = Arrays.copyOf(started, n);
      firstToken = Arrays.copyOf(firstToken, n);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (at[parent] <= when) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, when, req, copyIndex, startedAt, firstTokenAt);
  }

  /** Removes the first running request (read it with the next* methods before). */
  void poll() {
    int last = --size;
    if (last == 0) {
      return;
    }
    long when = at[last];
    int req = request[last];
    int copyIndex = copy[last];
    long startedAt = started[last];
    long firstTokenAt = firstToken[last];
    int i = 0;
    int half = last >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < last && at[right] < at[child]) {
        child = right;
      }
      if (when <= at[child]) {
        break;
      }
      move(child, i);
      i = child;
    }
    set(i, when, req, copyIndex, startedAt, firstTokenAt);
  }

  private void move(int from, int to) {
    at[to] = at[from];
    request[to] = request[from];
    copy[to] = copy[from];
    started[to] = started[from];
    firstToken[to] = firstToken[from];
  }

  private void set(int i, long when, int req, int copyIndex, long startedAt, long firstTokenAt) {
    at[i] = when;
    request[i] = req;
    copy[i] = copyIndex;
    started[i] = startedAt;
    firstToken[i] = firstTokenAt;
  }
}
