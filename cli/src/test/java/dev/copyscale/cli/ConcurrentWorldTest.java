package dev.copyscale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code copyscale invoke} processes started together on one world: each holds the world's lock
 * for its read-modify-write, so both ledger entries, both handled-event ids and a deploy's new spec
 * all survive, as they would on AWS. Without the lock the last writer's world replaced the other's
 * (the 10 of 10 lost updates).
 *
 * <p>Each invocation is a separate JVM, started early and released by a file appearing, so JVM
 * start-up does not decide the order; the pairs run five at a time.
 */
class ConcurrentWorldTest {
  @TempDir static Path shared;

  /** A world with the orchestrated deployment InService (2 copies), as the README leaves it. */
  static byte[] deployed;

  static Path burst;
  static Path otherBurst;
  static Path override;
  static Path redeploy;

  @BeforeAll
  static void deploy() throws Exception {
    Path world = shared.resolve("base.json");
    CliTest.run("world", "reset", "--now", "2026-11-25T09:40:00Z", "--world", world.toString());
    CliTest.run(
        "invoke",
        "deploy",
        "--event",
        event("deploy-llama3-8b-orchestrated.json").toString(),
        "--world",
        world.toString());
    CliTest.run("world", "advance", "20m", "--world", world.toString());
    deployed = Files.readAllBytes(world);

    burst = event("alarm-eventbridge-burst.json");
    ObjectNode other = (ObjectNode) Json.mapper().readTree(burst.toFile());
    other.put("id", "1a2b3c4d-5e6f-4a8b-9c0d-e1f2a3b4c5d6");
    otherBurst = Files.writeString(shared.resolve("other-burst.json"), Json.pretty(other));
    override = event("schedule-explicit-bounds.json");
    ObjectNode spec =
        (ObjectNode) Json.mapper().readTree(event("deploy-llama3-8b-orchestrated.json").toFile());
    ((ObjectNode) spec.get("scaling")).put("maxCopies", 7);
    redeploy = Files.writeString(shared.resolve("redeploy.json"), Json.pretty(spec));
  }

  static Path event(String name) {
    return RepoFiles.path("events/" + name);
  }

  /** One pair: the two invocations ({@code function}, event file) on one world. */
  record Pair(String firstFunction, Path firstEvent, String secondFunction, Path secondEvent) {}

  @Test
  void tenPairsStartedTogetherLoseNothing(@TempDir Path dir) throws Exception {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      pairs.add(new Pair("step-scaling", burst, "step-scaling", otherBurst));
    }
    for (int i = 0; i < 3; i++) {
      pairs.add(new Pair("step-scaling", burst, "scheduled-scaling", override));
    }
    for (int i = 0; i < 3; i++) {
      pairs.add(new Pair("deploy", redeploy, "step-scaling", burst));
    }
    // What each invocation adds to the world when it runs alone.
    List<Set<String>> expected = new ArrayList<>();
    for (Pair p : pairs) {
      Set<String> both = new TreeSet<>(alone(dir, p.firstFunction(), p.firstEvent()));
      both.addAll(alone(dir, p.secondFunction(), p.secondEvent()));
      expected.add(both);
    }
    for (int from = 0; from < pairs.size(); from += 5) {
      runTogether(dir, pairs.subList(from, Math.min(pairs.size(), from + 5)), from);
    }
    for (int i = 0; i < pairs.size(); i++) {
      Set<String> after = footprint(dir.resolve("pair" + i + ".json"));
      assertThat(after).as("pair %d: %s", i, pairs.get(i)).containsAll(expected.get(i));
    }
  }

  /** What one invocation adds to the deployed world: its ledger entries, event ids, spec. */
  static Set<String> alone(Path dir, String function, Path event) throws Exception {
    Path world = Files.write(dir.resolve("alone.json"), deployed);
    Set<String> before = footprint(world);
    CliTest.Run run =
        CliTest.run("invoke", function, "--event", event.toString(), "--world", world.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    Set<String> added = new TreeSet<>(footprint(world));
    added.removeAll(before);
    assertThat(added).as("%s %s adds something to check", function, event).isNotEmpty();
    return added;
  }

  /**
   * The state table as strings: each ledger entry by its event, each handled event's id, each
   * deployment's spec.
   */
  static Set<String> footprint(Path world) throws Exception {
    JsonNode table = Json.mapper().readTree(world.toFile()).get("stateTable");
    Set<String> items = new TreeSet<>();
    table.get("events").fieldNames().forEachRemaining(id -> items.add("handled " + id));
    table
        .get("ledgers")
        .forEach(
            entries ->
                entries.forEach(
                    e ->
                        items.add("ledger " + e.get("eventId").asText() + " " + e.get("trigger"))));
    table
        .get("deployments")
        .forEach(
            d ->
                items.add(
                    "spec "
                        + d.get("name").asText()
                        + " "
                        + Json.read(d.get("specJson").asText(), JsonNode.class)));
    return items;
  }

  /** Starts both invocations of every pair, releases them at once, and waits for all. */
  static void runTogether(Path dir, List<Pair> pairs, int firstIndex) throws Exception {
    Path go = dir.resolve("go" + firstIndex);
    List<Process> processes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Path world = Files.write(dir.resolve("pair" + (firstIndex + i) + ".json"), deployed);
      Pair p = pairs.get(i);
      for (String[] side :
          List.of(
              new String[] {p.firstFunction(), p.firstEvent().toString()},
              new String[] {p.secondFunction(), p.secondEvent().toString()})) {
        Path log = dir.resolve("log" + (firstIndex + i) + "-" + logs.size() + ".txt");
        logs.add(log);
        processes.add(
            new ProcessBuilder(
                    javaCommand(
                        go.toString(),
                        "invoke",
                        side[0],
                        "--event",
                        side[1],
                        "--world",
                        world.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start());
      }
    }
    // Every JVM is up and waiting once each has written its ready mark.
    for (int tries = 0; tries < 600 && countReady(dir, go) < processes.size(); tries++) {
      Thread.sleep(100);
    }
    Files.createFile(go);
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("process %d ends", i).isTrue();
      assertThat(p.exitValue()).as(Files.readString(logs.get(i))).isZero();
    }
  }

  static long countReady(Path dir, Path go) throws Exception {
    try (var files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(go.getFileName() + ".ready"))
          .count();
    }
  }

  static List<String> javaCommand(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, quick-starting JVM: each runs one invocation.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-Xss1m"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(Released.class.getName());
    command.addAll(Arrays.asList(args));
    return command;
  }

  /**
   * {@code copyscale ARGS...} in a JVM of its own, run once the file {@code GO} exists: it loads
   * the command's classes first and marks itself ready ({@code GO.ready.PID}).
   */
  public static final class Released {
    public static void main(String[] args) throws Exception {
      Path go = Path.of(args[0]);
      Main.commandLine();
      Class.forName("dev.copyscale.twin.world.TwinWorld");
      Files.createFile(
          go.resolveSibling(go.getFileName() + ".ready." + ProcessHandle.current().pid()));
      while (!Files.exists(go)) {
        Thread.sleep(1);
      }
      Main.main(Arrays.copyOfRange(args, 1, args.length));
    }
  }
}
