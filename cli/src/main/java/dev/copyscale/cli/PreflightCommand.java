package dev.copyscale.cli;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.cli.report.Units;
import dev.copyscale.json.Json;
import dev.copyscale.preflight.CapacityPlan;
import dev.copyscale.preflight.GpuMemory;
import dev.copyscale.preflight.Preflight;
import dev.copyscale.preflight.PreflightReport;
import dev.copyscale.preflight.Suggestion;
import dev.copyscale.preflight.TraceRefusals;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.traffic.TraceLimits;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code copyscale preflight SPEC}: validation, GPU fit, capacity plan and cost, before any AWS
 * call.
 */
@Command(
    name = "preflight",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Checks a copyscale/v1 spec before anything is deployed: validity, GPU fit, packing and"
          + " cost.",
      "Reports every validation problem at once, whether the model fits the accelerators of a copy,"
          + " how copies pack onto instances, and the on-demand cost per hour. Suggests the"
          + " cheapest instance types that fit when it does not.",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the deployment is valid and fits",
      "1:the spec is invalid or the deployment does not fit",
      "2:usage error (unknown option, unreadable file)"
    })
final class PreflightCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Parameters(paramLabel = "SPEC", description = "the spec file, YAML or JSON")
  Path specFile;

  @Option(names = "--json", description = "print the report as JSON")
  boolean json;

  @Option(
      names = "--runtime-overhead-gib",
      paramLabel = "GIB",
      description =
          "GPU memory per GPU for the CUDA context and activations (default: ${DEFAULT-VALUE})")
  double runtimeOverheadGiB = Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB;

  @Option(
      names = "--trace",
      paramLabel = "FILE|synthetic:KIND:K=V,...",
      description =
          "a trace, as simulate takes it: warn which share of its requests the spec's token limits"
              + " (MAX_INPUT_LENGTH, MAX_TOTAL_TOKENS) refuse")
  String trace;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "seed for a synthetic --trace (default: ${DEFAULT-VALUE})")
  long seed = 1;

  /** Whether the spec read was valid (an invalid one is not sized). */
  private boolean valid;

  @Override
  public Integer call() {
    double largestGpu =
        Catalog.bundled().instanceTypes().stream()
            .mapToDouble(InstanceType::gpuMemoryGiB)
            .max()
            .orElse(0);
    if (!(runtimeOverheadGiB >= 0 && runtimeOverheadGiB <= largestGpu)) {
      throw new picocli.CommandLine.ParameterException(
          commandSpec.commandLine(),
          String.format(
              Locale.ROOT,
              "--runtime-overhead-gib must be a number from 0 to %.0f (GiB of one GPU: the largest"
                  + " in the catalog), got %s",
              largestGpu,
              runtimeOverheadGiB));
    }
    String document = SpecFiles.read(commandSpec, specFile);
    SpecResult parsed = SpecParser.parse(document);
    valid = parsed.isValid();
    Preflight preflight = new Preflight(Catalog.bundled(), runtimeOverheadGiB);
    PreflightReport report = preflight.run(parsed);
    if (trace != null && valid) {
      report = report.withTrace(refusals(preflight.tokenLimits(parsed.spec().get())));
    }
    PrintWriter out = commandSpec.commandLine().getOut();
    if (json) {
      out.println(Json.pretty(report));
    } else {
      printHuman(out, report);
    }
    out.flush();
    return report.fits() ? 0 : 1;
  }

  /** What the token limits refuse of --trace; a trace that cannot be read is a usage error. */
  private TraceRefusals refusals(TgiLimits limits) {
    Trace t;
    try {
      t = TraceOptions.read(commandSpec, trace, seed, TraceLimits.DEFAULT);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          commandSpec.commandLine(), "--trace: " + e.getMessage());
    }
    return TraceRefusals.count(trace, limits, t.size(), t::promptTokens, t::outputTokens);
  }

  private void printHuman(PrintWriter out, PreflightReport r) {
    out.printf(
        "copyscale preflight %s%s%n%n",
        specFile, r.deployment().isEmpty() ? "" : " (deployment " + r.deployment() + ")");
    r.model()
        .ifPresent(
            m -> {
              GpuMemory g = m.required();
              out.printf(
                  "Model       %s (%s), weights in %s%n",
                  m.modelId(), m.profileSource(), m.dtype());
              out.printf(
                  "GPU memory  per copy, on %d x %s = %.2f GiB%n",
                  m.accelerators(), m.gpuModel(), m.availableGiB());
              out.printf("  weights   %8.2f GiB  (%.1f GB)%n", g.weightsGiB(), g.weightsGB());
              out.printf("  KV cache  %8.2f GiB  (%d tokens)%n", g.kvCacheGiB(), g.kvTokens());
              out.printf("  runtime   %8.2f GiB  (assumed)%n", g.runtimeGiB());
              out.printf(
                  "  total     %8.2f GiB  %s%n", g.totalGiB(), m.fits() ? "fits" : "DOES NOT FIT");
            });
    r.serving()
        .ifPresent(
            s -> {
              out.printf(
                  Locale.ROOT,
                  "Serving     per copy, for %d prompt / %d output tokens (docs/serving.md)%n",
                  s.promptTokens(),
                  s.outputTokens());
              out.printf(
                  Locale.ROOT,
                  "  KV cache  %,d tokens: what TGI's warmup finds free after the weights%n",
                  s.kvCacheTokens());
              out.printf(
                  Locale.ROOT,
                  "  holds     %,d requests of this shape at once (%,d tokens each), %,d of"
                      + " MAX_TOTAL_TOKENS %,d%n",
                  s.concurrency(),
                  s.tokensPerRequest(),
                  s.fullLengthConcurrency(),
                  s.maxTotalTokens());
              if (s.gpus() > 1) {
                out.printf(
                    Locale.ROOT,
                    "  tensor parallelism over %s: all-reduces take %.1f ms of a %.1f ms decode"
                        + " step, %.0f ms of a %.0f ms prefill%n",
                    s.interconnect(),
                    s.decodeAllReduceMs(),
                    s.decodeStepMs(),
                    s.prefillAllReduceMs(),
                    s.prefillMs());
              }
            });
    r.instance()
        .ifPresent(
            i -> {
              CapacityPlan p = i.plan();
              out.printf(
                  Locale.ROOT,
                  "Instance    %s: %d GPUs, %d vCPUs, %.0f GiB, $%.3f/h%n",
                  i.instanceType(),
                  i.gpus(),
                  i.vcpus(),
                  i.memoryGiB(),
                  i.priceUsdPerHour());
              out.printf(
                  "  copies per instance   %d (limited by %s)%n",
                  p.copiesPerInstance(), p.limitedBy());
              out.printf("  instances, initial    %d%n", p.instancesForCopies());
              out.printf("  instances, at maximum %d%n", p.instancesForMaxCopies());
            });
    r.cost()
        .ifPresent(
            c ->
                out.printf(
                    Locale.ROOT,
                    "Cost        $%.2f/h initially (%s), $%.2f/h at the maximum (%s), on-demand"
                        + " us-east-1%n",
                    c.usdPerHourAtCopies(),
                    Units.plural(c.instancesAtCopies(), "instance", "instances"),
                    c.usdPerHourAtMax(),
                    Units.plural(c.instancesAtMax(), "instance", "instances")));
    r.trace()
        .ifPresent(
            t ->
                out.printf(
                    Locale.ROOT,
                    "Trace       %s: %s of %s requests refused by the token limits"
                        + " (MAX_INPUT_LENGTH %,d, MAX_TOTAL_TOKENS %,d)%n",
                    t.trace(),
                    Units.countOf(t.refused(), t.requests()),
                    Units.count(t.requests()),
                    t.maxInputTokens(),
                    t.maxTotalTokens()));
    section(out, "Problems", r.problems());
    section(out, "Warnings", r.warnings());
    section(out, "Assumptions", r.assumptions());
    if (!r.suggestedInstanceTypes().isEmpty()) {
      out.printf(
          "%nSuggested instance types (cheapest that fit, with this spec's CPUs and memory per"
              + " copy):%n");
      out.printf(
          "  %-18s %-14s %9s %12s %10s %12s %12s%n",
          "instance type", "GPU", "GPUs/copy", "copies/inst", "instances", "$/h", "$/copy-hour");
      for (Suggestion s : r.suggestedInstanceTypes()) {
        out.printf(
            Locale.ROOT,
            "  %-18s %-14s %9d %12d %10d %12.2f %12.3f%n",
            s.instanceType(),
            s.gpuModel(),
            s.acceleratorsPerCopy(),
            s.copiesPerInstance(),
            s.instancesForCopies(),
            s.costPerHourAtCopies(),
            s.costPerCopyHour());
      }
    }
    // An invalid spec was not sized: it is invalid, not too big.
    out.printf(
        "%nResult: %s%n",
        !valid
            ? "INVALID SPEC (" + r.problems().size() + " problems above; nothing was sized)"
            : r.fits() ? "FITS" : "DOES NOT FIT");
  }

  private static void section(PrintWriter out, String title, java.util.List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    out.printf("%n%s:%n", title);
    lines.forEach(line -> out.printf("  - %s%n", line));
  }
}
