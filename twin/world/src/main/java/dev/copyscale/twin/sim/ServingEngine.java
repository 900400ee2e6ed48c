package dev.copyscale.twin.sim;

import dev.copyscale.serving.ServingProfile;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.serving.CopyBatch;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * An inference component of a twin world serving requests, request by request, while the world
 * moves on: every 10 seconds the copies' metrics go to CloudWatch, alarms are evaluated (native
 * policies execute in Application Auto Scaling, copyscale's alarms go to the stack's step-scaling
 * function), and the copies SageMaker serves are taken from the twin; every minute the stack's
 * functions run; schedules fire at their times.
 *
 * <p>A request is routed to a serving copy by the endpoint's routing strategy, waits in the copy's
 * queue until TGI's batch admits it ({@link CopyBatch}), then takes the serving profile's time to
 * first token and per-token time at the batch size it joined. SageMaker gives up after the
 * invocation timeout (60 s) and TGI then drops the request, so it frees its batch slot at that
 * moment. With no copy serving, a request fails as SageMaker fails it and counts in
 * NoCapacityInvocationFailures. TGI's limits and the routing are the deployed component's and
 * endpoint's, read from the twin.
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
  private final ServingProfile profile;
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
  private int[] prompt = new int[1024];
  private int[] output = new int[1024];
  private int submitted;

  /** Ids of finished requests, reused so that a long load run holds only the requests in flight. */
  private int[] freeIds = new int[256];

  private int freeCount;

  // Copies: every copy ever seen, by index (running requests name copies by index), and the serving
  // ones.
  private final List<CopyServer> copies = new ArrayList<>();
  private final Map<String, CopyServer> copiesById = new HashMap<>();
  private CopyServer[] serving = new CopyServer[16];
  private int servingCount;
  private int tieBreak;
  private long nextCopyReady = Long.MAX_VALUE;

  private final CompletionHeap running = new CompletionHeap();

  /**
   * First tokens of streamed requests still to leave: {at, request}. Only streaming requests pay
   * for this.
   */
  private final PriorityQueue<long[]> firstTokens =
      new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));

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

  public ServingEngine(
      TwinWorld world,
      Stack stack,
      String componentName,
      ServingProfile profile,
      Options options,
      Listener listener) {
    this.world = world;
    this.stack = stack;
    this.componentName = componentName;
    this.profile = profile;
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
    // The container's environment: the model's, with the component specification's own on top (as
    // SageMaker merges them).
    Map<String, String> env = new TreeMap<>();
    SageMakerState.Model model =
        component.modelName() == null ? null : state.models().get(component.modelName());
    if (model != null) {
      env.putAll(model.environment());
    }
    env.putAll(component.environment());
    this.limits =
        TgiLimits.of(
            env,
            profile,
            env.getOrDefault("HF_MODEL_ID", ""),
            dev.copyscale.catalog.Catalog.bundled());
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

  /** The id the next submitted request gets (ids of finished requests are reused). */
  public int nextId() {
    return freeCount > 0 ? freeIds[freeCount - 1] : submitted;
  }

  /**
   * When the next thing happens (a request finishing or streaming its first token, a period ending,
   * a copy becoming ready).
   */
  public long nextEventAt() {
    long token = firstTokens.isEmpty() ? Long.MAX_VALUE : firstTokens.peek()[0];
    return Math.min(Math.min(running.nextAt(), nextBoundary), Math.min(nextCopyReady, token));
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
    while (true) {
      long done = running.nextAt();
      long boundary = nextBoundary;
      long ready = nextCopyReady;
      long token = firstTokens.isEmpty() ? Long.MAX_VALUE : firstTokens.peek()[0];
      if (token <= until && token <= done && token <= boundary && token <= ready) {
        long[] t = firstTokens.poll();
        account(t[0]);
        listener.firstToken((int) t[1], t[0]);
      } else if (boundary <= until && boundary <= done && boundary <= ready) {
        tenSeconds(boundary);
      } else if (ready <= until && ready <= done) {
        account(ready);
        syncCopies();
      } else if (done <= until) {
        complete(done);
      } else {
        break;
      }
    }
    account(until);
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
    while (!idle()) {
      runUntil(Math.min(running.nextAt(), nextBoundary));
    }
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
    int request = freeCount > 0 ? freeIds[--freeCount] : submitted++;
    if (stream) {
      streamed.set(request);
    }
    if (request == arrival.length) {
      int n = Math.max(16, request * 2);
      arrival = Arrays.copyOf(arrival, n);
      prompt = Arrays.copyOf(prompt, n);
      output = Arrays.copyOf(output, n);
    }
    arrival[request] = now;
    prompt[request] = promptTokens;
    output[request] = outputTokens;
    if (servingCount == 0) {
      bucket.noCapacity++;
      finished(request, now, 0, 0, NO_CAPACITY);
      return request;
    }
    bucket.invocations++;
    bucket.invocationsPerCopy += 1.0 / servingCount;
    if (promptTokens > limits.maxInputTokens()
        || promptTokens + outputTokens > limits.maxTotalTokens()) {
      bucket.modelErrors++;
      finished(request, now, 0, 0, TOO_LONG);
      return request;
    }
    CopyServer copy = route();
    copy.outstanding++;
    outstanding++;
    if (!start(copy, request)) {
      copy.enqueue(request);
    }
    return request;
  }

  private CopyServer route() {
    if (!leastOutstanding) {
      return serving[random.nextInt(servingCount)];
    }
    int from = tieBreak++ % servingCount;
    CopyServer best = serving[from];
    for (int k = 1; k < servingCount && best.outstanding > 0; k++) {
      CopyServer c = serving[(from + k) % servingCount];
      if (c.outstanding < best.outstanding) {
        best = c;
      }
    }
    return best;
  }

  /** Starts the request now if the copy's batch admits it. */
  private boolean start(CopyServer copy, int request) {
    int size = copy.batch.admit(prompt[request], output[request]);
    if (size == 0) {
      return false;
    }
    if (copy.firstStarted < 0) {
      copy.firstStarted = now;
    }
    long firstToken = now + (long) (profile.ttftMs(size) * 1000);
    long finished = now + (long) (profile.serviceMs(size, output[request]) * 1000);
    long deadline = arrival[request] + timeoutMicros;
    if (streamed.get(request) && firstToken < deadline) {
      firstTokens.add(new long[] {firstToken, request});
    }
    // A request past the deadline is encoded as ~id: it leaves the batch at the deadline, failed.
    running.add(
        Math.min(finished, deadline),
        finished > deadline ? ~request : request,
        copy.index,
        now,
        firstToken);
    return true;
  }

  private void complete(long at) {
    account(at);
    now = at;
    int encoded = running.nextRequest();
    CopyServer copy = copies.get(running.nextCopy());
    long started = running.nextStarted();
    long firstToken = running.nextFirstToken();
    running.poll();
    int request = encoded >= 0 ? encoded : ~encoded;
    copy.batch.finish(prompt[request], output[request]);
    copy.outstanding--;
    outstanding--;
    if (encoded >= 0) {
      bucket.modelLatency(at - started);
      finished(request, at, at - arrival[request], firstToken - arrival[request], null);
    } else {
      bucket.modelErrors++;
      finished(request, at, 0, 0, TIMED_OUT);
    }
    while (copy.hasWaiting()) {
      int waiting = copy.peekWaiting();
      if (at - arrival[waiting] >= timeoutMicros) {
        // SageMaker gave up on it while it queued; TGI drops it when it would have started.
        copy.dropWaiting();
        copy.outstanding--;
        outstanding--;
        bucket.modelErrors++;
        finished(waiting, at, 0, 0, TIMED_OUT);
      } else if (start(copy, waiting)) {
        copy.dropWaiting();
      } else {
        break;
      }
    }
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
    account(boundary);
    bucket.copiesExisted |= servingCount > 0;
    bucket.publish(
        world.cloudWatch(),
        at(boundary - TEN_SECONDS),
        TEN_SECONDS,
        componentDimensions,
        variantDimensions,
        instances,
        desiredCopies,
        servingCount);
    bucket = new MetricBucket();
    double concurrency = periodConcurrencyIntegral / TEN_SECONDS;
    periodConcurrencyIntegral = 0;
    int heldDuring = copiesHeld;
    int instancesDuring = instances;
    advanceWorldTo(boundary);
    world.evaluateAlarms(stack);
    syncCopies();
    nextBoundary = boundary + TEN_SECONDS;
    listener.period(
        new Period(
            boundary, desiredCopies, servingCount, heldDuring, instancesDuring, concurrency));
  }

  private void advanceWorldTo(long micros) {
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
      if (ready.contains(serving[i].id)) {
        serving[kept++] = serving[i];
      } else {
        serving[i].accepting = false;
      }
    }
    Arrays.fill(serving, kept, servingCount, null);
    servingCount = kept;
    for (String id : ready) {
      if (!copiesById.containsKey(id)) {
        CopyServer copy =
            new CopyServer(
                id,
                copies.size(),
                new CopyBatch(
                    limits.maxBatchTotalTokens(),
                    limits.maxTotalTokens(),
                    profile.maxConcurrency()));
        copies.add(copy);
        copiesById.put(id, copy);
        if (servingCount == serving.length) {
          serving = Arrays.copyOf(serving, servingCount * 2);
        }
        serving[servingCount++] = copy;
      }
    }
  }
}
