package dev.copyscale.preflight;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.preflight.PreflightReport.Cost;
import dev.copyscale.preflight.PreflightReport.InstanceFit;
import dev.copyscale.preflight.PreflightReport.ModelFit;
import dev.copyscale.preflight.PreflightReport.ServingFit;
import dev.copyscale.scaling.arbiter.CopyResources;
import dev.copyscale.scaling.arbiter.FirstFit;
import dev.copyscale.serving.CopyCapacity;
import dev.copyscale.serving.CopyPhysics;
import dev.copyscale.serving.RequestShape;
import dev.copyscale.serving.ServingModels;
import dev.copyscale.serving.TensorParallelCost;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Component;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Endpoint;
import dev.copyscale.spec.DeploymentSpec.ManagedInstanceScaling;
import dev.copyscale.spec.DeploymentSpec.Resources;
import dev.copyscale.spec.ModelDtype;
import dev.copyscale.spec.Problem;
import dev.copyscale.spec.ServingQueries;
import dev.copyscale.spec.SpecResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Answers, before anything is spent on AWS: does the model fit the accelerators of a copy, do the
 * copies fit the instances, how many instances do they need, and what does that cost per hour. A
 * pure function of the spec, the catalog and the runtime-overhead assumption.
 */
public final class Preflight {
  /**
   * GPU memory a TGI copy uses besides weights and KV cache, per GPU: CUDA context (about 0.5 GiB)
   * plus prefill activations and workspace. Nobody publishes one figure for this; 1 GiB is our
   * assumption, stated in every report and settable with {@code --runtime-overhead-gib}.
   */
  public static final double DEFAULT_RUNTIME_OVERHEAD_GIB = 1.0;

  static final int MAX_SUGGESTIONS = 5;

  private final Catalog catalog;
  private final double runtimeOverheadGiBPerGpu;

  public Preflight(Catalog catalog, double runtimeOverheadGiBPerGpu) {
    this.catalog = catalog;
    this.runtimeOverheadGiBPerGpu = runtimeOverheadGiBPerGpu;
  }

  /**
   * Preflight of a parsed spec: an invalid one reports its validation problems and does not fit.
   */
  public PreflightReport run(SpecResult parsed) {
    if (!parsed.isValid()) {
      return new PreflightReport(
          "",
          false,
          parsed.problems().stream().map(Problem::toString).toList(),
          List.of(),
          List.of(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          Optional.empty(),
          Optional.empty());
    }
    return run(parsed.spec().get());
  }

  /**
   * The token limits TGI refuses requests by, as the spec's environment sets them, else TGI's
   * defaults for the model's context (4,096 tokens when the model is not known).
   */
  public TgiLimits tokenLimits(DeploymentSpec spec) {
    Component c = spec.component();
    int context =
        c.model().isPresent()
            ? c.model().get().maxContextTokens()
            : catalog
                .model(c.modelId())
                .map(ModelProfile::maxContextTokens)
                .orElse(TgiLimits.DEFAULT_MAX_TOTAL_TOKENS);
    return TgiLimits.of(c.env(), context, 0);
  }

  /**
   * Preflight of a spec. With several components each is checked alone (its model against its
   * copy's GPUs, a copy against the instance type, its token limits) and its problems are named by
   * its entry, {@code components[1] (code): ...}; the report's model, fit and cost are the first
   * component's. That the minimum copies of all of them fit the endpoint's instances and budget is
   * a rule of the spec itself (the arbiter's {@code checkHoldable}), checked before preflight runs.
   */
  public PreflightReport run(DeploymentSpec spec) {
    if (spec.components().size() == 1) {
      return runOne(spec);
    }
    List<PreflightReport> each = new ArrayList<>();
    spec.components().forEach(m -> each.add(runOne(spec.member(m))));
    List<String> problems = new ArrayList<>();
    List<String> unchecked = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> assumptions = new ArrayList<>();
    for (int i = 0; i < each.size(); i++) {
      String who = "components[" + i + "] (" + spec.components().get(i).name() + "): ";
      PreflightReport r = each.get(i);
      r.problems().forEach(p -> problems.add(who + p));
      r.unchecked().forEach(p -> unchecked.add(who + p));
      r.warnings().forEach(w -> warnings.add(who + w));
      r.assumptions().stream().filter(a -> !assumptions.contains(a)).forEach(assumptions::add);
    }
    PreflightReport first = each.get(0);
    Optional<InstanceFit> instance = first.instance();
    Optional<Cost> cost = first.cost();
    Optional<InstanceType> type = catalog.instanceType(spec.endpoint().instanceType());
    if (type.isPresent() && instance.isPresent() && each.stream().allMatch(PreflightReport::fits)) {
      int atCopies = endpointInstances(spec, type.get(), false);
      int atMax = endpointInstances(spec, type.get(), true);
      InstanceFit f = instance.get();
      instance =
          Optional.of(
              new InstanceFit(
                  f.instanceType(),
                  f.gpus(),
                  f.vcpus(),
                  f.memoryGiB(),
                  f.priceUsdPerHour(),
                  new CapacityPlan(
                      f.plan().copiesPerInstance(), f.plan().limitedBy(), atCopies, atMax)));
      double price = type.get().priceUsdPerHour();
      cost =
          Optional.of(
              new Cost(atCopies, atCopies * price, atMax, atMax * price, type.get().source()));
    }
    return new PreflightReport(
        first.deployment(),
        each.stream().allMatch(PreflightReport::fits),
        problems,
        unchecked,
        warnings,
        assumptions,
        first.model(),
        instance,
        cost,
        first.suggestedInstanceTypes(),
        first.serving(),
        first.trace());
  }

  /**
   * The instances every component's copies need together (initial copies, or each at its
   * maxCopies), placed as SageMaker places them ({@link FirstFit}, the arbiter's rule), at least
   * managed instance scaling's minimum. At the maximum this is what all components at once would
   * need; the arbiter holds the endpoint within maxInstances and the budget.
   */
  private static int endpointInstances(DeploymentSpec spec, InstanceType type, boolean atMax) {
    java.util.Map<String, CopyResources> sizes = new java.util.HashMap<>();
    java.util.LinkedHashMap<String, Integer> wanted = new java.util.LinkedHashMap<>();
    for (DeploymentSpec.Member m : spec.components()) {
      Component c = m.component();
      sizes.put(
          c.name(),
          new CopyResources(
              c.resources().accelerators(), c.resources().cpus(), c.resources().memoryMb()));
      wanted.put(c.name(), atMax ? m.scaling().maxCapacity() : c.copies());
    }
    return FirstFit.plan(type, List.of(), sizes, wanted, minimumInstances(spec)).size();
  }

  private PreflightReport runOne(DeploymentSpec spec) {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> assumptions = new ArrayList<>();
    // What the catalog does not know, so preflight cannot check: among the problems, but no misfit.
    List<String> unchecked = new ArrayList<>();
    Component component = spec.component();
    Endpoint endpoint = spec.endpoint();
    tokenInEnvironment(component).ifPresent(warnings::add);

    Optional<ModelProfile> profile = profile(component, problems, unchecked);
    Optional<InstanceType> type = catalog.instanceType(endpoint.instanceType());
    if (type.isEmpty()) {
      unchecked.add(
          "endpoint.instanceType: "
              + endpoint.instanceType()
              + " is not in copyscale's catalog, so its GPUs, CPUs, memory and price are unknown;"
              + " preflight cannot check the fit (run `copyscale catalog` for the known types)");
      problems.add(unchecked.get(unchecked.size() - 1));
    }
    Optional<ModelFit> modelFit = Optional.empty();
    Optional<InstanceFit> instanceFit = Optional.empty();
    Optional<Cost> cost = Optional.empty();
    List<Suggestion> suggestions = List.of();
    boolean modelFits = false;

    if (profile.isPresent()) {
      ModelDtype dtype = weightDtype(component, profile.get(), assumptions);
      int kvTokens = kvTokens(component, profile.get(), problems, assumptions);
      double kvBytes = kvBytesPerValue(component);
      assumptions.add(
          String.format(
              Locale.ROOT,
              "runtime overhead of %.2f GiB per GPU (CUDA context, activations, workspace): no"
                  + " published figure; set --runtime-overhead-gib to change it",
              runtimeOverheadGiBPerGpu));
      GpuMemory need =
          GpuMemory.of(
              profile.get(),
              dtype,
              kvBytes,
              kvTokens,
              component.resources().accelerators(),
              runtimeOverheadGiBPerGpu);
      if (type.isPresent()) {
        InstanceType t = type.get();
        int accelerators = component.resources().accelerators();
        double available = accelerators * t.gpuMemoryGiB();
        ModelFit fit =
            new ModelFit(
                profile.get().id(),
                component.model().isPresent() ? "spec component.model" : "catalog",
                dtype.specName(),
                accelerators,
                t.gpuModel(),
                available,
                need);
        modelFit = Optional.of(fit);
        modelFits = fit.fits();
        if (!modelFits) {
          problems.add(
              String.format(
                  Locale.ROOT,
                  "component.resources.accelerators: model does not fit: %s in %s needs %.2f GiB of"
                      + " GPU memory per copy (weights %.2f"
                      + " GiB = %.1f GB, KV cache %.2f GiB for %d tokens, runtime %.2f GiB) but %d"
                      + " x %s has %.2f GiB",
                  profile.get().id(),
                  dtype.specName(),
                  need.totalGiB(),
                  need.weightsGiB(),
                  need.weightsGB(),
                  need.kvCacheGiB(),
                  need.kvTokens(),
                  need.runtimeGiB(),
                  accelerators,
                  t.gpuModel(),
                  available));
        }
        InstanceFit fitOnInstance = instanceFit(spec, t, problems, warnings);
        instanceFit = Optional.of(fitOnInstance);
        cost = Optional.of(cost(spec, t, fitOnInstance.plan()));
      }
      suggestions = suggestions(spec, profile.get(), dtype, kvBytes, kvTokens);
    } else if (type.isPresent()) {
      InstanceFit fitOnInstance = instanceFit(spec, type.get(), problems, warnings);
      instanceFit = Optional.of(fitOnInstance);
      cost = Optional.of(cost(spec, type.get(), fitOnInstance.plan()));
    }
    instanceScalingLeavesInstancesEmpty(spec, instanceFit).ifPresent(warnings::add);
    Optional<ServingFit> serving =
        modelFits && type.isPresent()
            ? serving(spec, type.get(), warnings, assumptions)
            : Optional.empty();
    boolean fits = problems.isEmpty() && modelFits;
    return new PreflightReport(
        spec.name(),
        fits,
        problems,
        unchecked,
        warnings,
        assumptions,
        modelFit,
        instanceFit,
        cost,
        fits ? List.of() : suggestions,
        serving,
        Optional.empty());
  }

  /**
   * How a copy serves, from the same figures as the serving model (docs/serving.md): the requests
   * of the bundled table's shape its KV cache holds at once, as TGI sizes it (from the memory its
   * warmup finds free: TGI 2.x ignores MAX_BATCH_TOTAL_TOKENS for flash-attention models, and the
   * warnings say so when the spec sets it), and what tensor parallelism costs where it crosses
   * PCIe.
   */
  private Optional<ServingFit> serving(
      DeploymentSpec spec, InstanceType type, List<String> warnings, List<String> assumptions) {
    Component c = spec.component();
    Map<String, String> env = c.env();
    RequestShape shape = RequestShape.BUNDLED_TABLE;
    ServingModels.Query query =
        ServingQueries.query(
            catalog,
            c.modelId(),
            c.model().map(m -> m.profile(c.modelId())),
            "component.model",
            type.name(),
            c.resources().accelerators(),
            env,
            Optional.of(c.image()),
            Optional.empty(),
            false,
            Optional.of(shape));
    Optional<CopyPhysics> physics = ServingModels.physics(query);
    if (physics.isEmpty()) {
      return Optional.empty();
    }
    CopyPhysics p = physics.get();
    TgiLimits limits =
        TgiLimits.of(env, p.model().maxContextTokens(), p.kvCacheTokens(runtimeOverheadGiBPerGpu));
    CopyCapacity capacity = CopyCapacity.of(p, limits, shape, runtimeOverheadGiBPerGpu);
    TensorParallelCost tp = TensorParallelCost.of(p, shape);
    if (c.env().containsKey("MAX_BATCH_TOTAL_TOKENS")) {
      warnings.add(
          "component.env.MAX_BATCH_TOTAL_TOKENS: "
              + ProfilePrediction.ignoredBatchTokens(
                  c.env().get("MAX_BATCH_TOTAL_TOKENS"), capacity.kvCacheTokens()));
    }
    capacity
        .shortOfMemory()
        .ifPresent(
            why ->
                warnings.add(
                    "component.resources.accelerators: TGI will not start: "
                        + why
                        + " (TGI refuses a MAX_TOTAL_TOKENS its KV cache cannot hold)"));
    tp.pcieWarning(
            type.name(),
            ProfilePrediction.fewestGpus(
                catalog,
                c.modelId(),
                c.model().map(m -> m.profile(c.modelId())),
                type,
                c.env(),
                shape,
                runtimeOverheadGiBPerGpu))
        .map(w -> "component.resources.accelerators: " + w)
        .ifPresent(warnings::add);
    p.eagerWarning(shape.promptTokens() + shape.outputTokens() / 2.0)
        .map(w -> "component.image: " + w)
        .ifPresent(warnings::add);
    assumptions.add(
        "the copy's concurrency is counted for the bundled table's request shape ("
            + shape
            + "); copyscale profile --predict counts it, and its latencies, for any other");
    return Optional.of(
        new ServingFit(
            c.model().isPresent() ? c.model().get().source() : "catalog models.csv",
            shape.promptTokens(),
            shape.outputTokens(),
            capacity.kvCacheTokens(),
            capacity.tokensPerRequest(),
            capacity.requests(),
            capacity.maxTotalTokens(),
            capacity.fullLengthRequests(),
            p.gpus(),
            p.gpus() > 1 ? p.gpu().interconnect().label() : null,
            tp.decodeStepMs(),
            tp.decodeAllReduceMs(),
            tp.prefillMs(),
            tp.prefillAllReduceMs()));
  }

  /**
   * A Hugging Face token reaches TGI only through the model's container environment, which
   * DescribeModel returns in full: said plainly, with the path that needs no token.
   */
  static Optional<String> tokenInEnvironment(Component component) {
    return component
        .hfTokenSecretArn()
        .map(
            arn ->
                "component.hfTokenSecretArn: the Hugging Face token will be visible in the model's"
                    + " container environment (HF_TOKEN, HUGGING_FACE_HUB_TOKEN): anyone allowed"
                    + " sagemaker:DescribeModel on the model can read it. For production, copy the"
                    + " weights to S3 and set component.modelDataS3Uri: s3://BUCKET/PREFIX/"
                    + " instead; SageMaker then copies them to /opt/ml/model and no token is"
                    + " needed");
  }

  private Optional<ModelProfile> profile(
      Component component, List<String> problems, List<String> unchecked) {
    if (component.model().isPresent()) {
      DeploymentSpec.Model m = component.model().get();
      return Optional.of(
          new ModelProfile(
              component.modelId(),
              List.of(),
              m.parametersBillions(),
              m.layers(),
              m.kvHeads(),
              m.headDim(),
              m.dtype(),
              m.maxContextTokens(),
              "",
              "spec component.model"));
    }
    Optional<ModelProfile> known = catalog.model(component.modelId());
    if (known.isEmpty()) {
      unchecked.add(
          "component.modelId: "
              + component.modelId()
              + " is not in copyscale's catalog; describe it with component.model"
              + " {parametersBillions, layers, kvHeads, headDim, dtype, maxContextTokens} so"
              + " preflight can size it");
      problems.add(unchecked.get(unchecked.size() - 1));
    }
    return known;
  }

  /**
   * The weight width: TGI's QUANTIZE wins, then DTYPE, then the dtype the model is published in.
   */
  private static ModelDtype weightDtype(Component c, ModelProfile model, List<String> assumptions) {
    Map<String, String> env = c.env();
    if (env.containsKey("QUANTIZE")) {
      return ModelDtype.forTgiQuantize(env.get("QUANTIZE")).orElseThrow();
    }
    if (env.containsKey("DTYPE")) {
      return ModelDtype.byName(env.get("DTYPE")).orElseThrow();
    }
    Optional<ModelDtype> published = ModelDtype.byName(model.dtype());
    if (published.isEmpty()) {
      assumptions.add(
          "model dtype " + model.dtype() + " unknown; sized as bfloat16 (2 bytes per weight)");
    }
    return published.orElse(ModelDtype.BFLOAT16);
  }

  /** TGI keeps the KV cache in 16 bits unless KV_CACHE_DTYPE asks for fp8. */
  private static double kvBytesPerValue(Component c) {
    String kv = c.env().getOrDefault("KV_CACHE_DTYPE", "");
    return kv.toLowerCase(Locale.ROOT).startsWith("fp8") ? 1 : 2;
  }

  /** Tokens the KV cache must hold: MAX_BATCH_TOTAL_TOKENS, else one full request. */
  private static int kvTokens(
      Component c, ModelProfile model, List<String> problems, List<String> assumptions) {
    Map<String, String> env = c.env();
    int maxTotal =
        env.containsKey("MAX_TOTAL_TOKENS")
            ? Integer.parseInt(env.get("MAX_TOTAL_TOKENS").trim())
            : Math.min(model.maxContextTokens(), TgiLimits.DEFAULT_MAX_TOTAL_TOKENS);
    if (maxTotal > model.maxContextTokens()) {
      problems.add(
          "component.env.MAX_TOTAL_TOKENS: "
              + maxTotal
              + " exceeds the context of "
              + model.id()
              + " ("
              + model.maxContextTokens()
              + " tokens)");
    }
    if (env.containsKey("MAX_BATCH_TOTAL_TOKENS")) {
      return Integer.parseInt(env.get("MAX_BATCH_TOTAL_TOKENS").trim());
    }
    assumptions.add(
        "MAX_BATCH_TOTAL_TOKENS is not set: TGI then fills the free GPU memory with KV cache; sized"
            + " here for one full request of "
            + maxTotal
            + " tokens (MAX_TOTAL_TOKENS)");
    return maxTotal;
  }

  /** Copies per instance and the instances the spec's copy counts need, with the problems found. */
  private static InstanceFit instanceFit(
      DeploymentSpec spec, InstanceType t, List<String> problems, List<String> warnings) {
    Resources r = spec.component().resources();
    CapacityPlan plan = plan(spec, t, r.accelerators());
    InstanceFit fit =
        new InstanceFit(
            t.name(), t.gpuCount(), t.vcpus(), t.memoryGiB(), t.priceUsdPerHour(), plan);
    if (plan.copiesPerInstance() == 0) {
      problems.add(
          String.format(
              Locale.ROOT,
              "component.resources: one copy does not fit on %s: a copy asks %d accelerators, %s"
                  + " CPUs and %d MiB; the"
                  + " instance has %d GPUs, %d vCPUs and %d MiB (%s is short)",
              t.name(),
              r.accelerators(),
              trim(r.cpus()),
              r.memoryMb(),
              t.gpuCount(),
              t.vcpus(),
              t.memoryMb(),
              plan.limitedBy()));
      return fit;
    }
    Endpoint e = spec.endpoint();
    ManagedInstanceScaling mis = e.managedInstanceScaling();
    int maxInstances = spec.guardrails().maxInstances();
    int copies = spec.component().copies();
    int maxCopies = maxCopies(spec);
    if (plan.instancesForMaxCopies() > maxInstances) {
      problems.add(
          "guardrails.maxInstances: "
              + maxCopies
              + " copies (the maximum) need "
              + plan.instancesForMaxCopies()
              + " x "
              + t.name()
              + " at "
              + plan.copiesPerInstance()
              + " per instance, more than guardrails.maxInstances ("
              + maxInstances
              + ")");
    }
    if (mis.enabled()) {
      if (plan.instancesForMaxCopies() > mis.maxInstances()) {
        problems.add(
            "endpoint.managedInstanceScaling.maxInstances: "
                + maxCopies
                + " copies (the maximum) need "
                + plan.instancesForMaxCopies()
                + " instances at "
                + plan.copiesPerInstance()
                + " per instance, but managed instance scaling stops at "
                + mis.maxInstances());
      }
    } else if (spec.scaling().dimension() == Dimension.COPIES) {
      if (plan.instancesForCopies() > e.initialInstanceCount()) {
        problems.add(
            "endpoint.initialInstanceCount: "
                + copies
                + " copies need "
                + plan.instancesForCopies()
                + " instances but the endpoint starts with "
                + e.initialInstanceCount()
                + " and managed instance scaling is off, so copies would stay pending");
      } else if (plan.instancesForMaxCopies() > e.initialInstanceCount()) {
        if (!spec.scaling().engine().policiesRunInApplicationAutoScaling()) {
          warnings.add(
              "above "
                  + plan.copiesPerInstance() * e.initialInstanceCount()
                  + " copies copyscale raises the instance count with the copies (up to "
                  + plan.instancesForMaxCopies()
                  + "); new instances take minutes to provision");
        } else {
          problems.add(
              "endpoint.managedInstanceScaling: maxCopies "
                  + maxCopies
                  + " need "
                  + plan.instancesForMaxCopies()
                  + " instances but only "
                  + e.initialInstanceCount()
                  + " exist and nothing adds more under engine: native; enable managed instance"
                  + " scaling or use engine: orchestrated");
        }
      }
    }
    return fit;
  }

  /**
   * With {@code dimension: instances} the scalable target moves the variant's DesiredInstanceCount,
   * but on an inference-component endpoint an instance only offers room: SageMaker places copies
   * when the component's copy count rises, and under this dimension nothing raises it (the copies
   * stay at {@code component.copies}). Instances added beyond those the copies fill stay empty.
   */
  private static Optional<String> instanceScalingLeavesInstancesEmpty(
      DeploymentSpec spec, Optional<InstanceFit> fit) {
    if (spec.scaling().dimension() != Dimension.INSTANCES) {
      return Optional.empty();
    }
    int copies = spec.component().copies();
    String filled =
        fit.map(InstanceFit::plan)
            .filter(p -> p.copiesPerInstance() > 0)
            .map(
                p ->
                    String.format(
                        Locale.ROOT,
                        ", which fill %d instance(s) at %d per instance",
                        CapacityPlan.instancesFor(copies, p.copiesPerInstance()),
                        p.copiesPerInstance()))
            .orElse("");
    return Optional.of(
        "scaling.dimension: instances scales the variant's DesiredInstanceCount on an"
            + " inference-component endpoint, where SageMaker places copies only when the inference"
            + " component's copy count rises; nothing raises it here (the copies stay at"
            + " component.copies, "
            + copies
            + filled
            + "), so instances added up to scaling.maxInstances ("
            + spec.scaling().maxCapacity()
            + ") stay empty unless copies follow: billed, serving nothing. Scale copies instead"
            + " (dimension: copies, with managed instance scaling or engine: orchestrated adding"
            + " the instances)");
  }

  private static int maxCopies(DeploymentSpec spec) {
    return spec.scaling().dimension() == Dimension.COPIES
        ? spec.scaling().maxCapacity()
        : spec.component().copies();
  }

  static CapacityPlan plan(DeploymentSpec spec, InstanceType t, int accelerators) {
    Resources r = spec.component().resources();
    int perInstance = t.copiesPerInstance(accelerators, r.cpus(), r.memoryMb());
    int byGpu = accelerators == 0 ? Integer.MAX_VALUE : t.gpuCount() / accelerators;
    int byCpu = (int) Math.floor(t.vcpus() / r.cpus());
    String limitedBy =
        perInstance == byGpu ? "accelerators" : perInstance == byCpu ? "cpus" : "memory";
    int minimum = minimumInstances(spec);
    return new CapacityPlan(
        perInstance,
        limitedBy,
        Math.max(minimum, CapacityPlan.instancesFor(spec.component().copies(), perInstance)),
        Math.max(minimum, CapacityPlan.instancesFor(maxCopies(spec), perInstance)));
  }

  /** Instances that run even with no copy: managed scaling's minimum, else the initial count. */
  private static int minimumInstances(DeploymentSpec spec) {
    ManagedInstanceScaling mis = spec.endpoint().managedInstanceScaling();
    return mis.enabled() ? mis.minInstances() : spec.endpoint().initialInstanceCount();
  }

  private static Cost cost(DeploymentSpec spec, InstanceType t, CapacityPlan plan) {
    boolean instances = spec.scaling().dimension() == Dimension.INSTANCES;
    int atCopies = instances ? spec.endpoint().initialInstanceCount() : plan.instancesForCopies();
    int atMax = instances ? spec.scaling().maxCapacity() : plan.instancesForMaxCopies();
    if (plan.copiesPerInstance() == 0) {
      atCopies = 0;
      atMax = 0;
    }
    return new Cost(
        atCopies, atCopies * t.priceUsdPerHour(), atMax, atMax * t.priceUsdPerHour(), t.source());
  }

  /**
   * The cheapest instance types on which the model fits a copy's accelerators and the copies fit,
   * with the spec's CPUs and memory per copy. Accelerators per copy may grow (1, 2, 4, 8: TGI
   * shards over powers of two) when one GPU is too small.
   */
  private List<Suggestion> suggestions(
      DeploymentSpec spec, ModelProfile model, ModelDtype dtype, double kvBytes, int kvTokens) {
    List<Suggestion> result = new ArrayList<>();
    int copies = Math.max(1, spec.component().copies());
    for (InstanceType t : catalog.instanceTypes()) {
      for (int accelerators = 1; accelerators <= t.gpuCount(); accelerators *= 2) {
        GpuMemory need =
            GpuMemory.of(model, dtype, kvBytes, kvTokens, accelerators, runtimeOverheadGiBPerGpu);
        if (need.totalGiB() > accelerators * t.gpuMemoryGiB()) {
          continue;
        }
        CapacityPlan plan = plan(spec, t, accelerators);
        if (plan.copiesPerInstance() > 0) {
          int instances = CapacityPlan.instancesFor(copies, plan.copiesPerInstance());
          double perCopy = t.priceUsdPerHour() / plan.copiesPerInstance();
          result.add(
              new Suggestion(
                  t.name(),
                  t.gpuModel(),
                  accelerators,
                  plan.copiesPerInstance(),
                  instances,
                  instances * t.priceUsdPerHour(),
                  perCopy));
        }
        break;
      }
    }
    result.sort(
        Comparator.comparingDouble(Suggestion::costPerHourAtCopies)
            .thenComparingDouble(Suggestion::costPerCopyHour)
            .thenComparing(Suggestion::instanceType));
    return result.subList(0, Math.min(MAX_SUGGESTIONS, result.size()));
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
