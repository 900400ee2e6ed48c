package dev.copyscale.twin.sim;

import dev.copyscale.serving.TgiCopy;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * An inference component of a twin world serving requests, request by request, while the world
 * moves on: every 10 seconds the copies' metrics go to CloudWatch, alarms are evaluated (native
 * policies execute in Application Auto Scaling, copyscale's alarms go to the stack's step-scaling
 * function), and the copies SageMaker serves are taken from the twin; every minute the stack's
 * functions run; schedules fire at their times.
 *
 * <p>A request is routed to a serving copy by the endpoint's routing strategy and served by the
 * copy's TGI ({@link Serving}): through the derived serving model, each request with its own prompt
 * and output as TGI batches it ({@link TgiCopy}), or through a measured table where one is given.
 * SageMaker gives up after the invocation timeout (60 s) and TGI then drops the request, so it
 * frees its batch slot at that moment. With no copy serving, a request fails as SageMaker fails it
 * and counts in NoCapacityInvocationFailures. TGI's limits and the routing are the deployed
 * component's and endpoint's, read from the twin.
 *
 * <p>Time is microseconds since {@link #origin()}, in primitive fields, and requests live in
 * primitive arrays: a simulated week is millions of requests. Not thread-safe: one thread drives
 * it.
 */
public final class ServingEngine {
  /** What a driver learns from the engine. */
  public interface Listener {
    /**
     * A request finished at {@code at}: served ({@code failure} null; latency and time to first
     * token from its arrival) or failed with the error the client sees. Its id is free again after
     * this call: a later request may get it.
     */
    void finished(int request, long at, long latencyMicros, long ttftMicros, String failure);

    /**
     * A streamed request's first token left the copy (only for requests submitted with {@code
     * stream}).
     */
    default void firstToken(int request, long at) {}

    /** A 10-second period ended and the world moved on to its end. */
    default void period(Period period) {}
  }

  /**
   * The state at the end of a 10-second period, and the average outstanding requests per serving
   * copy during it.
   */
  public record Period(
      long end,
      int desiredCopies,
      int servingCopies,
      int copiesHeld,
      int instances,
      double concurrencyPerCopy) {}

  /**
   * @param seed the routing's random choices (RANDOM routing, ties under least outstanding
   *     requests)
   * @param invocationTimeout how long SageMaker waits for the container (60 s for real-time
   *     endpoints)
   */
  public record Options(long seed, Duration invocationTimeout) {
    public static final Duration SAGEMAKER_TIMEOUT = Duration.ofSeconds(60);
  }

  public static final String NO_CAPACITY =
      "no capacity: no copy serving (NoCapacityInvocationFailures)";
  public static final String TIMED_OUT = "ModelError: invocation timed out after 60 s";
  public static final String TOO_LONG = "ModelError: input too long for TGI (422)";

  static final long TEN_SECONDS = 10_000_000L;

  private final TwinWorld world;
  private final Stack stack;
  private final String componentName;
  private final String endpointName;
  private final Serving serving;
  private final Listener listener;
  private final long timeoutMicros;
  private final TgiLimits limits;
  private final boolean leastOutstanding;
  private final SplittableRandom random;
  private final Map<String, String> componentDimensions;
  private final Map<String, String> variantDimensions;
  private final Instant origin;

  // Requests by id.
  private long[] arrival = new long[1024];
  private long[] startedAt = new long[1024];
  private long[] firstTokenAt = new long[1024];

  /** Whose request each is: 0 the component's own, k its k-th adapter's ({@link #target}). */
  private int[] target = new int[1024];

  private int submitted;

  /**
   * The component's adapter inference components that have had requests, in the order they first
   * did, with their metrics (index k - 1 for target k).
   */
  private final List<String> adapters = new ArrayList<>();

  private final List<MetricBucket> adapterBuckets = new ArrayList<>();

  /** Whether the component still exists in SageMaker (its metrics stop when it is gone). */
  private boolean componentExists = true;

  /** Ids of finished requests, reused so that a long load run holds only the requests in flight. */
  private int[] freeIds = new int[256];

  private int freeCount;

  // Copies: every copy ever seen, by index (running requests name copies by index), and the serving
  // ones.
  private final List<CopyServer> copies = new ArrayList<>();
  private final Map<String, CopyServer> copiesById = new HashMap<>();
  private CopyServer[] servingCopies = new CopyServer[16];
  private int servingCount;
  private int tieBreak;
  private long nextCopyReady = Long.MAX_VALUE;

  /** Copies by their next event, an indexed binary min-heap of copy indices. */
  private int[] copyHeap = new int[16];

  private int[] copyHeapIndex = new int[16];
  private long[] copyNext = new long[16];
  private int copyHeapSize;

  /** What copies reported and the engine has yet to act on: kind, request, copy, at. */
  private final EventBuffer events = new EventBuffer();

  private final BitSet streamed = new BitSet();
  private long now;
  private long nextBoundary = TEN_SECONDS;
  private long outstanding;
  private long lastChange;
  private int instances;
  private int copiesHeld;
  private int desiredCopies;
  private MetricBucket bucket = new MetricBucket();
  private double periodConcurrencyIntegral;

  // What a period's end keeps between its two halves ({@link #publishPeriod}, {@link #endPeriod}),
  // so that several engines on one endpoint publish theirs before the world moves on once for all.
  private int heldDuring;
  private int instancesDuring;
  private double periodConcurrency;

  /** The endpoint this engine serves a component of, with others; null when it serves alone. */
  private SharedEndpoint group;

  /**
   * Serves the component's requests as {@code serving} says (the derived serving model or a
   * measured table: {@link Serving#forSpec}); TGI's limits are the deployed container's.
   */
  public ServingEngine(
      TwinWorld world,
      Stack stack,
      String componentName,
      Serving serving,
      Options options,
      Listener listener) {
    this.world = world;
    this.stack = stack;
    this.componentName = componentName;
    this.serving = serving;
    this.listener = listener;
    this.timeoutMicros = options.invocationTimeout().toNanos() / 1000;
    world.sageMaker().settle();
    SageMakerState state = world.sageMaker().state();
    SageMakerState.Component component = state.components().get(componentName);
    if (component == null) {
      throw new IllegalArgumentException(
          "no inference component " + componentName + " in the twin world");
    }
    SageMakerState.Endpoint endpoint = state.endpoints().get(component.endpointName());
    this.endpointName = component.endpointName();
    Map<String, String> env = environment(state, component);
    this.limits = serving.limits(env, env.getOrDefault("HF_MODEL_ID", ""));
    String routing =
        endpoint == null
            ? null
            : state.endpointConfigs().containsKey(endpoint.configName())
                ? state.endpointConfigs().get(endpoint.configName()).routing()
                : null;
    this.leastOutstanding = "LEAST_OUTSTANDING_REQUESTS".equals(routing);
    this.random = new SplittableRandom(options.seed());
    this.componentDimensions = Map.of("InferenceComponentName", componentName);
    this.variantDimensions =
        Map.of("EndpointName", component.endpointName(), "VariantName", component.variantName());
    Instant clock = world.clock().instant();
    this.origin = Instant.ofEpochSecond(Math.floorDiv(clock.getEpochSecond() + 9, 10) * 10);
    advanceWorldTo(0);
    syncCopies();
  }

  /**
   * The container's environment: the model's, with the component specification's own on top (as
   * SageMaker merges them).
   */
  private static Map<String, String> environment(
      SageMakerState state, SageMakerState.Component component) {
    Map<String, String> env = new TreeMap<>();
    SageMakerState.Model model =
        component.modelName() == null ? null : state.models().get(component.modelName());
    if (model != null) {
      env.putAll(model.environment());
    }
    env.putAll(component.environment());
    return env;
  }

  /** How the copies serve, and where that comes from. */
  public Serving serving() {
    return serving;
  }

  public Instant origin() {
    return origin;
  }

  /** The engine's time, microseconds since {@link #origin()}. */
  public long now() {
    return now;
  }

  public Instant at(long micros) {
    return origin.plusNanos(micros * 1000);
  }

  /** The engine's time of an instant: microseconds since {@link #origin()}. */
  public long micros(Instant at) {
    return Duration.between(origin, at).toNanos() / 1000;
  }

  public TwinWorld world() {
    return world;
  }

  public String endpointName() {
    return endpointName;
  }

  public String componentName() {
    return componentName;
  }

  /** TGI's limits of the deployed container. */
  public TgiLimits limits() {
    return limits;
  }

  public boolean leastOutstanding() {
    return leastOutstanding;
  }

  /**
   * Whose requests an InvokeEndpoint naming {@code inferenceComponentName} is: 0 for the component
   * itself, k ≥ 1 for one of its adapter inference components that is InService (its requests are
   * served by this component's copies, in the same batches: TGI and LoRAX serve many LoRA adapters
   * on one base model that way), -1 for a component this engine does not serve or that is gone.
   */
  public int target(String inferenceComponentName) {
    if (inferenceComponentName == null) {
      return -1;
    }
    if (inferenceComponentName.equals(componentName)) {
      return componentExists ? 0 : -1;
    }
    SageMakerState.Component c = world.sageMaker().state().components().get(inferenceComponentName);
    Instant instant = at(now);
    if (c == null
        || !componentName.equals(c.baseComponentName())
        || c.deletingUntil() != null
        || c.adapterLoadedAt() == null
        || c.adapterLoadedAt().isAfter(instant)) {
      return -1;
    }
    int k = adapters.indexOf(inferenceComponentName);
    if (k < 0) {
      adapters.add(inferenceComponentName);
      adapterBuckets.add(new MetricBucket());
      k = adapters.size() - 1;
    }
    return k + 1;
  }

  /** The bucket the requests of {@code target} count in. */
  private MetricBucket bucketOf(int target) {
    return target == 0 ? bucket : adapterBuckets.get(target - 1);
  }

  /** The id the next submitted request gets (ids of finished requests are reused). */
  public int nextId() {
    return freeCount > 0 ? freeIds[freeCount - 1] : submitted;
  }

  /**
   * When the next thing happens (a request finishing or streaming its first token, a period ending,
   * a copy becoming ready).
   */
  public long nextEventAt() {
    return Math.min(nextCopyEvent(), Math.min(nextBoundary, nextCopyReady));
  }

  private long nextCopyEvent() {
    return copyHeapSize == 0 ? Long.MAX_VALUE : copyNext[copyHeap[0]];
  }

  public long arrivalMicros(int request) {
    return arrival[request];
  }

  public boolean idle() {
    return outstanding == 0;
  }

  /** When each copy started its first request. */
  public Map<String, Instant> copiesFirstServed() {
    Map<String, Instant> served = new TreeMap<>();
    copies.stream()
        .filter(c -> c.firstStarted >= 0)
        .forEach(c -> served.put(c.id, at(c.firstStarted)));
    return served;
  }

  /**
   * Moves time to {@code until}: requests finish, periods end and the world moves on, in time
   * order.
   */
  public void runUntil(long until) {
    if (group != null) {
      group.runUntil(until);
      return;
    }
    runEvents(until, true);
  }

  /**
   * Moves this engine alone to {@code until}: requests finish, periods end (only when the engine
   * drives the world alone: a {@link SharedEndpoint} never asks past its next period's end) and
   * copies become ready, in time order.
   */
  void runEvents(long until, boolean accountToUntil) {
    while (true) {
      long copyEvent = nextCopyEvent();
      long boundary = nextBoundary;
      long ready = nextCopyReady;
      if (boundary <= until && boundary <= copyEvent && boundary <= ready) {
        tenSeconds(boundary);
      } else if (ready <= until && ready <= copyEvent) {
        account(ready);
        syncCopies();
      } else if (copyEvent <= until) {
        advanceCopy(copyHeap[0], copyEvent);
      } else {
        break;
      }
    }
    if (accountToUntil) {
      account(until);
    }
  }

  /**
   * Runs to the end of the 10-second period under way, so that its metrics are published and its
   * alarms evaluated.
   */
  public void finishPeriod() {
    runUntil(nextBoundary);
  }

  /** Runs until every submitted request has finished. */
  public void drain() {
    if (group != null) {
      group.drain();
      return;
    }
    while (!idle()) {
      runUntil(nextDrainStep());
    }
  }

  /** How far {@link #drain} moves at a time: to the next copy event or period end. */
  long nextDrainStep() {
    return Math.min(nextCopyEvent(), nextBoundary);
  }

  /**
   * A request arrives now ({@link #runUntil} first); returns its id, the one {@link
   * Listener#finished} names.
   */
  public int submit(int promptTokens, int outputTokens) {
    return submit(promptTokens, outputTokens, false);
  }

  /** As {@link #submit(int, int)}; a {@code stream}ed request also reports its first token. */
  public int submit(int promptTokens, int outputTokens, boolean stream) {
    return submit(promptTokens, outputTokens, stream, 0);
  }

  /**
   * As {@link #submit(int, int, boolean)}, for {@code target}'s requests ({@link #target}: the
   * component's own or one of its adapters'), served alike by the component's copies.
   */
  public int submit(int promptTokens, int outputTokens, boolean stream, int target) {
    int request = freeCount > 0 ? freeIds[--freeCount] : submitted++;
    if (stream) {
      streamed.set(request);
    }
    if (request == arrival.length) {
      int n = Math.max(16, request * 2);
      arrival = Arrays.copyOf(arrival, n);
      startedAt = Arrays.copyOf(startedAt, n);
      firstTokenAt = Arrays.copyOf(firstTokenAt, n);
      this.target = Arrays.copyOf(this.target, n);
    }
    arrival[request] = now;
    this.target[request] = target;
    MetricBucket own = bucketOf(target);
    if (servingCount == 0) {
      own.noCapacity++;
      finished(request, now, 0, 0, NO_CAPACITY);
      return request;
    }
    own.invocations++;
    if (target != 0) {
      bucket.adapterInvocations++;
    }
    bucket.invocationsPerCopy += 1.0 / servingCount;
    if (limits.refuses(promptTokens, outputTokens)) {
      own.modelErrors++;
      finished(request, now, 0, 0, TOO_LONG);
      return request;
    }
    CopyServer copy = route();
    copy.outstanding++;
    outstanding++;
    copy.serving.arrive(now, request, promptTokens, outputTokens, now);
    dispatch();
    reschedule(copy.index);
    return request;
  }

  private CopyServer route() {
    if (!leastOutstanding) {
      return servingCopies[random.nextInt(servingCount)];
    }
    int from = tieBreak++ % servingCount;
    CopyServer best = servingCopies[from];
    for (int k = 1; k < servingCount && best.outstanding > 0; k++) {
      CopyServer c = servingCopies[(from + k) % servingCount];
      if (c.outstanding < best.outstanding) {
        best = c;
      }
    }
    return best;
  }

  /** Runs one copy's events up to {@code at}, then acts on what it reported. */
  private void advanceCopy(int index, long at) {
    account(at);
    now = at;
    copies.get(index).serving.advanceTo(at);
    dispatch();
    reschedule(index);
  }

  /** Acts on what copies reported, in the order they reported it. */
  private void dispatch() {
    while (!events.isEmpty()) {
      int kind = events.kind();
      int request = events.request();
      CopyServer copy = copies.get(events.copy());
      long at = events.at();
      events.poll();
      switch (kind) {
        case EventBuffer.STARTED -> {
          startedAt[request] = at;
          if (copy.firstStarted < 0) {
            copy.firstStarted = at;
          }
        }
        case EventBuffer.FIRST_TOKEN -> {
          firstTokenAt[request] = at;
          if (streamed.get(request)) {
            listener.firstToken(request, at);
          }
        }
        case EventBuffer.FINISHED -> {
          copy.outstanding--;
          outstanding--;
          bucketOf(target[request]).modelLatency(at - startedAt[request]);
          finished(
              request, at, at - arrival[request], firstTokenAt[request] - arrival[request], null);
        }
        default -> {
          copy.outstanding--;
          outstanding--;
          bucketOf(target[request]).modelErrors++;
          finished(request, at, 0, 0, TIMED_OUT);
        }
      }
    }
  }

  /** A copy's TGI reports here; the engine acts on it once the copy is done ({@link #dispatch}). */
  private TgiCopy.Sink sink(int copy) {
    return new TgiCopy.Sink() {
      @Override
      public void started(int request, long at) {
        events.add(EventBuffer.STARTED, request, copy, at);
      }

      @Override
      public void firstToken(int request, long at) {
        events.add(EventBuffer.FIRST_TOKEN, request, copy, at);
      }

      @Override
      public void finished(int request, long at) {
        events.add(EventBuffer.FINISHED, request, copy, at);
      }

      @Override
      public void timedOut(int request, long at) {
        events.add(EventBuffer.TIMED_OUT, request, copy, at);
      }
    };
  }

  // The copies' heap, by each copy's next event.

  private void reschedule(int copy) {
    long next = copies.get(copy).serving.nextEventAt();
    int i = copyHeapIndex[copy];
    if (i < 0) {
      if (next == Long.MAX_VALUE) {
        return;
      }
      copyNext[copy] = next;
      copyHeap[copyHeapSize] = copy;
      copyHeapIndex[copy] = copyHeapSize;
      copyHeapSize++;
      heapUp(copyHeapSize - 1);
      return;
    }
    if (next == Long.MAX_VALUE) {
      copyHeapSize--;
      copyHeapIndex[copy] = -1;
      if (i != copyHeapSize) {
        copyHeap[i] = copyHeap[copyHeapSize];
        copyHeapIndex[copyHeap[i]] = i;
        heapUp(i);
        heapDown(copyHeapIndex[copyHeap[i]]);
      }
      return;
    }
    copyNext[copy] = next;
    heapUp(i);
    heapDown(copyHeapIndex[copy]);
  }

  private void heapUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (copyNext[copyHeap[parent]] <= copyNext[copyHeap[i]]) {
        return;
      }
      heapSwap(i, parent);
      i = parent;
    }
  }

  private void heapDown(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= copyHeapSize) {
        return;
      }
      int least =
          left + 1 < copyHeapSize && copyNext[copyHeap[left + 1]] < copyNext[copyHeap[left]]
              ? left + 1
              : left;
      if (copyNext[copyHeap[i]] <= copyNext[copyHeap[least]]) {
        return;
      }
      heapSwap(i, least);
      i = least;
    }
  }

  private void heapSwap(int a, int b) {
    int t = copyHeap[a];
    copyHeap[a] = copyHeap[b];
    copyHeap[b] = t;
    copyHeapIndex[copyHeap[a]] = a;
    copyHeapIndex[copyHeap[b]] = b;
  }

  /** Tells the listener, then frees the request's id for the next request. */
  private void finished(int request, long at, long latencyMicros, long ttftMicros, String failure) {
    listener.finished(request, at, latencyMicros, ttftMicros, failure);
    streamed.clear(request);
    if (freeCount == freeIds.length) {
      freeIds = Arrays.copyOf(freeIds, freeCount * 2);
    }
    freeIds[freeCount++] = request;
  }

  /** Integrates the concurrency gauges up to {@code at} and moves the engine's time there. */
  private void account(long at) {
    long span = at - lastChange;
    if (span > 0) {
      if (servingCount > 0) {
        double perCopy = (double) outstanding / servingCount;
        bucket.concurrencyPerCopyIntegral += perCopy * span;
        bucket.concurrencyPerCopyMax = Math.max(bucket.concurrencyPerCopyMax, perCopy);
        periodConcurrencyIntegral += perCopy * span;
      }
      if (instances > 0) {
        double perInstance = (double) outstanding / instances;
        bucket.concurrencyPerInstanceIntegral += perInstance * span;
        bucket.concurrencyPerInstanceMax = Math.max(bucket.concurrencyPerInstanceMax, perInstance);
      }
      lastChange = at;
    }
    if (at > now) {
      now = at;
    }
  }

  /**
   * The end of a 10-second period: metrics out, the world moves on, alarms evaluated, copies taken
   * from SageMaker.
   */
  private void tenSeconds(long boundary) {
    publishPeriod(boundary);
    advanceWorldTo(boundary);
    world.evaluateAlarms(stack);
    endPeriod(boundary);
  }

  /** The first half of a period's end: the period's metrics out, its figures kept. */
  void publishPeriod(long boundary) {
    account(boundary);
    bucket.copiesExisted |= servingCount > 0;
    if (componentExists) {
      bucket.publish(
          world.cloudWatch(),
          at(boundary - TEN_SECONDS),
          TEN_SECONDS,
          componentDimensions,
          variantDimensions,
          instances,
          desiredCopies,
          servingCount);
    }
    bucket = new MetricBucket();
    for (int k = 0; k < adapters.size(); k++) {
      adapterBuckets
          .get(k)
          .publishAdapter(
              world.cloudWatch(),
              at(boundary - TEN_SECONDS),
              Map.of("InferenceComponentName", adapters.get(k)));
      adapterBuckets.set(k, new MetricBucket());
    }
    periodConcurrency = periodConcurrencyIntegral / TEN_SECONDS;
    periodConcurrencyIntegral = 0;
    heldDuring = copiesHeld;
    instancesDuring = instances;
  }

  /**
   * The second half, once the world has moved to {@code boundary} and evaluated its alarms: the
   * copies SageMaker serves now, and the period to the listener.
   */
  void endPeriod(long boundary) {
    syncCopies();
    nextBoundary = boundary + TEN_SECONDS;
    listener.period(
        new Period(
            boundary, desiredCopies, servingCount, heldDuring, instancesDuring, periodConcurrency));
  }

  /** When the period under way ends. */
  long nextBoundary() {
    return nextBoundary;
  }

  /** Serves as one of the components of {@code group}, which moves the world for all of them. */
  void joinGroup(SharedEndpoint group) {
    this.group = group;
  }

  void advanceWorldTo(long micros) {
    Duration ahead = Duration.between(world.clock().instant(), at(micros));
    world.advance(ahead.isNegative() ? Duration.ZERO : ahead, stack);
  }

  /** Takes the copies SageMaker serves: new ones start receiving requests, removed ones stop. */
  private void syncCopies() {
    Instant instant = at(now);
    world.sageMaker().settle();
    SageMakerState state = world.sageMaker().state();
    SageMakerState.Component component = state.components().get(componentName);
    SageMakerState.Endpoint endpoint = state.endpoints().get(endpointName);
    componentExists = component != null;
    instances = endpoint == null ? 0 : endpoint.instances().size();
    desiredCopies = component == null ? 0 : component.desiredCopies();
    copiesHeld = component == null ? 0 : component.copies().size();
    nextCopyReady = Long.MAX_VALUE;
    List<String> ready = new ArrayList<>();
    if (component != null && component.deletingUntil() == null) {
      for (SageMakerState.Copy c : component.copies()) {
        if (!c.readyAt().isAfter(instant)) {
          ready.add(c.id());
        } else {
          nextCopyReady = Math.min(nextCopyReady, Math.max(micros(c.readyAt()), now + 1));
        }
      }
    }
    int kept = 0;
    for (int i = 0; i < servingCount; i++) {
      if (ready.contains(servingCopies[i].id)) {
        servingCopies[kept++] = servingCopies[i];
      } else {
        servingCopies[i].accepting = false;
      }
    }
    Arrays.fill(servingCopies, kept, servingCount, null);
    servingCount = kept;
    for (String id : ready) {
      if (!copiesById.containsKey(id)) {
        int index = copies.size();
        CopyServer copy =
            new CopyServer(id, index, serving.copy(limits, timeoutMicros, sink(index)));
        if (index == copyHeapIndex.length) {
          copyHeapIndex = Arrays.copyOf(copyHeapIndex, index * 2);
          copyHeap = Arrays.copyOf(copyHeap, index * 2);
          copyNext = Arrays.copyOf(copyNext, index * 2);
        }
        copyHeapIndex[index] = -1;
        copies.add(copy);
        copiesById.put(id, copy);
        if (servingCount == servingCopies.length) {
          servingCopies = Arrays.copyOf(servingCopies, servingCount * 2);
        }
        servingCopies[servingCount++] = copy;
      }
    }
  }
}
