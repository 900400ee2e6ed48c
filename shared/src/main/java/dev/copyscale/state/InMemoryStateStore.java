package dev.copyscale.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The state table of the twin: same conditional-write rules as DynamoDB, kept in memory. */
public final class InMemoryStateStore implements StateStore {
  private final Map<String, DeploymentRecord> deployments = new TreeMap<>();

  @Override
  public synchronized Optional<DeploymentRecord> deployment(String name) {
    return Optional.ofNullable(deployments.get(name));
  }

  @Override
  public synchronized List<DeploymentRecord> deployments() {
    return new ArrayList<>(deployments.values());
  }

  @Override
  public synchronized void save(DeploymentRecord record) {
    long stored = deployments.containsKey(record.name()) ? deployments.get(record.name()).version() : 0;
    if (stored != record.version() - 1) {
      throw new ConcurrentUpdateException(
          "deployment " + record.name() + " is at version " + stored + ", not " + (record.version() - 1));
    }
    deployments.put(record.name(), record);
  }
}
