package dev.copyscale.serving;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Which serving profile describes a model copy: the one a spec gives (a table in the bundled CSV
 * format), else a bundled measurement of the same model on the same GPU with one GPU per copy.
 */
public final class ServingProfiles {
  /** Bundled measurements: model id (as the catalog knows it), GPU model, resource. */
  private static final String[][] BUNDLED = {
    {"meta-llama/Meta-Llama-3-8B-Instruct", "NVIDIA A10G", "llama3-8b-instruct-tgi-a10g.csv"},
  };

  /**
   * Bundled tables, read once: every decision of engine slo and every wake-up alarm asks for one.
   */
  private static final java.util.Map<String, ServingProfile> READ =
      new java.util.concurrent.ConcurrentHashMap<>();

  private ServingProfiles() {}

  /** The bundled measurement of this model on this GPU with one GPU per copy, if there is one. */
  public static Optional<ServingProfile> bundledFor(
      Catalog catalog, String modelId, String instanceType, int accelerators) {
    String gpu = catalog.instanceType(instanceType).map(InstanceType::gpuModel).orElse("?");
    String id = catalog.model(modelId).map(m -> m.id()).orElse(modelId);
    for (String[] b : BUNDLED) {
      if (b[0].equals(id) && b[1].equals(gpu) && accelerators == 1) {
        return Optional.of(READ.computeIfAbsent(b[2], ServingProfile::bundled));
      }
    }
    return Optional.empty();
  }

  /** A profile, or why there is none (a sentence naming the model and GPU). */
  public record Resolved(Optional<ServingProfile> profile, String why) {}

  /**
   * @param table the spec's own serving table (CSV text), if it gives one
   * @param fieldOfTable the spec field the table is read from, named in errors
   */
  public static Resolved resolve(
      Catalog catalog,
      String modelId,
      String instanceType,
      int accelerators,
      Optional<String> table,
      String fieldOfTable) {
    if (table.isPresent()) {
      try {
        return new Resolved(
            Optional.of(
                ServingProfile.read(
                    fieldOfTable,
                    new ByteArrayInputStream(table.get().getBytes(StandardCharsets.UTF_8)))),
            "");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalArgumentException e) {
        return new Resolved(Optional.empty(), e.getMessage());
      }
    }
    Optional<ServingProfile> bundled = bundledFor(catalog, modelId, instanceType, accelerators);
    if (bundled.isPresent()) {
      return new Resolved(bundled, "");
    }
    String gpu = catalog.instanceType(instanceType).map(InstanceType::gpuModel).orElse("?");
    return new Resolved(
        Optional.empty(),
        "copyscale has no serving profile for "
            + modelId
            + " on "
            + accelerators
            + " x "
            + gpu
            + " ("
            + instanceType
            + "); bundled: Meta-Llama-3-8B-Instruct on one NVIDIA A10G. Give one as "
            + fieldOfTable
            + " (CSV:"
            + " concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute,"
            + " with a comment stating ~N input tokens, ~M output tokens)");
  }
}
