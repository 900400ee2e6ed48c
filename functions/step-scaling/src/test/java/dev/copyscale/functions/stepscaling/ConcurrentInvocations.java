package dev.copyscale.functions.stepscaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.json.Json;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinWorld;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * The step-scaling handler as Lambda builds it, on a twin world whose SageMaker capacity writes are
 * counted, and two of its invocations released together on two threads: the harness of the
 * at-least-once tests.
 */
final class ConcurrentInvocations implements AutoCloseable {
  /** UpdateInferenceComponentRuntimeConfig calls. */
  final AtomicInteger copyWrites = new AtomicInteger();

  /** UpdateEndpointWeightsAndCapacities calls. */
  final AtomicInteger instanceWrites = new AtomicInteger();

  private final TwinWorld world;
  private final LocalContext context;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  ConcurrentInvocations(TwinWorld world, LocalContext context) {
    this.world = world;
    this.context = context;
  }

  /**
   * The handler on {@code store}, counting its copy-count and instance-count writes to SageMaker.
   */
  AlarmHandler handler(StateStore store) {
    Clients twin = world.clients();
    SageMakerClient counting =
        (SageMakerClient)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {SageMakerClient.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("updateInferenceComponentRuntimeConfig")) {
                    copyWrites.incrementAndGet();
                  }
                  if (method.getName().equals("updateEndpointWeightsAndCapacities")) {
                    instanceWrites.incrementAndGet();
                  }
                  try {
                    return method.invoke(twin.sageMaker(), args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Clients clients =
        Clients.of(
            counting,
            twin.autoScaling(),
            twin.cloudWatch(),
            twin.eventBridge(),
            twin.secrets(),
            twin.scheduler(),
            null);
    return new AlarmHandler(
        new Services(
                clients,
                store,
                world.clock(),
                world.pauser(),
                dev.copyscale.twin.account.StackSettings.deployConfig(),
                dev.copyscale.twin.account.StackSettings.LEDGER_RETENTION)
            .alarms());
  }

  /**
   * Two invocations of {@code handler}, one per event, started together; their responses in order.
   */
  List<JsonNode> both(AlarmHandler handler, byte[] first, byte[] second) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<JsonNode>> runs = new ArrayList<>();
    for (byte[] event : List.of(first, second)) {
      Callable<JsonNode> invocation =
          () -> {
            start.await();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), out, context);
            return Json.mapper().readTree(out.toByteArray());
          };
      runs.add(threads.submit(invocation));
    }
    start.countDown();
    List<JsonNode> results = new ArrayList<>();
    for (Future<JsonNode> run : runs) {
      results.add(run.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
