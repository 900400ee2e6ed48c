package dev.copyscale.aws.observe;

import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.spec.DeploymentSpec;

/**
 * One invocation's view of a target's live capacity: read once, and again only after something may
 * have changed it (a write of this invocation, or another invocation's that won the target first).
 * Not shared between invocations or threads.
 */
public final class LiveView {
  private final LiveCapacityReader reader;
  private final DeploymentSpec spec;
  private LiveCapacity last;

  LiveView(LiveCapacityReader reader, DeploymentSpec spec) {
    this.reader = reader;
    this.spec = spec;
  }

  public LiveCapacity get() {
    if (last == null) {
      last = reader.read(spec);
    }
    return last;
  }

  /** The live capacity may have changed: the next {@link #get} reads it again. */
  public void changed() {
    last = null;
  }
}
