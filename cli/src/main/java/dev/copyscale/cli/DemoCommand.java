package dev.copyscale.cli;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.json.Json;
import dev.copyscale.preflight.Preflight;
import dev.copyscale.preflight.PreflightReport;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import dev.copyscale.twin.scheduler.SchedulerTwin;
import dev.copyscale.twin.world.TwinWorld;
import dev.copyscale.twin.world.WorldFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;

/**
 * {@code copyscale demo}: the whole path on the embedded twin, no AWS account: preflight the spec,
 * deploy it from nothing with the real deploy handler, and follow it through a stretch of virtual
 * time while the stack's schedules and functions run, printing a timeline of what changed.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Deploys a spec on a fresh twin (no AWS account) and follows it through virtual time.",
      "Preflights the spec, deploys it with the real Lambda handlers and prints when the endpoint,"
          + " the copies and the instances change."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Option(
      names = "--spec",
      paramLabel = "FILE",
      description =
          "the spec (default: ${DEFAULT-VALUE}, the jar's copy when the working directory has"
              + " none)")
  Path specFile = Path.of("examples", "llama3-8b.yaml");

  @Option(
      names = "--start",
      paramLabel = "INSTANT",
      description = "virtual start time (default: ${DEFAULT-VALUE}, a Friday 07:30 in Berlin)")
  Instant start = Instant.parse("2026-11-27T06:30:00Z");

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "how long to follow it (default: 26h; at most 400d)")
  Duration span = Duration.ofHours(26);

  @Option(
      names = "--world",
      paramLabel = "PATH",
      description = "also save the resulting world here, for world show / activities")
  Path world;

  @Option(
      names = "--json",
      description =
          "print {\"spec\", \"deployment\", \"timeline\": [{\"at\", \"state\"}],"
              + " \"activities\": [...]} instead of the text")
  boolean json;

  /** One moment the endpoint, the copies or the instances changed, and how they stood. */
  record Moment(Instant at, String state) {}

  @Override
  public Integer call() {
    // Everything the user typed is checked before a world file is touched.
    WorldCommand.checkSpan(commandSpec, "--for", span);
    WorldCommand.checkStart(commandSpec, "--start", start);
    if (world == null) {
      return follow(null);
    }
    // A world file that cannot take the result is refused before the demo runs, not after.
    try (WorldFile file = WorldOptions.create(commandSpec, world)) {
      return follow(file);
    }
  }

  private Integer follow(WorldFile file) {
    PrintWriter shown = commandSpec.commandLine().getOut();
    // With --json the story is collected, and printed as one document at the end.
    PrintWriter out = json ? new PrintWriter(java.io.Writer.nullWriter()) : shown;
    String document = SpecFiles.read(commandSpec, specFile);
    dev.copyscale.spec.SpecResult parsed = SpecParser.parse(document);
    PreflightReport preflight =
        new Preflight(Catalog.bundled(), Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB).run(parsed);
    if (!preflight.fits()) {
      PrintWriter why = json ? commandSpec.commandLine().getErr() : shown;
      // An invalid spec is invalid, not too big.
      why.println(
          "preflight: "
              + specFile
              + (parsed.isValid() ? " does not fit:" : " is not a valid spec:"));
      preflight.problems().forEach(p -> why.println("  - " + p));
      why.flush();
      return 1;
    }
    DeploymentSpec spec = SpecParser.parse(document).orThrow();
    ZoneId zone =
        spec.scaling().schedules().isEmpty()
            ? ZoneId.of("UTC")
            : ZoneId.of(spec.scaling().schedules().get(0).timezone());
    out.printf(
        "preflight: %s fits (%s); on-demand $%.2f/h initially%n",
        specFile,
        spec.endpoint().instanceType(),
        preflight.cost().orElseThrow().usdPerHourAtCopies());
    out.printf(
        "twin: a fresh account at %s (%s time); every change below happened in virtual time%n%n",
        fmt(start, zone), zone);

    TwinWorld twin = TwinWorld.fresh(start);
    TwinFunctions functions = new TwinFunctions(twin, commandSpec.commandLine().getErr());
    String response =
        TwinFunctions.invoke(
            functions.deploy,
            "deploy",
            Json.compact(SpecParser.toTree(document))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.printf(
        "%s  deploy %s: %s%n",
        fmt(start, zone),
        spec.name(),
        String.join(
            "; ",
            Json.mapper()
                .convertValue(
                    Json.read(response, java.util.Map.class).get("actions"), String[].class)));
    Timeline timeline = new Timeline(twin, spec, zone, out);
    timeline.sample();
    twin.advance(span, timeline.watching(functions));
    timeline.sample();
    List<ActivitiesCommand.Activity> activities =
        ActivitiesCommand.list(spec, twin.stateTable(), twin.autoScaling(), Instant.EPOCH);
    out.printf("%nactivities (newest first):%n");
    out.print(ActivitiesCommand.table(activities, "  ", ActivitiesCommand.WIDTH));
    if (file != null) {
      file.save(twin);
      (json ? commandSpec.commandLine().getErr() : out)
          .printf("%nworld saved to %s: try `copyscale world show --world %s`%n", world, world);
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("spec", specFile.toString());
      doc.put("deployment", spec.name());
      doc.put("start", start);
      doc.put("end", twin.clock().instant());
      doc.put("timeline", timeline.moments);
      doc.put("activities", activities);
      shown.println(Json.pretty(doc));
    }
    out.flush();
    shown.flush();
    commandSpec.commandLine().getErr().flush();
    return 0;
  }

  static String fmt(Instant t, ZoneId zone) {
    return DateTimeFormatter.ofPattern("EEE HH:mm").withZone(zone).format(t);
  }

  /** Prints a line whenever the endpoint's status, the copies or the instances change. */
  private static final class Timeline {
    private final TwinWorld twin;
    private final DeploymentSpec spec;
    private final ZoneId zone;
    private final PrintWriter out;
    private String last = "";
    final List<Moment> moments = new ArrayList<>();

    Timeline(TwinWorld twin, DeploymentSpec spec, ZoneId zone, PrintWriter out) {
      this.twin = twin;
      this.spec = spec;
      this.zone = zone;
      this.out = out;
    }

    void sample() {
      StringBuilder line = new StringBuilder();
      var endpoint = twin.sageMaker().state().endpoints().get(spec.endpoint().name());
      if (endpoint == null) {
        line.append("no endpoint");
      } else {
        var e = twin.sageMaker().describeEndpoint(b -> b.endpointName(spec.endpoint().name()));
        line.append("endpoint ")
            .append(e.endpointStatusAsString())
            .append(", instances ")
            .append(e.productionVariants().get(0).currentInstanceCount())
            .append("/")
            .append(e.productionVariants().get(0).desiredInstanceCount());
        if (twin.sageMaker().state().components().containsKey(spec.component().name())) {
          DescribeInferenceComponentResponse c =
              twin.sageMaker()
                  .describeInferenceComponent(
                      b -> b.inferenceComponentName(spec.component().name()));
          line.append("; component ")
              .append(c.inferenceComponentStatusAsString())
              .append(", copies serving ")
              .append(c.runtimeConfig().currentCopyCount())
              .append(" of ")
              .append(c.runtimeConfig().desiredCopyCount());
        }
        twin
            .autoScaling()
            .describeScalableTargets(b -> b.serviceNamespace("sagemaker"))
            .scalableTargets()
            .stream()
            .findFirst()
            .ifPresent(
                t ->
                    line.append("; bounds [")
                        .append(t.minCapacity())
                        .append(", ")
                        .append(t.maxCapacity())
                        .append("]"));
      }
      String now = line.toString();
      if (!now.equals(last)) {
        out.printf("%s  %s%n", fmt(twin.clock().instant(), zone), now);
        moments.add(new Moment(twin.clock().instant(), now));
        last = now;
      }
    }

    Stack watching(Stack stack) {
      return new Stack() {
        @Override
        public void everyMinute(Instant now) {
          sample();
          stack.everyMinute(now);
          sample();
        }

        @Override
        public void alarmStateChanged(CloudWatchTwin.StateChange change) {
          stack.alarmStateChanged(change);
        }

        @Override
        public void scheduleFired(SchedulerTwin.Firing firing) {
          stack.scheduleFired(firing);
          sample();
        }
      };
    }
  }
}
