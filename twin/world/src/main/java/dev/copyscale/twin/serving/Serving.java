package dev.copyscale.twin.serving;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.serving.CopyPhysics;
import dev.copyscale.serving.ServingModel;
import dev.copyscale.serving.ServingModels;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.serving.TgiCopy;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.ServingQueries;
import java.util.Map;
import java.util.Optional;

/**
 * How the copies of one component serve in the twin: through the derived serving model (each
 * request's own prompt and output through {@link CopyPhysics} and TGI's batching, {@link TgiCopy})
 * or, where a measured table is given, through the table ({@link TableCopy}).
 */
public abstract sealed class Serving {
  private final String description;
  private final String provenance;

  private Serving(String description, String provenance) {
    this.description = description;
    this.provenance = provenance;
  }

  /** The twin's serving for a resolved serving model: derived unless it is a measured table. */
  public static Serving of(ServingModel model) {
    if (model.source() == ServingModel.Source.MEASURED) {
      return new Table(model.profile(), model.provenance());
    }
    return new Derived(model.physics().orElseThrow(), model.provenance());
  }

  /**
   * How a spec's copies serve in the twin: its own measured table where it gives one, else the
   * derived model (the bundled table does not win here: the twin serves each request's own shape).
   *
   * @throws IllegalArgumentException naming the field and what is missing when nothing describes
   *     the spec's model or GPU
   */
  public static Serving forSpec(DeploymentSpec spec) {
    ServingModels.Resolution r =
        ServingModels.resolve(
            ServingQueries.forSpec(
                spec,
                Catalog.bundled(),
                Optional.empty(),
                Optional.empty(),
                false,
                Optional.empty()));
    return of(
        r.model().orElseThrow(() -> new IllegalArgumentException(r.field() + ": " + r.problem())));
  }

  /** The derived model for these physics. */
  public static Serving derived(CopyPhysics physics, String provenance) {
    return new Derived(physics, provenance);
  }

  /** A measured table. */
  public static Serving table(ServingProfile profile, String provenance) {
    return new Table(profile, provenance);
  }

  /** What serves, e.g. "meta-llama/Meta-Llama-3-8B-Instruct on 1 x NVIDIA A10G 24 GB". */
  public String description() {
    return description;
  }

  /** Where the serving figures come from, one line. */
  public String provenance() {
    return provenance;
  }

  /**
   * TGI's limits for a container with this environment serving {@code modelId} (its context bounds
   * TGI's defaults).
   */
  public abstract TgiLimits limits(Map<String, String> env, String modelId);

  /** One copy, reporting to {@code sink}. */
  public abstract CopyServing copy(TgiLimits limits, long timeoutMicros, TgiCopy.Sink sink);

  /** Whether each request's own prompt and output shape its service (not a table's one shape). */
  public abstract boolean promptAware();

  /** The derived model. */
  public static final class Derived extends Serving {
    private final CopyPhysics physics;

    Derived(CopyPhysics physics, String provenance) {
      super(physics.describe(), provenance);
      this.physics = physics;
    }

    public CopyPhysics physics() {
      return physics;
    }

    @Override
    public TgiLimits limits(Map<String, String> env, String modelId) {
      return TgiLimits.of(
          env,
          physics.model().maxContextTokens(),
          physics.kvCacheTokens(ServingModels.RUNTIME_GIB_PER_GPU));
    }

    @Override
    public CopyServing copy(TgiLimits limits, long timeoutMicros, TgiCopy.Sink sink) {
      TgiCopy copy = new TgiCopy(physics, limits, timeoutMicros, sink);
      return new CopyServing() {
        @Override
        public void arrive(long at, int request, int prompt, int output, long arrivedAt) {
          copy.arrive(at, request, prompt, output, arrivedAt);
        }

        @Override
        public long nextEventAt() {
          return copy.nextEventAt();
        }

        @Override
        public void advanceTo(long now) {
          copy.advanceTo(now);
        }
      };
    }

    @Override
    public boolean promptAware() {
      return true;
    }
  }

  /** A measured table. */
  public static final class Table extends Serving {
    private final ServingProfile profile;

    Table(ServingProfile profile, String provenance) {
      super(profile.name(), provenance);
      this.profile = profile;
    }

    public ServingProfile profile() {
      return profile;
    }

    @Override
    public TgiLimits limits(Map<String, String> env, String modelId) {
      return TgiLimits.of(env, profile, modelId, Catalog.bundled());
    }

    @Override
    public CopyServing copy(TgiLimits limits, long timeoutMicros, TgiCopy.Sink sink) {
      return new TableCopy(
          profile, limits.maxBatchTotalTokens(), limits.maxTotalTokens(), timeoutMicros, sink);
    }

    @Override
    public boolean promptAware() {
      return false;
    }
  }
}
