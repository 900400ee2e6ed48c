package dev.copyscale.serving;

import java.util.Arrays;

/**
 * One TGI copy serving requests in virtual time, as TGI 2.0's router batches them
 * (text-generation-inference v2.0.4, router/src/infer.rs {@code batching_task} and
 * router/src/queue.rs {@code next_batch}), each pass timed by {@link CopyPhysics}:
 *
 * <ul>
 *   <li>Requests wait in a first-come-first-served queue. A prefill takes requests from its head
 *       while their prompts stay within MAX_BATCH_PREFILL_TOKENS and prompts plus outputs (in
 *       16-token blocks) within what MAX_BATCH_TOTAL_TOKENS leaves beside the running batch.
 *   <li>With no batch running, waiting requests are prefilled at once. While a batch runs, they are
 *       prefilled at the next step when at least WAITING_SERVED_RATIO x the batch's size of them
 *       fit, or when MAX_WAITING_TOKENS steps have passed since the last prefill; the running batch
 *       waits for the prefill (it is one pass on the same GPUs).
 *   <li>A prefill ends with each request's first token; then every decode step gives each running
 *       request its next token, and a request leaves the batch with its last one.
 *   <li>A request whose client gave up (the invocation timeout from its arrival) leaves the batch
 *       at that moment; one still waiting is dropped when a prefill would take it.
 * </ul>
 *
 * <p>Decode steps are followed as a fluid count between events: a step's time is the physics' for
 * the batch and KV cache at the last event, so the work is per request (arrival, prefill, last
 * token), not per token. Time is microseconds; not thread-safe.
 */
public final class TgiCopy {
  /** What the copy tells its driver; request ids are the driver's. */
  public interface Sink {
    /** The request's prefill began: the container is working on it. */
    void started(int request, long at);

    /** Its first token left the copy. */
    void firstToken(int request, long at);

    /** Its last token left the copy. */
    void finished(int request, long at);

    /** It was dropped because its client had given up. */
    void timedOut(int request, long at);
  }

  static final int BLOCK = 16;
  private static final byte FREE = 0;
  private static final byte WAITING = 1;
  private static final byte PREFILLING = 2;
  private static final byte RUNNING = 3;
  private static final double EPSILON = 1e-9;

  private final CopyPhysics physics;
  private final CopyPhysics.DecodeSteps decodeSteps;
  private final TgiLimits limits;
  private final long timeoutMicros;
  private final Sink sink;
  private final int prefillBudget;

  // Requests by slot.
  private int[] id = new int[64];
  private int[] prompt = new int[64];
  private int[] output = new int[64];
  private long[] arrival = new long[64];
  private double[] finishAt = new double[64];
  private byte[] state = new byte[64];
  private int[] generation = new int[64];
  private int[] heapIndex = new int[64];
  private int[] freeSlots = new int[64];
  private int freeCount;
  private int slots;

  private final IntRing waiting = new IntRing();

  /** Running slots in the order they joined (= arrival order: the queue is FIFO), lazily pruned. */
  private final LongRing joined = new LongRing();

  private int[] heap = new int[64];
  private int running;
  private long reservedTokens;
  private double kvBase;

  private int[] group = new int[16];
  private int groupSize;
  private long prefillEnd = Long.MAX_VALUE;

  private long clock;
  private double progress;
  private double stepMicros;
  private double lastPrefill;
  private double checkAt = Double.POSITIVE_INFINITY;

  public TgiCopy(CopyPhysics physics, TgiLimits limits, long timeoutMicros, Sink sink) {
    this.physics = physics;
    this.decodeSteps = physics.decodeSteps();
    this.limits = limits;
    this.timeoutMicros = timeoutMicros;
    this.sink = sink;
    this.prefillBudget = (int) blocks(limits.maxBatchPrefillTokens());
  }

  /** Requests waiting plus running (and in a prefill). */
  public int requests() {
    return waiting.size() + running + groupSize;
  }

  public int running() {
    return running + groupSize;
  }

  /**
   * A request arrives now (every event of the copy before {@code at} has run: {@link #advanceTo}).
   *
   * @param arrivedAt when its client sent it: its timeout runs from then
   */
  public void arrive(long at, int request, int promptTokens, int outputTokens, long arrivedAt) {
    move(at);
    int slot = slot();
    id[slot] = request;
    prompt[slot] = promptTokens;
    output[slot] = Math.max(1, outputTokens);
    arrival[slot] = arrivedAt;
    state[slot] = WAITING;
    waiting.add(slot);
    if (prefillEnd != Long.MAX_VALUE) {
      return;
    }
    if (running == 0) {
      tryPrefill(at, true);
    } else if (waiting.size() >= Math.max(1, minSize())) {
      checkAt = Math.min(checkAt, Math.floor(progress + EPSILON) + 1);
    } else {
      checkAt = Math.min(checkAt, lastPrefill + limits.maxWaitingTokens());
    }
  }

  /** When the next thing happens inside the copy; {@code Long.MAX_VALUE} when idle. */
  public long nextEventAt() {
    long next = prefillEnd;
    if (prefillEnd == Long.MAX_VALUE && running > 0) {
      double target = Math.min(finishAt[heap[0]], checkAt);
      next = clock + (long) Math.ceil(Math.max(0, target - progress) * stepMicros - EPSILON);
    }
    return Math.min(next, earliestDeadline());
  }

  /** Runs the copy's events up to {@code now}, in time order. */
  public void advanceTo(long now) {
    while (true) {
      long next = nextEventAt();
      if (next > now) {
        break;
      }
      event(next);
    }
    move(now);
  }

  private void move(long to) {
    if (to <= clock) {
      return;
    }
    if (prefillEnd == Long.MAX_VALUE && running > 0) {
      progress += (to - clock) / stepMicros;
    }
    clock = to;
  }

  private void event(long at) {
    boolean prefilling = prefillEnd != Long.MAX_VALUE;
    if (!prefilling && running > 0) {
      // Land exactly on the step the event is at, whatever the rounding to microseconds.
      double target = Math.min(finishAt[heap[0]], checkAt);
      long atTarget =
          clock + (long) Math.ceil(Math.max(0, target - progress) * stepMicros - EPSILON);
      move(at);
      if (atTarget <= at) {
        progress = Math.max(progress, target);
      }
    } else {
      move(at);
    }
    boolean changed = dropTimedOut(at);
    if (prefilling && at >= prefillEnd) {
      endPrefill(at);
      return;
    }
    if (prefilling) {
      if (changed) {
        refreshStep();
      }
      return;
    }
    while (running > 0 && finishAt[heap[0]] <= progress + EPSILON) {
      int slot = heap[0];
      removeRunning(slot);
      sink.finished(id[slot], at);
      release(slot);
      changed = true;
    }
    if (changed || checkAt <= progress + EPSILON) {
      checkAt = Double.POSITIVE_INFINITY;
      if (!waiting.isEmpty()) {
        tryPrefill(at, running == 0);
      }
    }
    refreshStep();
  }

  /** Running requests past their client's timeout leave now; true if any did. */
  private boolean dropTimedOut(long at) {
    boolean any = false;
    while (!joined.isEmpty()) {
      long entry = joined.peek();
      int slot = (int) entry;
      if (state[slot] != RUNNING || generation[slot] != (int) (entry >>> 32)) {
        joined.poll();
        continue;
      }
      if (arrival[slot] + timeoutMicros > at) {
        break;
      }
      joined.poll();
      removeRunning(slot);
      sink.timedOut(id[slot], at);
      release(slot);
      any = true;
    }
    return any;
  }

  private long earliestDeadline() {
    while (!joined.isEmpty()) {
      long entry = joined.peek();
      int slot = (int) entry;
      if (state[slot] == RUNNING && generation[slot] == (int) (entry >>> 32)) {
        return arrival[slot] + timeoutMicros;
      }
      joined.poll();
    }
    return Long.MAX_VALUE;
  }

  private int minSize() {
    return progress - lastPrefill >= limits.maxWaitingTokens() - EPSILON
        ? 0
        : (int) Math.floor(running * limits.waitingServedRatio());
  }

  /**
   * Takes a prefill from the head of the queue if TGI would ({@code next_batch}); {@code idle}: no
   * batch is running (TGI's outer loop, no minimum size).
   */
  private void tryPrefill(long at, boolean idle) {
    int min = idle ? 1 : Math.max(1, minSize());
    long budget = limits.maxBatchTotalTokens() - reservedTokens;
    int maxSize = limits.maxBatchSize() > 0 ? limits.maxBatchSize() - running : Integer.MAX_VALUE;
    long prefillTokens = 0;
    long decodeTokens = 0;
    groupSize = 0;
    while (!waiting.isEmpty() && groupSize < maxSize) {
      int slot = waiting.peek();
      if (arrival[slot] + timeoutMicros <= at) {
        waiting.poll();
        sink.timedOut(id[slot], at);
        release(slot);
        continue;
      }
      long p = prefillTokens + blocks(prompt[slot]);
      long d = decodeTokens + blocks(output[slot]);
      boolean alone = groupSize == 0 && running == 0;
      if (!alone && (p > prefillBudget || p + d > budget)) {
        break;
      }
      waiting.poll();
      prefillTokens = p;
      decodeTokens = d;
      addToGroup(slot);
    }
    if (groupSize < min) {
      for (int i = groupSize - 1; i >= 0; i--) {
        waiting.addFirst(group[i]);
        state[group[i]] = WAITING;
      }
      groupSize = 0;
      if (!waiting.isEmpty() && !idle) {
        checkAt =
            progress - lastPrefill < limits.maxWaitingTokens()
                ? lastPrefill + limits.maxWaitingTokens()
                : Double.POSITIVE_INFINITY;
      }
      return;
    }
    double tokens = 0;
    double squares = 0;
    for (int i = 0; i < groupSize; i++) {
      int slot = group[i];
      tokens += prompt[slot];
      squares += (double) prompt[slot] * prompt[slot];
      reservedTokens += blocks(prompt[slot]) + blocks(output[slot]);
      sink.started(id[slot], at);
    }
    prefillEnd = at + Math.max(1, Math.round(physics.prefillMs(tokens, squares) * 1000));
    checkAt = Double.POSITIVE_INFINITY;
  }

  private void addToGroup(int slot) {
    if (groupSize == group.length) {
      group = Arrays.copyOf(group, groupSize * 2);
    }
    group[groupSize++] = slot;
    state[slot] = PREFILLING;
  }

  private void endPrefill(long at) {
    prefillEnd = Long.MAX_VALUE;
    int n = groupSize;
    groupSize = 0;
    for (int i = 0; i < n; i++) {
      int slot = group[i];
      sink.firstToken(id[slot], at);
      if (output[slot] <= 1 || arrival[slot] + timeoutMicros <= at) {
        reservedTokens -= blocks(prompt[slot]) + blocks(output[slot]);
        if (output[slot] <= 1 && arrival[slot] + timeoutMicros > at) {
          sink.finished(id[slot], at);
        } else {
          sink.timedOut(id[slot], at);
        }
        release(slot);
        continue;
      }
      state[slot] = RUNNING;
      finishAt[slot] = progress + output[slot] - 1;
      kvBase += prompt[slot] - progress;
      push(slot);
      joined.add(((long) generation[slot] << 32) | slot);
    }
    lastPrefill = progress;
    if (running == 0) {
      if (!waiting.isEmpty()) {
        tryPrefill(at, true);
      }
    } else if (!waiting.isEmpty()) {
      checkAt = progress + 1;
    }
    refreshStep();
  }

  private void refreshStep() {
    if (running > 0) {
      double kv = kvBase + running * progress;
      stepMicros = decodeSteps.ms(running, kv) * 1000;
    }
  }

  private void removeRunning(int slot) {
    kvBase -= prompt[slot] - (finishAt[slot] - output[slot] + 1);
    reservedTokens -= blocks(prompt[slot]) + blocks(output[slot]);
    removeFromHeap(slot);
  }

  static long blocks(int tokens) {
    return (long) (tokens + BLOCK - 1) / BLOCK * BLOCK;
  }

  private int slot() {
    if (freeCount > 0) {
      return freeSlots[--freeCount];
    }
    if (slots == id.length) {
      int n = slots * 2;
      id = Arrays.copyOf(id, n);
      prompt = Arrays.copyOf(prompt, n);
      output = Arrays.copyOf(output, n);
      arrival = Arrays.copyOf(arrival, n);
      finishAt = Arrays.copyOf(finishAt, n);
      state = Arrays.copyOf(state, n);
      generation = Arrays.copyOf(generation, n);
      heapIndex = Arrays.copyOf(heapIndex, n);
      freeSlots = Arrays.copyOf(freeSlots, n);
    }
    return slots++;
  }

  private void release(int slot) {
    state[slot] = FREE;
    generation[slot]++;
    freeSlots[freeCount++] = slot;
  }

  // A binary min-heap of running slots by finishAt, with each slot's index for removal.

  private void push(int slot) {
    if (running == heap.length) {
      heap = Arrays.copyOf(heap, running * 2);
    }
    heap[running] = slot;
    heapIndex[slot] = running;
    running++;
    up(running - 1);
  }

  private void removeFromHeap(int slot) {
    int i = heapIndex[slot];
    running--;
    if (i != running) {
      heap[i] = heap[running];
      heapIndex[heap[i]] = i;
      up(i);
      down(heapIndex[heap[i]]);
    }
  }

  private void up(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (finishAt[heap[parent]] <= finishAt[heap[i]]) {
        break;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void down(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= running) {
        return;
      }
      int smallest =
          left + 1 < running && finishAt[heap[left + 1]] < finishAt[heap[left]] ? left + 1 : left;
      if (finishAt[heap[i]] <= finishAt[heap[smallest]]) {
        return;
      }
      swap(i, smallest);
      i = smallest;
    }
  }

  private void swap(int a, int b) {
    int t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
    heapIndex[heap[a]] = a;
    heapIndex[heap[b]] = b;
  }

  /** A growable ring of ints. */
  static final class IntRing {
    private int[] items = new int[64];
    private int head;
    private int count;

    void add(int v) {
      grow();
      items[(head + count) % items.length] = v;
      count++;
    }

    void addFirst(int v) {
      grow();
      head = (head - 1 + items.length) % items.length;
      items[head] = v;
      count++;
    }

    int peek() {
      return items[head];
    }

    int poll() {
      int v = items[head];
      head = (head + 1) % items.length;
      count--;
      return v;
    }

    boolean isEmpty() {
      return count == 0;
    }

    int size() {
      return count;
    }

    private void grow() {
      if (count == items.length) {
        int[] grown = new int[items.length * 2];
        for (int i = 0; i < count; i++) {
          grown[i] = items[(head + i) % items.length];
        }
        items = grown;
        head = 0;
      }
    }
  }

  /** A growable ring of longs. */
  static final class LongRing {
    private long[] items = new long[64];
    private int head;
    private int count;

    void add(long v) {
      if (count == items.length) {
        long[] grown = new long[items.length * 2];
        for (int i = 0; i < count; i++) {
          grown[i] = items[(head + i) % items.length];
        }
        items = grown;
        head = 0;
      }
      items[(head + count) % items.length] = v;
      count++;
    }

    long peek() {
      return items[head];
    }

    long poll() {
      long v = items[head];
      head = (head + 1) % items.length;
      count--;
      return v;
    }

    boolean isEmpty() {
      return count == 0;
    }
  }
}
