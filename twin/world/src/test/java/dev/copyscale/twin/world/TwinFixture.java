package dev.copyscale.twin.world;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.account.Stack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;

/** Worlds with an example deployed, and Lambda-style invocation, for handler tests. */
public final class TwinFixture {
  /**
   * Wednesday 25 November 2026, 09:40 in Berlin (business hours): a deployment started then is
   * InService by 10:00.
   */
  public static final Instant START = Instant.parse("2026-11-25T08:40:00Z");

  /**
   * Just after the newest time stamped in events/alarm-*.json (12:01:05). copyscale ignores events
   * stamped more than a few minutes ahead of its clock, so alarm tests move the world here first.
   */
  public static final Instant EVENTS_SENT_BY = Instant.parse("2026-11-25T12:02:00Z");

  /**
   * A deploy event without one of its step policies: tests of one policy's effect drop the idle
   * policy, which acts in an idle world (as on AWS) and would take copies away meanwhile.
   */
  public static JsonNode withoutPolicy(String deployEvent, String policy) {
    JsonNode event = json(deployEvent).deepCopy();
    JsonNode body = event.has("spec") ? event.get("spec") : event;
    com.fasterxml.jackson.databind.node.ArrayNode policies =
        (com.fasterxml.jackson.databind.node.ArrayNode) body.get("scaling").get("stepPolicies");
    for (int i = policies.size() - 1; i >= 0; i--) {
      if (policies.get(i).get("name").asText().equals(policy)) {
        policies.remove(i);
      }
    }
    return event;
  }

  /**
   * An event of events/ with its 2026-11-25 times moved to {@code at} (the fixtures' events are
   * stamped that day).
   */
  public static byte[] eventAt(String file, Instant at) {
    String when =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(java.time.ZoneOffset.UTC)
            .format(at);
    return new String(event(file), java.nio.charset.StandardCharsets.UTF_8)
        .replaceAll("2026-11-25T\\d\\d:\\d\\d:\\d\\d", when)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Moves the world's clock to {@link #EVENTS_SENT_BY}, as if the fixtures' alarms had just been
   * delivered.
   */
  public static void catchUpWithTheEvents(TwinWorld world) {
    world.pause(Duration.between(world.clock().instant(), EVENTS_SENT_BY));
  }

  private TwinFixture() {}

  /**
   * A fresh world at {@code start} with the deploy event applied and 20 minutes of reconciling
   * behind it.
   */
  public static TwinWorld deployed(String deployEvent, Instant start) {
    return deployed(json(deployEvent), start);
  }

  public static TwinWorld deployed(JsonNode deployEvent, Instant start) {
    TwinWorld world = TwinWorld.fresh(start);
    deploy(world, world.stateTable(), deployEvent);
    return world;
  }

  /**
   * Deploys on {@code world}, keeping the stack's state in {@code store} (the twin's, or DynamoDB
   * on moto).
   */
  public static void deploy(
      TwinWorld world, dev.copyscale.aws.store.StateStore store, JsonNode deployEvent) {
    DeployService deploy = world.services().withStore(store).deploy();
    deploy.handle(deployEvent);
    world.advance(Duration.ofMinutes(20), Stack.ticking(now -> deploy.reconcileInProgress()));
  }

  public static byte[] event(String file) {
    try {
      return Files.readAllBytes(RepoFiles.path("events/" + file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(String file) {
    try {
      return Json.mapper().readTree(event(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a handler as Lambda would and parses its response. */
  public static JsonNode invoke(RequestStreamHandler handler, String file, Context context) {
    return invoke(handler, event(file), context);
  }

  public static JsonNode invoke(RequestStreamHandler handler, byte[] event, Context context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event), out, context);
      return Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The copy count SageMaker reports as desired. */
  public static int desiredCopies(TwinWorld world, String component) {
    return world
        .sageMaker()
        .describeInferenceComponent(b -> b.inferenceComponentName(component))
        .runtimeConfig()
        .desiredCopyCount();
  }
}
