package dev.copyscale.aws.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart priming. Lambda snapshots a published version's initialised function and restores it
 * for each new execution environment; whatever ran before the snapshot is not run again. The
 * constructor already builds the DynamoDB client and starts the logging; this hook, which SnapStart
 * calls just before the snapshot (CRaC's {@code beforeCheckpoint}), also runs the rest of the first
 * event's path on bundled samples, so its classes are loaded, linked and initialised in the
 * snapshot: the other SDK clients the function uses (building one calls nothing), the event read
 * and the response written as JSON, the spec parsed, the SDK requests built. It calls no AWS API
 * and reads or writes no state: a snapshot is taken once per published version, not per event.
 * Outside SnapStart (tests, the twin, a Lambda version without it) the hook never runs.
 */
public final class SnapStartPriming implements Resource {
  private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);
  private final String function;
  private final Runnable prime;

  private SnapStartPriming(String function, Runnable prime) {
    this.function = function;
    this.prime = prime;
  }

  /**
   * Registers {@code prime} to run before SnapStart's snapshot. CRaC holds resources weakly: the
   * caller keeps the returned object (a handler field) for as long as the function lives.
   */
  public static SnapStartPriming register(String function, Runnable prime) {
    SnapStartPriming priming = new SnapStartPriming(function, prime);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    long start = System.nanoTime();
    try {
      prime.run();
      LOG.info(
          "{} primed for SnapStart in {} ms", function, (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      // An unprimed snapshot is slower, not wrong: never let priming fail the version's
      // publication.
      LOG.warn(
          "{}: SnapStart priming failed, the snapshot is taken without it: {}",
          function,
          e.toString());
    }
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {}

  /** Runs the priming now, as SnapStart would (tests, and anyone checking what it does). */
  public void prime() {
    beforeCheckpoint(null);
  }

  /**
   * A sample of what the functions are sent: {@code spec} (the deploy function's llama3-8b spec,
   * events/deploy-llama3-8b.json), {@code alarm} (an alarm state change, events/alarm-ok.json),
   * {@code schedule} (a Scheduler firing, events/schedule-nights.json).
   */
  public static JsonNode sample(String name) {
    JsonNode sample = Samples.ALL.get(name);
    if (sample == null) {
      throw new IllegalArgumentException("no priming sample " + name);
    }
    return sample.deepCopy();
  }

  /** The sample spec, parsed as the functions parse stored specs (JSON text). */
  public static DeploymentSpec sampleSpec() {
    return SpecParser.parse(Json.compact(sample("spec"))).orThrow();
  }

  /** A sample event through LambdaStreams' reading, as its bytes arrive. */
  public static JsonNode readEvent(JsonNode sample) {
    JsonNode event =
        Json.readEvent(
            new ByteArrayInputStream(Json.compact(sample).getBytes(StandardCharsets.UTF_8)),
            "priming event");
    LambdaStreams.isTick(event);
    return event;
  }

  /** A response through LambdaStreams' writing, to nowhere. */
  public static void writeResponse(Object response) {
    Json.write(OutputStream.nullOutputStream(), response);
  }

  /** Read when priming first asks, never on a cold start without SnapStart. */
  private static final class Samples {
    static final JsonNode ALL = read();

    private static JsonNode read() {
      try (InputStream in = SnapStartPriming.class.getResourceAsStream("priming-samples.json")) {
        if (in == null) {
          throw new IllegalStateException("priming-samples.json is missing from the jar");
        }
        return Json.mapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
