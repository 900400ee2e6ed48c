package dev.copyscale.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Bytes per weight for the dtypes and TGI quantizations copyscale understands. */
public enum ModelDtype {
  FLOAT32("float32", 4),
  FLOAT16("float16", 2),
  BFLOAT16("bfloat16", 2),
  FP8("fp8", 1),
  INT8("int8", 1),
  INT4("int4", 0.5);

  /** TGI's QUANTIZE values and the weight width they give (TGI launcher docs). */
  private static final Map<String, ModelDtype> TGI_QUANTIZE =
      Map.ofEntries(
          Map.entry("bitsandbytes", INT8),
          Map.entry("eetq", INT8),
          Map.entry("fp8", FP8),
          Map.entry("bitsandbytes-nf4", INT4),
          Map.entry("bitsandbytes-fp4", INT4),
          Map.entry("gptq", INT4),
          Map.entry("awq", INT4),
          Map.entry("marlin", INT4),
          Map.entry("exl2", INT4));

  private final String specName;
  private final double bytesPerParameter;

  ModelDtype(String specName, double bytesPerParameter) {
    this.specName = specName;
    this.bytesPerParameter = bytesPerParameter;
  }

  public String specName() {
    return specName;
  }

  public double bytesPerParameter() {
    return bytesPerParameter;
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(ModelDtype::specName).toList();
  }

  public static Optional<ModelDtype> byName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(d -> d.specName.equals(lower)).findFirst();
  }

  /** The weight width a TGI {@code QUANTIZE} value gives, if copyscale knows it. */
  public static Optional<ModelDtype> forTgiQuantize(String quantize) {
    return Optional.ofNullable(TGI_QUANTIZE.get(quantize.toLowerCase(Locale.ROOT)));
  }

  /**
   * The width TGI loads the weights in: its QUANTIZE wins, then DTYPE, then the dtype the model is
   * published in; bfloat16 when none of them is known.
   */
  public static ModelDtype loaded(Map<String, String> env, String published) {
    return Optional.ofNullable(env.get("QUANTIZE"))
        .flatMap(ModelDtype::forTgiQuantize)
        .or(() -> Optional.ofNullable(env.get("DTYPE")).flatMap(ModelDtype::byName))
        .or(() -> byName(published))
        .orElse(BFLOAT16);
  }

  /** Bytes of one KV cache value: TGI keeps it in 16 bits unless KV_CACHE_DTYPE asks for fp8. */
  public static double kvBytesPerValue(Map<String, String> env) {
    return env.getOrDefault("KV_CACHE_DTYPE", "").toLowerCase(Locale.ROOT).startsWith("fp8")
        ? 1
        : 2;
  }

  public static List<String> tgiQuantizeNames() {
    return TGI_QUANTIZE.keySet().stream().sorted().toList();
  }
}
