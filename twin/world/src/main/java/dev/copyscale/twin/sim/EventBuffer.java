package dev.copyscale.twin.sim;

/**
 * What copies reported, in order, until the serving engine acts on it: a ring of (kind, request,
 * copy, time) in primitive arrays.
 */
final class EventBuffer {
  static final int STARTED = 0;
  static final int FIRST_TOKEN = 1;
  static final int FINISHED = 2;
  static final int TIMED_OUT = 3;

  private int[] kinds = new int[64];
  private int[] requests = new int[64];
  private int[] copies = new int[64];
  private long[] times = new long[64];
  private int head;
  private int count;

  void add(int kind, int request, int copy, long at) {
    if (count == kinds.length) {
      grow();
    }
    int i = (head + count) % kinds.length;
    kinds[i] = kind;
    requests[i] = request;
    copies[i] = copy;
    times[i] = at;
    count++;
  }

  boolean isEmpty() {
    return count == 0;
  }

  int kind() {
    return kinds[head];
  }

  int request() {
    return requests[head];
  }

  int copy() {
    return copies[head];
  }

  long at() {
    return times[head];
  }

  void poll() {
    head = (head + 1) % kinds.length;
    count--;
  }

  private void grow() {
    int n = kinds.length * 2;
    int[] k = new int[n];
    int[] r = new int[n];
    int[] c = new int[n];
    long[] t = new long[n];
    for (int i = 0; i < count; i++) {
      int j = (head + i) % kinds.length;
      k[i] = kinds[j];
      r[i] = requests[j];
      c[i] = copies[j];
      t[i] = times[j];
    }
    kinds = k;
    requests = r;
    copies = c;
    times = t;
    head = 0;
  }
}
