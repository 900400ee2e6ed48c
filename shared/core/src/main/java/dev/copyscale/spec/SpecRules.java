package dev.copyscale.spec;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.schedule.AwsCron;
import dev.copyscale.serving.SloObjective;
import dev.copyscale.spec.DeploymentSpec.Alarm;
import dev.copyscale.spec.DeploymentSpec.Component;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Endpoint;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.Guardrails;
import dev.copyscale.spec.DeploymentSpec.ManagedInstanceScaling;
import dev.copyscale.spec.DeploymentSpec.Scaling;
import dev.copyscale.spec.DeploymentSpec.Schedule;
import dev.copyscale.spec.DeploymentSpec.Step;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules that involve more than one field (DESIGN.md): bounds against guardrails, one dynamic
 * engine per target, step ranges without overlap or gap, schedules, secrets, TGI limits. A rule
 * stays quiet about a field that already has a problem, so each mistake is reported once.
 */
final class SpecRules {
  /** Environment names that carry a Hugging Face token: never literal in a spec. */
  static final Set<String> TOKEN_VARIABLES =
      Set.of(
          "HF_TOKEN",
          "HUGGING_FACE_HUB_TOKEN",
          "HUGGINGFACE_HUB_TOKEN",
          "HF_API_TOKEN",
          "HUGGINGFACE_TOKEN");

  /** What a Hugging Face user access token looks like, wherever it is pasted. */
  static final Pattern TOKEN_VALUE = Pattern.compile(".*\\bhf_[A-Za-z0-9]{30,}.*");

  private static final Pattern ENV_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");
  private static final int MAX_ENV_ENTRIES = 100;
  private static final int MAX_ENV_LENGTH = 1024;
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

  /** The spec as one of its components alone ({@link DeploymentSpec#member}). */
  private final DeploymentSpec spec;

  private final Problems problems;

  /** Where this component and its scaling are in the document: component, scaling or a list's. */
  private final String cp;

  private final String sp;

  private SpecRules(DeploymentSpec spec, Problems problems, String cp, String sp) {
    this.spec = spec;
    this.problems = problems;
    this.cp = cp;
    this.sp = sp;
  }

  /**
   * @param listed whether the document lists its components ({@code components:}), so that each
   *     problem names its entry, {@code components[1].scaling.minCopies}
   */
  static void check(DeploymentSpec spec, Problems problems, boolean listed) {
    new SpecRules(spec, problems, "component", "scaling").endpoint();
    for (int i = 0; i < spec.components().size(); i++) {
      DeploymentSpec.Member m = spec.components().get(i);
      String cp = listed ? "components[" + i + "]" : "component";
      new SpecRules(spec.member(m), problems, cp, listed ? cp + ".scaling" : "scaling")
          .componentAndScaling();
    }
    SharedEndpointRules.check(spec, problems, listed);
  }

  private void componentAndScaling() {
    component();
    scaling();
  }

  private boolean clean(String... paths) {
    return !problems.atAny(paths);
  }

  private void endpoint() {
    Endpoint e = spec.endpoint();
    Guardrails g = spec.guardrails();
    if (e == null) {
      return;
    }
    ManagedInstanceScaling mis = e.managedInstanceScaling();
    String misPath = "endpoint.managedInstanceScaling";
    if (mis.enabled() && clean(misPath)) {
      if (mis.minInstances() > mis.maxInstances()) {
        problems.add(
            misPath + ".minInstances",
            "("
                + mis.minInstances()
                + ") is greater than maxInstances ("
                + mis.maxInstances()
                + ")");
      } else if (clean("endpoint.initialInstanceCount")
          && (e.initialInstanceCount() < mis.minInstances()
              || e.initialInstanceCount() > mis.maxInstances())) {
        problems.add(
            "endpoint.initialInstanceCount",
            "("
                + e.initialInstanceCount()
                + ") must lie within managedInstanceScaling's "
                + mis.minInstances()
                + ".."
                + mis.maxInstances());
      }
      if (g != null && clean("guardrails.maxInstances") && mis.maxInstances() > g.maxInstances()) {
        problems.add(
            misPath + ".maxInstances",
            "("
                + mis.maxInstances()
                + ") exceeds guardrails.maxInstances ("
                + g.maxInstances()
                + ")");
      }
    }
    if (g != null
        && clean("endpoint.initialInstanceCount", "guardrails.maxInstances")
        && e.initialInstanceCount() > g.maxInstances()) {
      problems.add(
          "endpoint.initialInstanceCount",
          "("
              + e.initialInstanceCount()
              + ") exceeds guardrails.maxInstances ("
              + g.maxInstances()
              + ")");
    }
  }

  private void component() {
    Component c = spec.component();
    if (c == null) {
      return;
    }
    Map<String, String> env = c.env();
    if (env.size() > MAX_ENV_ENTRIES) {
      problems.add(
          cp + ".env",
          "has " + env.size() + " variables; SageMaker allows at most " + MAX_ENV_ENTRIES);
    }
    env.forEach(
        (name, value) -> {
          String path = cp + ".env." + name;
          if (!ENV_NAME.matcher(name).matches() || name.length() > MAX_ENV_LENGTH) {
            problems.add(
                path,
                "is not a valid environment variable name (letters, digits, _; not starting with a"
                    + " digit)");
          }
          if (value.length() > MAX_ENV_LENGTH) {
            problems.add(
                path,
                "is " + value.length() + " characters long; SageMaker allows " + MAX_ENV_LENGTH);
          }
          if (TOKEN_VARIABLES.contains(name.toUpperCase())
              || TOKEN_VALUE.matcher(value).matches()) {
            problems.add(
                path,
                "holds a literal Hugging Face token; store it in Secrets Manager and set"
                    + " component.hfTokenSecretArn (copyscale reads it at deploy time and never"
                    + " logs it)");
          }
        });
    if (env.containsKey("HF_MODEL_ID")) {
      problems.add(
          cp + ".env.HF_MODEL_ID",
          "is set by copyscale from component.modelId (or to /opt/ml/model with"
              + " component.modelDataS3Uri); remove it here");
    }
    if (c.hfTokenSecretArn().isPresent() && c.modelDataS3Uri().isPresent()) {
      problems.add(
          cp + ".hfTokenSecretArn",
          "cannot go with component.modelDataS3Uri: the weights come from S3, so TGI needs no"
              + " Hugging Face token; remove it (a token given to the model is readable by anyone"
              + " allowed sagemaker:DescribeModel)");
    }
    tgiLimits(c);
  }

  private void tgiLimits(Component c) {
    Map<String, String> env = c.env();
    Optional<Integer> gpus = positiveInt(env, "SM_NUM_GPUS");
    if (gpus.isPresent()
        && c.resources() != null
        && clean(cp + ".resources.accelerators")
        && gpus.get() != c.resources().accelerators()) {
      problems.add(
          cp + ".env.SM_NUM_GPUS",
          "("
              + gpus.get()
              + ") must equal component.resources.accelerators ("
              + c.resources().accelerators()
              + "): TGI shards the model across SM_NUM_GPUS GPUs and a copy gets exactly its"
              + " accelerators");
    }
    String inputName =
        env.containsKey("MAX_INPUT_TOKENS") ? "MAX_INPUT_TOKENS" : "MAX_INPUT_LENGTH";
    Optional<Integer> input = positiveInt(env, inputName);
    Optional<Integer> total = positiveInt(env, "MAX_TOTAL_TOKENS");
    Optional<Integer> batchTotal = positiveInt(env, "MAX_BATCH_TOTAL_TOKENS");
    positiveInt(env, "MAX_BATCH_PREFILL_TOKENS");
    if (input.isPresent() && total.isPresent() && input.get() >= total.get()) {
      problems.add(
          cp + ".env." + inputName,
          "("
              + input.get()
              + ") must be less than MAX_TOTAL_TOKENS ("
              + total.get()
              + "): TGI refuses to start otherwise");
    }
    if (total.isPresent() && batchTotal.isPresent() && total.get() > batchTotal.get()) {
      problems.add(
          cp + ".env.MAX_BATCH_TOTAL_TOKENS",
          "("
              + batchTotal.get()
              + ") must be at least MAX_TOTAL_TOKENS ("
              + total.get()
              + "): one full request must fit in a batch");
    }
    if (env.containsKey("QUANTIZE") && ModelDtype.forTgiQuantize(env.get("QUANTIZE")).isEmpty()) {
      problems.add(
          cp + ".env.QUANTIZE",
          "\""
              + env.get("QUANTIZE")
              + "\" is not a TGI quantization copyscale knows: "
              + String.join(", ", ModelDtype.tgiQuantizeNames()));
    }
    if (env.containsKey("DTYPE") && ModelDtype.byName(env.get("DTYPE")).isEmpty()) {
      problems.add(
          cp + ".env.DTYPE", "\"" + env.get("DTYPE") + "\" is not one of float16, bfloat16");
    }
  }

  /** A TGI setting that must be a positive whole number, if set. */
  private Optional<Integer> positiveInt(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null) {
      return Optional.empty();
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return Optional.of(parsed);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(cp + ".env." + name, "\"" + value + "\" must be a positive whole number");
    return Optional.empty();
  }

  private void scaling() {
    Scaling s = spec.scaling();
    Guardrails g = spec.guardrails();
    if (s == null) {
      return;
    }
    String noun = s.dimension().boundNoun();
    String minPath = sp + ".min" + noun;
    String maxPath = sp + ".max" + noun;
    if (clean(minPath, maxPath) && s.minCapacity() > s.maxCapacity()) {
      problems.add(
          minPath,
          "(" + s.minCapacity() + ") is greater than max" + noun + " (" + s.maxCapacity() + ")");
    }
    int guard = guardrail(s.dimension(), g);
    String guardPath = "guardrails.max" + noun;
    if (g != null && clean(maxPath, guardPath) && s.maxCapacity() > guard) {
      problems.add(maxPath, "(" + s.maxCapacity() + ") exceeds " + guardPath + " (" + guard + ")");
    }
    initialCapacity(s, g);
    engines(s);
    stepPolicies(s);
    schedules(s, g);
  }

  private static int guardrail(Dimension dimension, Guardrails g) {
    if (g == null) {
      return Integer.MAX_VALUE;
    }
    return dimension == Dimension.COPIES ? g.maxCopies() : g.maxInstances();
  }

  /** The capacity deployed first must lie within the bounds it will be scaled in. */
  private void initialCapacity(Scaling s, Guardrails g) {
    Component c = spec.component();
    Endpoint e = spec.endpoint();
    String noun = s.dimension().boundNoun();
    if (c != null
        && g != null
        && clean(cp + ".copies", "guardrails.maxCopies")
        && c.copies() > g.maxCopies()) {
      problems.add(
          cp + ".copies",
          "(" + c.copies() + ") exceeds guardrails.maxCopies (" + g.maxCopies() + ")");
    }
    if (s.dimension() == Dimension.COPIES) {
      if (c != null
          && clean(cp + ".copies", sp + ".minCopies", sp + ".maxCopies")
          && (c.copies() < s.minCapacity() || c.copies() > s.maxCapacity())) {
        problems.add(
            cp + ".copies",
            "("
                + c.copies()
                + ") must lie within scaling's "
                + s.minCapacity()
                + ".."
                + s.maxCapacity());
      }
      return;
    }
    if (e == null) {
      return;
    }
    if (e.managedInstanceScaling().enabled()) {
      problems.add(
          sp + ".dimension",
          "instances cannot be scaled by copyscale while endpoint.managedInstanceScaling is"
              + " enabled: SageMaker would own the instance count too; disable one of them");
    }
    if (clean("endpoint.initialInstanceCount", sp + ".min" + noun, sp + ".max" + noun)
        && (e.initialInstanceCount() < s.minCapacity()
            || e.initialInstanceCount() > s.maxCapacity())) {
      problems.add(
          "endpoint.initialInstanceCount",
          "("
              + e.initialInstanceCount()
              + ") must lie within scaling's "
              + s.minCapacity()
              + ".."
              + s.maxCapacity());
    }
  }

  /**
   * DESIGN.md: one dynamic engine per target, and target tracking is Application Auto Scaling's.
   */
  private void engines(Scaling s) {
    if (s.targetTracking().isPresent()) {
      if (s.engine() == Engine.ORCHESTRATED) {
        problems.add(
            sp + ".targetTracking",
            "target tracking runs only in Application Auto Scaling (engine: native); under engine:"
                + " orchestrated express it as stepPolicies, or use engine: native");
      }
      String metric = s.targetTracking().get().metric();
      boolean componentMetric = metric.startsWith("SageMakerInferenceComponent");
      if (clean(sp + ".targetTracking.metric")
          && componentMetric != (s.dimension() == Dimension.COPIES)) {
        problems.add(
            sp + ".targetTracking.metric",
            metric
                + " does not measure the "
                + s.dimension().specValue()
                + " dimension; use "
                + (s.dimension() == Dimension.COPIES
                    ? "SageMakerInferenceComponentInvocationsPerCopy or"
                        + " SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution"
                    : "SageMakerVariantInvocationsPerInstance or"
                        + " SageMakerVariantConcurrentRequestsPerModelHighResolution"));
      }
    }
    slo(s);
    for (int i = 0; i < s.stepPolicies().size(); i++) {
      StepPolicy p = s.stepPolicies().get(i);
      if (s.engine() == Engine.SLO) {
        continue;
      }
      if (p.engine() != s.engine()) {
        problems.add(
            sp + ".stepPolicies[" + i + "].engine",
            "is "
                + p.engine().specValue()
                + " but scaling.engine is "
                + s.engine().specValue()
                + ": two dynamic engines on one target would fight over the "
                + s.dimension().specValue()
                + " count; use one engine for every policy");
      }
    }
  }

  /**
   * engine: slo owns the copy count alone, from its objective: no policies beside it, copies as the
   * dimension, and an objective the serving profile says can be met.
   */
  private void slo(Scaling s) {
    if (s.engine() != Engine.SLO) {
      if (s.slo().isPresent()) {
        problems.add(
            sp + ".slo",
            "applies only with scaling.engine: slo (the engine is " + s.engine().specValue() + ")");
      }
      return;
    }
    if (s.targetTracking().isPresent()) {
      problems.add(
          sp + ".targetTracking",
          "does not apply with engine: slo, which decides from scaling.slo; remove it or use"
              + " engine: native");
    }
    if (!s.stepPolicies().isEmpty()) {
      problems.add(
          sp + ".stepPolicies",
          "do not apply with engine: slo, which decides from scaling.slo; remove them or use"
              + " engine: orchestrated");
    }
    if (s.dimension() != Dimension.COPIES) {
      problems.add(
          sp + ".dimension",
          "must be copies with engine: slo (it plans instances itself and fills them with copies)");
    }
    if (s.slo().isEmpty()) {
      problems.add(sp + ".slo", "is required with engine: slo, e.g. {ttft: 2s, attainment: 99%}");
      return;
    }
    DeploymentSpec.Slo slo = s.slo().get();
    if (clean(sp + ".slo.attainment") && slo.attainment() < 0.5) {
      problems.add(
          sp + ".slo.attainment",
          "must be at least 50%: an objective most requests miss is not one copyscale can plan"
              + " for");
    }
    Component c = spec.component();
    Endpoint e = spec.endpoint();
    if (c == null
        || e == null
        || !clean(
            sp + ".slo.ttft",
            sp + ".slo.itl",
            sp + ".slo.servingProfile",
            cp + ".modelId",
            cp + ".model",
            "endpoint.instanceType")) {
      return;
    }
    SloObjective.Resolution objective =
        SloObjective.resolve(
            // Specs are validated against the catalog copyscale ships; decisions are given theirs.
            ServingQueries.forSpec(
                spec,
                Catalog.bundled(),
                Optional.empty(),
                Optional.empty(),
                true,
                Optional.empty()),
            slo.ttft(),
            slo.itl());
    if (objective.objective().isEmpty()) {
      String field = objective.field();
      problems.add(
          field.startsWith("scaling.")
              ? sp + field.substring("scaling".length())
              : field.startsWith("component.") ? cp + field.substring("component".length()) : field,
          objective.problem());
    }
  }

  private void stepPolicies(Scaling s) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < s.stepPolicies().size(); i++) {
      StepPolicy p = s.stepPolicies().get(i);
      String path = sp + ".stepPolicies[" + i + "]";
      if (!names.add(p.name())) {
        problems.add(path + ".name", "\"" + p.name() + "\" is used by another step policy");
      }
      if (p.alarm() != null) {
        alarm(p.alarm(), path + ".alarm");
      }
      if (p.minAdjustmentMagnitude().isPresent()
          && p.adjustmentType() != AdjustmentType.PERCENT_CHANGE_IN_CAPACITY) {
        problems.add(
            path + ".minAdjustmentMagnitude",
            "applies only with adjustmentType: PercentChangeInCapacity");
      }
      String stepsPath = p.simple() ? path + ".simple" : path + ".steps";
      if (clean(path + ".steps", path + ".simple", path + ".alarm")) {
        steps(p, stepsPath);
      }
    }
  }

  private void alarm(Alarm a, String path) {
    if (clean(path + ".datapointsToAlarm", path + ".evaluationPeriods")
        && a.datapointsToAlarm() > a.evaluationPeriods()) {
      problems.add(
          path + ".datapointsToAlarm",
          "("
              + a.datapointsToAlarm()
              + ") cannot exceed evaluationPeriods ("
              + a.evaluationPeriods()
              + ")");
    }
    Optional<Metric> metric = Metric.bySpecName(a.metric());
    if (metric.isEmpty() || !clean(path + ".periodSeconds")) {
      return;
    }
    int period = a.periodSeconds();
    boolean highResolutionPeriod = period == 10 || period == 20 || period == 30;
    if (highResolutionPeriod && !metric.get().highResolution()) {
      problems.add(
          path + ".periodSeconds",
          period
              + " s needs a high-resolution metric; "
              + a.metric()
              + " is published every minute, so use a multiple of 60");
    } else if (!highResolutionPeriod && period % 60 != 0) {
      problems.add(
          path + ".periodSeconds",
          period
              + " is not a CloudWatch alarm period: 10, 20, 30 (high-resolution metrics) or a"
              + " multiple of 60");
    }
    if (clean(path + ".evaluationPeriods")
        && (long) period * a.evaluationPeriods() > SpecParser.DAY_SECONDS) {
      problems.add(
          path + ".evaluationPeriods",
          "periodSeconds x evaluationPeriods = "
              + (long) period * a.evaluationPeriods()
              + " s exceeds CloudWatch's 86400 s (one day)");
    }
  }

  /**
   * Application Auto Scaling's step rules: bounds are relative to the threshold; no step may have
   * both bounds null; ranges may not overlap or leave a gap; and every breach the alarm can report
   * (at or above the threshold for a greater-than alarm, at or below it for a less-than one) must
   * fall in a step, or the policy would fail when the alarm fires.
   */
  private void steps(StepPolicy p, String path) {
    List<Step> steps = p.steps();
    if (steps.isEmpty()) {
      problems.add(path, "needs at least one step");
      return;
    }
    boolean ok = true;
    for (int i = 0; i < steps.size(); i++) {
      Step st = steps.get(i);
      String stepPath = p.simple() ? path : path + "[" + i + "]";
      if (st.lower().isEmpty() && st.upper().isEmpty()) {
        problems.add(
            stepPath,
            "needs a lower or an upper bound (Application Auto Scaling refuses a step with"
                + " neither)");
        ok = false;
      } else if (st.lower().isPresent()
          && st.upper().isPresent()
          && st.lower().get() >= st.upper().get()) {
        problems.add(
            stepPath,
            "lower ("
                + fmt(st.lower().get())
                + ") must be less than upper ("
                + fmt(st.upper().get())
                + ")");
        ok = false;
      }
      if (p.adjustmentType() == AdjustmentType.EXACT_CAPACITY && st.adjustment() < 0) {
        problems.add(
            stepPath + ".adjustment", "ExactCapacity sets the count, so it cannot be negative");
      }
    }
    if (!ok) {
      return;
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingDouble(i -> steps.get(i).lower().orElse(Double.NEGATIVE_INFINITY)));
    for (int k = 1; k < order.size(); k++) {
      Step prev = steps.get(order.get(k - 1));
      Step next = steps.get(order.get(k));
      double prevUpper = prev.upper().orElse(Double.POSITIVE_INFINITY);
      double nextLower = next.lower().orElse(Double.NEGATIVE_INFINITY);
      String where = path + "[" + order.get(k) + "]";
      if (nextLower < prevUpper) {
        problems.add(
            where,
            "overlaps step " + order.get(k - 1) + " (" + range(prev) + " and " + range(next) + ")");
        return;
      }
      if (nextLower > prevUpper) {
        problems.add(
            where,
            "leaves a gap after step "
                + order.get(k - 1)
                + ": no step covers "
                + fmt(prevUpper)
                + " to "
                + fmt(nextLower));
        return;
      }
    }
    boolean above = !p.alarm().comparison().below();
    Step first = steps.get(order.get(0));
    Step last = steps.get(order.get(order.size() - 1));
    if (above) {
      if (first.lower().orElse(Double.NEGATIVE_INFINITY) > 0) {
        problems.add(
            path,
            "no step covers breaches from 0 to "
                + fmt(first.lower().get())
                + " above the threshold; the lowest step must start at lower: 0");
      }
      if (last.upper().isPresent()) {
        problems.add(
            path,
            "no step covers breaches above "
                + fmt(last.upper().get())
                + "; the highest step needs no upper bound");
      }
    } else {
      if (first.lower().isPresent()) {
        problems.add(
            path,
            "no step covers breaches below "
                + fmt(first.lower().get())
                + "; the lowest step needs no lower bound");
      }
      if (last.upper().orElse(Double.POSITIVE_INFINITY) < 0) {
        problems.add(
            path,
            "no step covers breaches from "
                + fmt(last.upper().get())
                + " to 0 below the threshold; the highest step must end at upper: 0");
      }
    }
  }

  private static String range(Step s) {
    return "["
        + s.lower().map(SpecRules::fmt).orElse("-inf")
        + ", "
        + s.upper().map(SpecRules::fmt).orElse("+inf")
        + ")";
  }

  private static String fmt(double value) {
    return value == Math.rint(value) && !Double.isInfinite(value)
        ? String.valueOf((long) value)
        : String.valueOf(value);
  }

  private void schedules(Scaling s, Guardrails g) {
    Set<String> names = new HashSet<>();
    String noun = s.dimension().boundNoun();
    int guard = guardrail(s.dimension(), g);
    for (int i = 0; i < s.schedules().size(); i++) {
      Schedule sc = s.schedules().get(i);
      String path = sp + ".schedules[" + i + "]";
      if (!names.add(sc.name())) {
        problems.add(path + ".name", "\"" + sc.name() + "\" is used by another schedule");
      }
      if (clean(path + ".cron")) {
        try {
          AwsCron.parse(sc.cron());
        } catch (IllegalArgumentException e) {
          problems.add(
              path + ".cron",
              "\""
                  + sc.cron()
                  + "\" is not an EventBridge Scheduler cron expression (minutes hours day-of-month"
                  + " month day-of-week year, e.g. \"0 8 ? * MON-FRI *\"): "
                  + e.getMessage());
        }
      }
      if (clean(path + ".timezone") && !ZONES.contains(sc.timezone())) {
        problems.add(
            path + ".timezone",
            "\""
                + sc.timezone()
                + "\" is not an IANA time zone such as Europe/Berlin or America/New_York");
      }
      if (clean(path + ".min" + noun, path + ".max" + noun)) {
        if (sc.minCapacity() > sc.maxCapacity()) {
          problems.add(
              path + ".min" + noun,
              "("
                  + sc.minCapacity()
                  + ") is greater than max"
                  + noun
                  + " ("
                  + sc.maxCapacity()
                  + ")");
        }
        if (g != null && clean("guardrails.max" + noun) && sc.maxCapacity() > guard) {
          problems.add(
              path + ".max" + noun,
              "(" + sc.maxCapacity() + ") exceeds guardrails.max" + noun + " (" + guard + ")");
        }
      }
    }
  }
}
