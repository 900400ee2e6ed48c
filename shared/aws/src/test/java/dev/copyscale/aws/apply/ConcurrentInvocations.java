package dev.copyscale.aws.apply;

import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.TwinStack;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The step-scaling function's service as Lambda builds it, on a twin stack whose SageMaker capacity
 * writes are counted, and two of its invocations released together on two threads: the harness of
 * the at-least-once tests.
 */
final class ConcurrentInvocations implements AutoCloseable {
  /** UpdateInferenceComponentRuntimeConfig calls. */
  final AtomicInteger copyWrites = new AtomicInteger();

  /** UpdateEndpointWeightsAndCapacities calls. */
  final AtomicInteger instanceWrites = new AtomicInteger();

  private final TwinStack stack;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  ConcurrentInvocations(TwinStack stack) {
    this.stack = stack;
  }

  /**
   * The service on {@code store}, counting its copy-count and instance-count writes to SageMaker.
   */
  AlarmService alarms(StateStore store) {
    return stack
        .services()
        .withStore(store)
        .withClients(
            stack.clientsWatchingSageMaker(
                (method, args) -> {
                  if (method.equals("updateInferenceComponentRuntimeConfig")) {
                    copyWrites.incrementAndGet();
                  }
                  if (method.equals("updateEndpointWeightsAndCapacities")) {
                    instanceWrites.incrementAndGet();
                  }
                }))
        .alarms();
  }

  /** Two invocations, started together on two threads; their results in order. */
  <T> List<T> both(Callable<T> first, Callable<T> second) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> runs = new ArrayList<>();
    for (Callable<T> invocation : List.of(first, second)) {
      runs.add(
          threads.submit(
              () -> {
                start.await();
                return invocation.call();
              }));
    }
    start.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> run : runs) {
      results.add(run.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
