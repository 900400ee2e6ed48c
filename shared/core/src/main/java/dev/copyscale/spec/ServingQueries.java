package dev.copyscale.spec;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.serving.CudaGraphs;
import dev.copyscale.serving.RequestShape;
import dev.copyscale.serving.ServingModels;
import java.util.Map;
import java.util.Optional;

/**
 * What a spec (or a command's flags) says about how its copies serve, as a {@link
 * ServingModels.Query}: the model's own figures (a command's --model-config, else the spec's
 * component.model), the weight and KV cache widths TGI loads (QUANTIZE, DTYPE, KV_CACHE_DTYPE, the
 * published dtype), the CUDA graphs its TGI version captures (the image, CUDA_GRAPHS), the GPUs per
 * copy and a measured table where one is given.
 */
public final class ServingQueries {
  private ServingQueries() {}

  /** A measured table and where it comes from ("scaling.slo.servingProfile", "--serving F"). */
  public record Table(String csv, String field) {}

  /**
   * @param modelOverride a command's own figures for the model (--model-config FILE), winning over
   *     the spec's
   * @param tableOverride a command's measured table (--serving FILE), winning over the spec's
   */
  public static ServingModels.Query forSpec(
      DeploymentSpec spec,
      Catalog catalog,
      Optional<ModelProfile> modelOverride,
      Optional<Table> tableOverride,
      boolean bundledTablesWin,
      Optional<RequestShape> shape) {
    DeploymentSpec.Component c = spec.component();
    Optional<ModelProfile> own =
        modelOverride
            .map(m -> m.as(c.modelId(), m.source()))
            .or(() -> c.model().map(m -> m.profile(c.modelId())));
    Optional<Table> table =
        tableOverride.or(
            () ->
                Optional.ofNullable(spec.scaling())
                    .flatMap(DeploymentSpec.Scaling::slo)
                    .flatMap(DeploymentSpec.Slo::servingProfile)
                    .map(csv -> new Table(csv, "scaling.slo.servingProfile")));
    return query(
        catalog,
        c.modelId(),
        own,
        modelOverride.isPresent() ? "--model-config" : "component.model",
        spec.endpoint().instanceType(),
        c.resources().accelerators(),
        c.env(),
        Optional.of(c.image()),
        table,
        bundledTablesWin,
        shape);
  }

  public static ServingModels.Query query(
      Catalog catalog,
      String modelId,
      Optional<ModelProfile> own,
      String ownField,
      String instanceType,
      int gpus,
      Map<String, String> env,
      Optional<String> image,
      Optional<Table> table,
      boolean bundledTablesWin,
      Optional<RequestShape> shape) {
    String published =
        own.or(() -> catalog.model(modelId)).map(ModelProfile::dtype).orElse("bfloat16");
    return new ServingModels.Query(
        catalog,
        modelId,
        own,
        ownField,
        instanceType,
        gpus,
        env,
        ModelDtype.loaded(env, published).bytesPerParameter(),
        ModelDtype.kvBytesPerValue(env),
        CudaGraphs.of(image, env),
        table.map(Table::csv),
        table.map(Table::field).orElse(""),
        bundledTablesWin,
        shape);
  }
}
