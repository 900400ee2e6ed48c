package dev.copyscale.frontier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.scaling.step.StepScaling;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The configurations {@code copyscale frontier} searches for one endpoint (docs/frontier.md says
 * why each value): a family of reactive specs on SageMaker's 10-second ConcurrentRequestsPerCopy
 * (step specs under engine orchestrated, target tracking under engine native), and clairvoyant
 * schedules whose capacity per block is read from the trace itself and bought a lead time ahead.
 * Each is the endpoint's spec with its own names and scaling; every one must pass the spec's
 * validation (the tests check they all do).
 */
public final class SearchFamily {
  private SearchFamily() {}

  /** Whether a configuration reacts to metrics or knows the trace beforehand. */
  public enum Kind {
    REACTIVE,
    CLAIRVOYANT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What the search needs to know of the endpoint.
   *
   * @param copiesPerInstance copies one instance holds (the capacity plan's)
   * @param maxInstances the most instances the endpoint may run (managed instance scaling's
   *     maximum, else the guardrail)
   * @param maxCopies the most copies (the guardrail, and what the instances hold)
   * @param objectiveConcurrency requests in flight on one copy at which the serving model reaches
   *     the time-to-first-token objective
   * @param leadMinutes how long new capacity on a new instance takes to serve, in whole minutes
   *     (start-up plus a minute for the metrics)
   * @param maxBatchTotalTokens TGI's MAX_BATCH_TOTAL_TOKENS: the tokens a copy's running batch
   *     holds
   */
  public record Endpoint(
      int copiesPerInstance,
      int maxInstances,
      int maxCopies,
      double objectiveConcurrency,
      int leadMinutes,
      int maxBatchTotalTokens) {
    public Endpoint {
      if (copiesPerInstance < 1 || maxInstances < 1 || maxCopies < 1) {
        throw new IllegalArgumentException(
            "an endpoint needs at least one copy on one instance, got "
                + copiesPerInstance
                + " copies per instance, "
                + maxInstances
                + " instances, "
                + maxCopies
                + " copies");
      }
      if (!(objectiveConcurrency > 0) || leadMinutes < 1 || maxBatchTotalTokens < 1) {
        throw new IllegalArgumentException(
            "objective concurrency, lead time and batch tokens must be positive, got "
                + objectiveConcurrency
                + ", "
                + leadMinutes
                + " min and "
                + maxBatchTotalTokens);
      }
    }
  }

  /**
   * One configuration searched.
   *
   * @param name its deployment name (at most 40 characters)
   * @param kind reactive or clairvoyant
   * @param description its dimensions in words
   * @param scaling its {@code scaling} section
   * @param copies {@code component.copies}: what it is deployed with
   * @param minInstances the instances it holds at least (managed instance scaling's minimum)
   * @param maxInstances the instances it may run at most
   */
  public record Candidate(
      String name,
      Kind kind,
      String description,
      ObjectNode scaling,
      int copies,
      int minInstances,
      int maxInstances) {

    /**
     * The endpoint's spec document with this configuration's names, initial capacity and scaling
     * (the endpoint's own scaling section is replaced); {@code endpointSpec} is left as it was.
     */
    public ObjectNode document(ObjectNode endpointSpec, int copiesPerInstance) {
      ObjectNode doc = endpointSpec.deepCopy();
      doc.put("name", name);
      ObjectNode endpoint = (ObjectNode) doc.get("endpoint");
      endpoint.put("name", name);
      int initial =
          Math.max(Math.max(1, minInstances), (copies + copiesPerInstance - 1) / copiesPerInstance);
      endpoint.put("initialInstanceCount", Math.min(initial, maxInstances));
      if (endpoint.get("managedInstanceScaling") instanceof ObjectNode managed
          && managed.path("enabled").asBoolean(true)) {
        managed.put("minInstances", minInstances);
        managed.put("maxInstances", maxInstances);
      }
      ObjectNode component = (ObjectNode) doc.get("component");
      component.put("name", name + "-ic");
      component.put("copies", copies);
      doc.set("scaling", scaling.deepCopy());
      return doc;
    }
  }

  /**
   * The endpoint of a valid spec (its scaling aside) as the search sees it, for a time-to-first-
   * token objective of {@code ttftMs}: its copies per instance, caps, the concurrency per copy at
   * which its serving model reaches the objective, and its lead time, all as engine slo works them
   * out for the same endpoint.
   *
   * @throws IllegalArgumentException naming the fields when the endpoint cannot be planned for the
   *     objective (a model nothing describes, an objective below what one request alone takes)
   */
  public static Endpoint endpoint(JsonNode endpointSpec, long ttftMs, Catalog catalog) {
    ObjectNode probe = endpointSpec.deepCopy();
    int maxCopies = probe.path("guardrails").path("maxCopies").asInt(0);
    ObjectNode scaling = probe.putObject("scaling");
    scaling.put("dimension", "copies");
    scaling.put("minCopies", 0);
    scaling.put("maxCopies", maxCopies);
    scaling.put("engine", "slo");
    // The attainment does not move the concurrency at which one copy reaches the objective.
    scaling.putObject("slo").put("ttft", ttftMs + "ms").put("attainment", "99%");
    SpecResult parsed = SpecParser.parse(probe);
    if (!parsed.problems().isEmpty()) {
      throw new IllegalArgumentException(
          String.join("; ", parsed.problems().stream().map(Object::toString).toList()));
    }
    DeploymentSpec spec = parsed.orThrow();
    SloCapacity capacity = SloCapacity.of(spec, catalog);
    DeploymentSpec.ManagedInstanceScaling managed = spec.endpoint().managedInstanceScaling();
    int instances =
        managed != null && managed.enabled()
            ? managed.maxInstances()
            : spec.guardrails().maxInstances();
    int perInstance = capacity.copiesPerInstance();
    return new Endpoint(
        perInstance,
        instances,
        Math.min(spec.guardrails().maxCopies(), instances * perInstance),
        capacity.objective().concurrency(),
        capacity.leadMinutes(),
        capacity.maxBatchTotalTokens());
  }

  /** The share of the objective's concurrency per copy at which a reactive spec scales out. */
  static final double[] THRESHOLD_SHARES = {0.5, 0.8};

  /** 10-second datapoints in a row that must breach before a reactive spec scales out. */
  static final int[] EVALUATION_PERIODS = {1, 3};

  /**
   * Minutes of quiet before a reactive spec gives capacity back, in lead times: one (what is given
   * back could be had again in that long) and three.
   */
  static final int[] IDLE_LEAD_MULTIPLES = {1, 3};

  /** A deployment's name: at most 40 characters. */
  static final int MAX_NAME = 40;

  /** A scale-out's cooldown: no new copy serves sooner, and what is in flight counts as there. */
  static final int SCALE_OUT_COOLDOWN_SECONDS = 60;

  /** A scale-in's cooldown: Application Auto Scaling's default for a policy. */
  static final int SCALE_IN_COOLDOWN_SECONDS = 300;

  /**
   * Requests in flight a copy serves at once for requests of {@code meanRequestTokens} (prompt and
   * output): the objective's concurrency, or fewer when TGI's batch token budget holds fewer such
   * requests (beyond it they queue, and time to first token grows with the queue). At least one.
   */
  public static double copyConcurrency(Endpoint e, double meanRequestTokens) {
    if (!(meanRequestTokens > 0)) {
      throw new IllegalArgumentException(
          "the mean request must hold tokens, got " + meanRequestTokens);
    }
    double batch = Math.floor(e.maxBatchTotalTokens() / meanRequestTokens);
    return Math.max(1, Math.min(e.objectiveConcurrency(), batch));
  }

  /**
   * The reactive family: the step specs ({@link #steps}) and the target-tracking specs ({@link
   * #targetTracking}), in that order.
   */
  public static List<Candidate> reactive(Endpoint e, double meanRequestTokens) {
    List<Candidate> family = new ArrayList<>(steps(e, meanRequestTokens));
    family.addAll(targetTracking(e, meanRequestTokens));
    return List.copyOf(family);
  }

  /**
   * How a step spec's steps are sized: by {@code copies} copies, or (percent) by {@link
   * #PERCENT_STEP} % of the copies in service, never by fewer than {@code copies}.
   */
  record StepSize(int copies, boolean percent) {
    String label() {
      return percent ? "pct" + PERCENT_STEP : "add" + copies;
    }
  }

  /**
   * A percentage step's size. At the first step the load per copy lies between the threshold and
   * twice it, so between 0 and 100 % more copies bring it back under the threshold: 50 % is the
   * middle; from twice the threshold on at least 100 % more are needed: twice the step. After the
   * idle rule (below a third of the threshold) half the copies leave the rest below two thirds of
   * it.
   */
  static final int PERCENT_STEP = 50;

  /**
   * The reactive step specs: every combination of the held minimum (none, one instance's copies,
   * half the instances' copies), the most instances (all the endpoint allows, or half of them), the
   * scale-out threshold, the datapoints it waits for, the step (a copy, an instance's worth, or a
   * percentage of the copies in service of at least an instance's worth), and how long the load
   * must stay low before capacity is given back. Combinations that coincide (a
   * one-copy-per-instance endpoint, one instance) are searched once, and those whose maximum leaves
   * no room above the minimum not at all. Thresholds are shares of {@link #copyConcurrency} for
   * requests of {@code meanRequestTokens}.
   */
  public static List<Candidate> steps(Endpoint e, double meanRequestTokens) {
    int p = e.copiesPerInstance();
    List<Integer> minimums = minimums(e, 0);
    List<Integer> maxInstances = distinct(e.maxInstances(), (e.maxInstances() + 1) / 2);
    List<StepSize> steps = new ArrayList<>();
    distinct(1, p).forEach(copies -> steps.add(new StepSize(copies, false)));
    steps.add(new StepSize(p, true));
    List<Integer> thresholds = thresholds(e, meanRequestTokens);
    List<Integer> idles = new ArrayList<>();
    for (int k : IDLE_LEAD_MULTIPLES) {
      idles.add(k * e.leadMinutes());
    }
    List<Candidate> family = new ArrayList<>();
    for (int min : minimums) {
      for (int instances : maxInstances) {
        int max = Math.min(e.maxCopies(), instances * p);
        if (max <= min) {
          continue; // no room to scale: a fixed capacity, which the clairvoyant family holds
        }
        for (int threshold : thresholds) {
          for (int periods : EVALUATION_PERIODS) {
            for (StepSize step : steps) {
              if (step.percent() && coincides(step, min, max)) {
                continue; // a percentage that always asks what a fixed step asks
              }
              for (int idle : idles) {
                family.add(step(e, min, instances, max, threshold, periods, step, idle));
              }
            }
          }
        }
      }
    }
    return List.copyOf(family);
  }

  /**
   * True when the percentage {@code step} moves every capacity from {@code min} (at least one: from
   * none a percentage is nothing, and the step back from zero is the same) to {@code max} where the
   * fixed step of its least magnitude moves it, at both scale-out steps and the scale-in step, once
   * clamped to [{@code min}, {@code max}]: then the two specs are one and it is not searched.
   */
  static boolean coincides(StepSize step, int min, int max) {
    int least = step.copies() > 1 ? step.copies() : 0;
    for (int c = Math.max(1, min); c <= max; c++) {
      int[][] moves = {
        {PERCENT_STEP, step.copies()},
        {2 * PERCENT_STEP, 2 * step.copies()},
        {-PERCENT_STEP, -step.copies()}
      };
      for (int[] m : moves) {
        int byPercent = c + StepScaling.percentChange(c, m[0], least);
        int byCopies = c + m[1];
        if (Math.max(min, Math.min(max, byPercent)) != Math.max(min, Math.min(max, byCopies))) {
          return false;
        }
      }
    }
    return true;
  }

  /** The held minimums: {@code floor} copies, one instance's copies, half the instances'. */
  private static List<Integer> minimums(Endpoint e, int floor) {
    int p = e.copiesPerInstance();
    int half = (e.maxInstances() + 1) / 2;
    return distinct(floor, Math.min(p, e.maxCopies()), Math.min(half * p, e.maxCopies()));
  }

  /** The scale-out thresholds (and tracking targets): shares of what a copy serves at once. */
  private static List<Integer> thresholds(Endpoint e, double meanRequestTokens) {
    double concurrency = copyConcurrency(e, meanRequestTokens);
    int[] thresholds = new int[THRESHOLD_SHARES.length];
    for (int i = 0; i < thresholds.length; i++) {
      thresholds[i] = (int) Math.max(1, Math.round(concurrency * THRESHOLD_SHARES[i]));
    }
    return distinct(thresholds);
  }

  private static Candidate step(
      Endpoint e,
      int min,
      int instances,
      int max,
      int threshold,
      int periods,
      StepSize step,
      int idle) {
    String name =
        shortened(
            String.format(
                Locale.ROOT,
                "step-min%d-max%d-at%d-e%d-%s-idle%d",
                min,
                max,
                threshold,
                periods,
                step.label(),
                idle),
            "step");
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode scaling = f.objectNode();
    scaling.put("dimension", "copies");
    scaling.put("minCopies", min);
    scaling.put("maxCopies", max);
    scaling.put("engine", "orchestrated");
    ArrayNode policies = scaling.putArray("stepPolicies");
    ObjectNode out = policies.addObject();
    out.put("name", "out");
    alarm(out, 10, periods, threshold, "GreaterThanOrEqualToThreshold");
    // Twice the threshold in flight per copy: the load outgrew the copies by half at least; a
    // double step.
    int first = step.percent() ? PERCENT_STEP : step.copies();
    adjustment(out, step);
    ArrayNode outSteps = out.putArray("steps");
    outSteps.addObject().put("lower", 0).put("upper", threshold).put("adjustment", first);
    outSteps.addObject().put("lower", threshold).put("adjustment", 2 * first);
    out.put("cooldownSeconds", SCALE_OUT_COOLDOWN_SECONDS);
    ObjectNode in = policies.addObject();
    in.put("name", "in");
    // A third of the threshold: after a step in, the copies left stay below the threshold.
    alarm(in, 60, idle, threshold / 3.0, "LessThanThreshold")
        .put("treatMissingData", "notBreaching");
    adjustment(in, step);
    in.putArray("steps").addObject().put("upper", 0).put("adjustment", -first);
    in.put("cooldownSeconds", SCALE_IN_COOLDOWN_SECONDS);
    if (min == 0) {
      ObjectNode zero = policies.addObject();
      zero.put("name", "from-zero");
      ObjectNode zeroAlarm = zero.putObject("alarm");
      zeroAlarm.put("metric", "NoCapacityInvocationFailures");
      zeroAlarm.put("statistic", "Maximum");
      zeroAlarm.put("periodSeconds", 60);
      zeroAlarm.put("evaluationPeriods", 1);
      zeroAlarm.put("threshold", 1);
      zeroAlarm.put("comparison", "GreaterThanOrEqualToThreshold");
      zero.put("metricAggregation", "Maximum");
      // A percentage of no copies is none: from zero the step is its least, in copies.
      zero.putObject("simple")
          .put("adjustment", step.copies())
          .put("cooldownSeconds", SCALE_OUT_COOLDOWN_SECONDS);
    }
    String by =
        step.percent()
            ? String.format(
                Locale.ROOT,
                "%d %% (%d %% from %d), at least %d,",
                first,
                2 * first,
                2 * threshold,
                step.copies())
            : String.format(Locale.ROOT, "%d (%d from %d)", first, 2 * first, 2 * threshold);
    String description =
        String.format(
            Locale.ROOT,
            "reactive: holds %d, at most %d copies (%d instances); out by %s when %d in flight per"
                + " copy for %d s, in by %s after %d quiet minutes",
            min,
            max,
            instances,
            by,
            threshold,
            periods * 10,
            step.percent()
                ? String.format(Locale.ROOT, "%d %% (at least %d)", first, step.copies())
                : Integer.toString(first),
            idle);
    int p = e.copiesPerInstance();
    return new Candidate(
        name, Kind.REACTIVE, description, scaling, Math.max(1, min), (min + p - 1) / p, instances);
  }

  /**
   * A policy's adjustment type: a change in copies, or a percentage change held to at least the
   * step's copies (Application Auto Scaling's MinAdjustmentMagnitude; a percentage of a few copies
   * rounds to one copy without it, and it is only accepted above one).
   */
  private static void adjustment(ObjectNode policy, StepSize step) {
    if (!step.percent()) {
      policy.put("adjustmentType", "ChangeInCapacity");
      return;
    }
    policy.put("adjustmentType", "PercentChangeInCapacity");
    if (step.copies() > 1) {
      policy.put("minAdjustmentMagnitude", step.copies());
    }
  }

  /** The predefined metric the target-tracking specs track: SageMaker's 10-second concurrency. */
  static final String TRACKED_METRIC =
      "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution";

  /**
   * Target tracking's scale-out cooldowns: the tutorial's 60 s, and Application Auto Scaling's
   * documented default, 300 s, about as long as a new copy takes to serve (during it the capacity
   * asked for counts as there, so the policy does not ask again while the copies start).
   */
  static final int[] TRACKING_SCALE_OUT_COOLDOWNS = {60, 300};

  /**
   * The target-tracking specs (engine native: Application Auto Scaling's own policy on {@link
   * #TRACKED_METRIC}): every combination of the held minimum (one copy, one instance's copies, half
   * the instances' copies: target tracking does not scale from zero), the most instances, the
   * target (the step specs' thresholds: shares of {@link #copyConcurrency}; 0.5 is SageMaker's
   * suggested starting safety factor) and the scale-out cooldown. The scale-in cooldown is AAS's
   * default, 300 s; the alarms are the ones AAS creates.
   */
  public static List<Candidate> targetTracking(Endpoint e, double meanRequestTokens) {
    int p = e.copiesPerInstance();
    List<Integer> maxInstances = distinct(e.maxInstances(), (e.maxInstances() + 1) / 2);
    List<Candidate> family = new ArrayList<>();
    for (int min : minimums(e, 1)) {
      for (int instances : maxInstances) {
        int max = Math.min(e.maxCopies(), instances * p);
        if (max <= min) {
          continue;
        }
        for (int target : thresholds(e, meanRequestTokens)) {
          for (int cooldown : TRACKING_SCALE_OUT_COOLDOWNS) {
            family.add(tracking(e, min, instances, max, target, cooldown));
          }
        }
      }
    }
    return List.copyOf(family);
  }

  private static Candidate tracking(
      Endpoint e, int min, int instances, int max, int target, int scaleOutCooldown) {
    String name =
        shortened(
            String.format(
                Locale.ROOT, "tt-min%d-max%d-at%d-out%d", min, max, target, scaleOutCooldown),
            "tt");
    ObjectNode scaling = JsonNodeFactory.instance.objectNode();
    scaling.put("dimension", "copies");
    scaling.put("minCopies", min);
    scaling.put("maxCopies", max);
    scaling.put("engine", "native");
    scaling
        .putObject("targetTracking")
        .put("metric", TRACKED_METRIC)
        .put("target", target)
        .put("scaleOutCooldownSeconds", scaleOutCooldown)
        .put("scaleInCooldownSeconds", SCALE_IN_COOLDOWN_SECONDS);
    String description =
        String.format(
            Locale.ROOT,
            "reactive: target tracking of %d in flight per copy (ConcurrentRequestsPerCopy, 10 s),"
                + " holds %d, at most %d copies (%d instances); scale-out cooldown %d s, scale-in"
                + " %d s",
            target,
            min,
            max,
            instances,
            scaleOutCooldown,
            SCALE_IN_COOLDOWN_SECONDS);
    int p = e.copiesPerInstance();
    return new Candidate(
        name, Kind.REACTIVE, description, scaling, min, (min + p - 1) / p, instances);
  }

  /**
   * {@code name}, or (longer than a deployment name may be: only on endpoints of hundreds of
   * copies) {@code prefix} and its hash; the dimensions stay in the description.
   */
  private static String shortened(String name, String prefix) {
    return name.length() > MAX_NAME
        ? String.format(Locale.ROOT, "%s-%08x", prefix, name.hashCode())
        : name;
  }

  /**
   * A policy's alarm on the average ConcurrentRequestsPerCopy, all of its datapoints breaching (a
   * whole-number threshold written as one).
   */
  private static ObjectNode alarm(
      ObjectNode policy, int periodSeconds, int periods, double threshold, String comparison) {
    ObjectNode alarm = policy.putObject("alarm");
    alarm.put("metric", "ConcurrentRequestsPerCopy");
    alarm.put("statistic", "Average");
    alarm.put("periodSeconds", periodSeconds);
    alarm.put("evaluationPeriods", periods);
    alarm.put("datapointsToAlarm", periods);
    if (threshold == Math.rint(threshold)) {
      alarm.put("threshold", (int) threshold);
    } else {
      alarm.put("threshold", threshold);
    }
    alarm.put("comparison", comparison);
    return alarm;
  }

  /** Safety factors over the copies a block's busiest minute needs at a copy's throughput. */
  static final double[] SAFETY_FACTORS = {1, 1.5, 2, 2.5, 3};

  /**
   * Block lengths, in lead times: capacity changes no faster than it starts, or three times as
   * slowly.
   */
  static final int[] BLOCK_LEAD_MULTIPLES = {1, 3};

  /** The most blocks a clairvoyant schedule has: longer traces get longer blocks. */
  static final int MAX_BLOCKS = 96;

  /**
   * The clairvoyant family for a trace that starts at {@code start} (on a whole minute) with {@code
   * arrivalsPerMinute}: for each block length and safety factor, copies per block for its busiest
   * minute at {@code copyRequestsPerSecond} a copy, times the factor, bought a lead time ahead and
   * held until the block ends.
   */
  public static List<Candidate> clairvoyant(
      Endpoint e, long[] arrivalsPerMinute, Instant start, double copyRequestsPerSecond) {
    if (!(copyRequestsPerSecond > 0)) {
      throw new IllegalArgumentException(
          "a copy's throughput must be positive, got " + copyRequestsPerSecond);
    }
    List<Candidate> family = new ArrayList<>();
    LinkedHashSet<Integer> blocks = new LinkedHashSet<>();
    int floor = (arrivalsPerMinute.length + MAX_BLOCKS - 1) / MAX_BLOCKS;
    for (int k : BLOCK_LEAD_MULTIPLES) {
      blocks.add(Math.min(arrivalsPerMinute.length, Math.max(floor, k * e.leadMinutes())));
    }
    // One block: the capacity the busiest minute needs, held throughout.
    blocks.add(arrivalsPerMinute.length);
    for (int block : blocks) {
      for (double safety : SAFETY_FACTORS) {
        int[] levels = levels(arrivalsPerMinute, copyRequestsPerSecond, safety, block, e);
        family.add(clairvoyant(e, levels, start, block, safety));
      }
    }
    return List.copyOf(family);
  }

  /**
   * Copies in force each minute: per block of {@code blockMinutes}, the copies its busiest minute
   * needs times {@code safety} (at least one, at most the endpoint's), and at each minute the most
   * that any block starting within the lead time needs, so capacity is asked for a lead time before
   * its block and kept to the block's end.
   */
  static int[] levels(
      long[] arrivalsPerMinute,
      double copyRequestsPerSecond,
      double safety,
      int blockMinutes,
      Endpoint e) {
    int minutes = arrivalsPerMinute.length;
    int blocks = (minutes + blockMinutes - 1) / blockMinutes;
    int[] need = new int[blocks];
    for (int b = 0; b < blocks; b++) {
      long busiest = 0;
      for (int m = b * blockMinutes; m < Math.min(minutes, (b + 1) * blockMinutes); m++) {
        busiest = Math.max(busiest, arrivalsPerMinute[m]);
      }
      double copies = Math.ceil(busiest / 60.0 * safety / copyRequestsPerSecond - 1e-9);
      need[b] = (int) Math.max(1, Math.min(e.maxCopies(), copies));
    }
    int[] levels = new int[minutes];
    for (int t = 0; t < minutes; t++) {
      int first = t / blockMinutes;
      int last = Math.min(blocks - 1, (t + e.leadMinutes()) / blockMinutes);
      int level = 0;
      for (int b = first; b <= last; b++) {
        level = Math.max(level, need[b]);
      }
      levels[t] = level;
    }
    return levels;
  }

  private static Candidate clairvoyant(
      Endpoint e, int[] levels, Instant start, int block, double safety) {
    String name =
        String.format(Locale.ROOT, "clairvoyant-b%d-x%s", block, trim(safety)).replace('.', 'p');
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode scaling = f.objectNode();
    int low = Integer.MAX_VALUE;
    int high = 0;
    for (int level : levels) {
      low = Math.min(low, level);
      high = Math.max(high, level);
    }
    scaling.put("dimension", "copies");
    scaling.put("minCopies", low);
    scaling.put("maxCopies", high);
    scaling.put("engine", "orchestrated");
    ArrayNode schedules = scaling.putArray("schedules");
    for (int t = 1; t < levels.length; t++) {
      if (levels[t] != levels[t - 1]) {
        ZonedDateTime at = start.plusSeconds(60L * t).atZone(ZoneOffset.UTC);
        schedules
            .addObject()
            .put("name", "m" + t)
            .put(
                "cron",
                String.format(
                    Locale.ROOT,
                    "%d %d %d %d ? %d",
                    at.getMinute(),
                    at.getHour(),
                    at.getDayOfMonth(),
                    at.getMonthValue(),
                    at.getYear()))
            .put("timezone", "UTC")
            .put("minCopies", levels[t])
            .put("maxCopies", levels[t]);
      }
    }
    String description =
        String.format(
            Locale.ROOT,
            "clairvoyant: %d-minute blocks, %s x the copies each block's busiest minute needs,"
                + " bought %d min ahead; %d to %d copies",
            block,
            trim(safety),
            e.leadMinutes(),
            low,
            high);
    int p = e.copiesPerInstance();
    int instances = Math.min(e.maxInstances(), (high + p - 1) / p);
    return new Candidate(
        name, Kind.CLAIRVOYANT, description, scaling, levels[0], (low + p - 1) / p, instances);
  }

  private static List<Integer> distinct(int... values) {
    LinkedHashSet<Integer> set = new LinkedHashSet<>();
    for (int v : values) {
      set.add(v);
    }
    return List.copyOf(set);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
