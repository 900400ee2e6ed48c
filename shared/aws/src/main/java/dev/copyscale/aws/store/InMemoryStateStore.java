package dev.copyscale.aws.store;

import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.TargetState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The state table of the twin: same conditional-write rules as DynamoDB, kept in memory. */
public final class InMemoryStateStore implements StateStore {
  private final Map<String, DeploymentRecord> deployments = new TreeMap<>();
  private final Map<String, TargetState> targets = new TreeMap<>();
  private final Map<String, Instant> events = new TreeMap<>();
  private final Map<String, TreeMap<String, LedgerEntry>> ledgers = new TreeMap<>();

  /**
   * Shared endpoints' versions. Not in the world file: a version only has to hold between one
   * invocation's read and its commit, and the twin's world runs one invocation at a time per file.
   */
  private final Map<String, Long> endpoints = new TreeMap<>();

  /** Everything the table holds, for the twin's world file. */
  public record Snapshot(
      Map<String, DeploymentRecord> deployments,
      Map<String, TargetState> targets,
      Map<String, Instant> events,
      Map<String, List<LedgerEntry>> ledgers) {
    public static Snapshot empty() {
      return new Snapshot(Map.of(), Map.of(), Map.of(), Map.of());
    }
  }

  public InMemoryStateStore() {}

  public InMemoryStateStore(Snapshot snapshot) {
    deployments.putAll(snapshot.deployments());
    targets.putAll(snapshot.targets());
    events.putAll(snapshot.events());
    snapshot
        .ledgers()
        .forEach(
            (deployment, entries) -> {
              TreeMap<String, LedgerEntry> ledger = new TreeMap<>();
              entries.forEach(e -> ledger.put(e.key(), e));
              ledgers.put(deployment, ledger);
            });
  }

  public synchronized Snapshot snapshot() {
    Map<String, List<LedgerEntry>> ledgerLists = new TreeMap<>();
    ledgers.forEach(
        (deployment, entries) -> ledgerLists.put(deployment, List.copyOf(entries.values())));
    return new Snapshot(
        new TreeMap<>(deployments), new TreeMap<>(targets), new TreeMap<>(events), ledgerLists);
  }

  /** Drops handled-event ids and ledger entries whose expiry has passed, as DynamoDB's TTL does. */
  public synchronized void expire(Instant now) {
    events.values().removeIf(expiry -> !expiry.isAfter(now));
  }

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
    long stored =
        deployments.containsKey(record.name()) ? deployments.get(record.name()).version() : 0;
    if (stored != record.version() - 1) {
      throw new ConcurrentUpdateException(
          "deployment "
              + record.name()
              + " is at version "
              + stored
              + ", not "
              + (record.version() - 1));
    }
    deployments.put(record.name(), record);
  }

  @Override
  public synchronized Optional<String> alarmOwner(String alarmName) {
    return deployments.values().stream()
        .filter(r -> r.alarms().contains(alarmName))
        .map(DeploymentRecord::name)
        .findFirst();
  }

  @Override
  public synchronized void saveTarget(TargetState next) {
    long stored = target(next.deployment()).version();
    if (stored != next.version() - 1) {
      throw new ConcurrentUpdateException(
          "target of "
              + next.deployment()
              + " is at version "
              + stored
              + ", not "
              + (next.version() - 1));
    }
    targets.put(next.deployment(), next);
  }

  @Override
  public synchronized TargetState target(String deployment) {
    return targets.getOrDefault(deployment, TargetState.initial(deployment));
  }

  @Override
  public synchronized boolean commit(
      String eventKey, TargetState next, LedgerEntry entry, Instant expiresAt) {
    if (events.containsKey(eventKey)) {
      return false;
    }
    long stored = target(next.deployment()).version();
    if (stored != next.version() - 1) {
      throw new ConcurrentUpdateException(
          "target of "
              + next.deployment()
              + " is at version "
              + stored
              + ", not "
              + (next.version() - 1));
    }
    events.put(eventKey, expiresAt);
    targets.put(next.deployment(), next);
    append(entry, expiresAt);
    return true;
  }

  @Override
  public synchronized long endpointVersion(String deployment) {
    return endpoints.getOrDefault(deployment, 0L);
  }

  @Override
  public synchronized boolean commitShared(
      String eventKey,
      Decision decision,
      String deployment,
      long endpointVersion,
      List<Decision> siblings,
      Instant expiresAt) {
    if (events.containsKey(eventKey)) {
      return false;
    }
    if (endpointVersion(deployment) != endpointVersion) {
      throw new ConcurrentUpdateException(
          "endpoint of "
              + deployment
              + " is at version "
              + endpointVersion(deployment)
              + ", not "
              + endpointVersion);
    }
    for (Decision sibling : siblings) {
      TargetState next = sibling.next();
      if (target(next.deployment()).version() != next.version() - 1) {
        throw new ConcurrentUpdateException(
            "target of " + next.deployment() + " changed since it was read");
      }
    }
    commit(eventKey, decision.next(), decision.committed(), expiresAt);
    endpoints.put(deployment, endpointVersion + 1);
    for (Decision sibling : siblings) {
      targets.put(sibling.next().deployment(), sibling.next());
      append(sibling.committed(), expiresAt);
    }
    return true;
  }

  @Override
  public synchronized void append(LedgerEntry entry, Instant expiresAt) {
    ledgers.computeIfAbsent(entry.deployment(), d -> new TreeMap<>()).put(entry.key(), entry);
  }

  @Override
  public synchronized boolean handled(String eventKey) {
    return events.containsKey(eventKey);
  }

  @Override
  public synchronized List<LedgerEntry> ledger(String deployment, Instant since) {
    return ledgers.getOrDefault(deployment, new TreeMap<>()).values().stream()
        .filter(e -> !e.at().isBefore(since))
        .toList();
  }
}
