package dev.copyscale.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The bundled catalog of instance types, their accelerators and models (resources {@code
 * instance-types.csv}, {@code accelerators.csv} and {@code models.csv} beside this class; every row
 * cites its source, see docs/catalog.md).
 */
public final class Catalog {
  private static final Catalog BUNDLED = load();

  private final List<InstanceType> instanceTypes;
  private final List<ModelProfile> models;
  private final List<Accelerator> accelerators;

  public Catalog(List<InstanceType> instanceTypes, List<ModelProfile> models) {
    this(instanceTypes, models, List.of());
  }

  public Catalog(
      List<InstanceType> instanceTypes, List<ModelProfile> models, List<Accelerator> accelerators) {
    this.instanceTypes = List.copyOf(instanceTypes);
    this.models = List.copyOf(models);
    this.accelerators = List.copyOf(accelerators);
  }

  /** The catalog shipped in the jar. */
  public static Catalog bundled() {
    return BUNDLED;
  }

  /** Instance types, cheapest first. */
  public List<InstanceType> instanceTypes() {
    return instanceTypes;
  }

  public List<ModelProfile> models() {
    return models;
  }

  public Optional<InstanceType> instanceType(String name) {
    return instanceTypes.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public Optional<ModelProfile> model(String modelId) {
    return models.stream().filter(m -> m.matches(modelId)).findFirst();
  }

  public List<Accelerator> accelerators() {
    return accelerators;
  }

  /** The figures of the GPUs an instance type carries, if the catalog has them. */
  public Optional<Accelerator> accelerator(InstanceType type) {
    return accelerators.stream().filter(a -> a.describes(type)).findFirst();
  }

  private static Catalog load() {
    List<InstanceType> types = new ArrayList<>();
    for (String[] row : readCsv("instance-types.csv", 8)) {
      types.add(
          new InstanceType(
              row[0],
              row[1],
              Integer.parseInt(row[2]),
              Double.parseDouble(row[3]),
              Integer.parseInt(row[4]),
              Double.parseDouble(row[5]),
              Double.parseDouble(row[6]),
              row[7]));
    }
    types.sort(Comparator.comparingDouble(InstanceType::priceUsdPerHour));
    List<ModelProfile> models = new ArrayList<>();
    for (String[] row : readCsv("models.csv", 16)) {
      models.add(
          new ModelProfile(
              row[0],
              row[1].isBlank() ? List.of() : Arrays.asList(row[1].split(";")),
              Double.parseDouble(row[2]),
              Integer.parseInt(row[3]),
              Integer.parseInt(row[4]),
              Integer.parseInt(row[5]),
              row[6],
              Integer.parseInt(row[7]),
              row[14],
              row[15],
              Optional.of(
                  new ModelProfile.Architecture(
                      Integer.parseInt(row[8]),
                      Integer.parseInt(row[9]),
                      Integer.parseInt(row[10]),
                      Integer.parseInt(row[11]),
                      Integer.parseInt(row[12]),
                      Integer.parseInt(row[13]),
                      false))));
    }
    List<Accelerator> accelerators = new ArrayList<>();
    for (String[] row : readCsv("accelerators.csv", 9)) {
      accelerators.add(
          new Accelerator(
              row[0],
              Double.parseDouble(row[1]),
              Double.parseDouble(row[2]),
              Double.parseDouble(row[3]),
              Accelerator.Interconnect.parse(row[4]),
              Double.parseDouble(row[5]),
              row[6].isBlank() ? 0 : Double.parseDouble(row[6]),
              row[7],
              row[8]));
    }
    return new Catalog(types, models, accelerators);
  }

  /**
   * Reads a bundled CSV: the first line is the header, {@code #} lines are comments, and the last
   * column (the source) may contain commas because a row is split into at most {@code columns}.
   */
  private static List<String[]> readCsv(String resource, int columns) {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = Catalog.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("catalog resource missing from the jar: " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      boolean header = true;
      int lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        String[] row = line.split(",", columns);
        if (row.length != columns) {
          throw new IllegalStateException(
              resource
                  + " line "
                  + lineNumber
                  + ": expected "
                  + columns
                  + " columns, got "
                  + row.length);
        }
        for (int i = 0; i < row.length; i++) {
          row[i] = row[i].trim();
        }
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading catalog resource " + resource, e);
    }
    return rows;
  }
}
