package dev.copyscale.cli;

import dev.copyscale.catalog.Accelerator;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.json.Json;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code copyscale catalog}: the instance types and models preflight knows, with their sources. */
@Command(
    name = "catalog",
    mixinStandardHelpOptions = true,
    description =
        "Lists the GPU instance types, their GPUs' figures and the models preflight and the serving"
            + " model know (docs/catalog.md has the sources).")
final class CatalogCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--json", description = "print the catalog as JSON, sources included")
  boolean json;

  @Override
  public void run() {
    Catalog catalog = Catalog.bundled();
    PrintWriter out = commandSpec.commandLine().getOut();
    if (json) {
      out.println(
          Json.pretty(
              Map.of(
                  "instanceTypes",
                  catalog.instanceTypes(),
                  "accelerators",
                  catalog.accelerators(),
                  "models",
                  catalog.models())));
      out.flush();
      return;
    }
    out.printf(
        "%-18s %-14s %4s %8s %6s %9s %10s%n",
        "instance type", "GPU", "GPUs", "GiB/GPU", "vCPUs", "mem GiB", "$/h");
    for (InstanceType t : catalog.instanceTypes()) {
      out.printf(
          Locale.ROOT,
          "%-18s %-14s %4d %8.0f %6d %9.0f %10.3f%n",
          t.name(),
          t.gpuModel(),
          t.gpuCount(),
          t.gpuMemoryGiB(),
          t.vcpus(),
          t.memoryGiB(),
          t.priceUsdPerHour());
    }
    out.printf(
        "%n%-14s %8s %12s %10s %-12s %s%n",
        "GPU", "GiB", "FP16 TFLOPS", "mem GB/s", "interconnect", "source");
    for (Accelerator a : catalog.accelerators()) {
      out.printf(
          Locale.ROOT,
          "%-14s %8.0f %12.0f %10.0f %-12s %s%n",
          a.gpuModel(),
          a.gpuMemoryGiB(),
          a.denseFp16Tflops(),
          a.memoryBandwidthGBs(),
          a.linkLabel(),
          a.datasheet());
    }
    out.printf(
        "%n%-42s %9s %6s %8s %8s %-9s %8s%n",
        "model", "params B", "layers", "KV heads", "head dim", "dtype", "context");
    for (ModelProfile m : catalog.models()) {
      out.printf(
          Locale.ROOT,
          "%-42s %9.2f %6d %8d %8d %-9s %8d%n",
          m.id(),
          m.parametersBillions(),
          m.layers(),
          m.kvHeads(),
          m.headDim(),
          m.dtype(),
          m.maxContextTokens());
    }
    out.flush();
  }
}
