package dev.copyscale.cli.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.copyscale.json.Json;
import java.util.Objects;

/**
 * The body of a Text Generation Inference (TGI) request to {@code InvokeEndpoint}: a prompt and
 * TGI's generation parameters. With {@link Parameters#defaults() copyscale's load defaults}:
 *
 * <pre>{"inputs": prompt, "parameters": {"do_sample": true, "top_p": 0.9, "temperature": 0.6,
 * "top_k": 50, "max_new_tokens": 50, "repetition_penalty": 1.03, "return_full_text": false}}</pre>
 *
 * <p>These are not the seed tutorial's parameters: it sends {@code top_p 0.6, temperature 0.9} and
 * no {@code do_sample} ({@code dev.copyscale.cli.load.Tutorial} holds what it sends). {@code
 * stream} is written only when true ({@code "stream": true} asks TGI for server-sent events, for
 * {@code InvokeEndpointWithResponseStream}), and {@code do_sample} only when set.
 */
@JsonPropertyOrder({"inputs", "parameters", "stream"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TgiRequest(
    @JsonProperty("inputs") String inputs,
    @JsonProperty("parameters") Parameters parameters,
    @JsonProperty("stream") Boolean stream) {

  public TgiRequest {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(parameters, "parameters");
    if (stream != null && !stream) {
      stream = null;
    }
  }

  /** A request with copyscale's load defaults. */
  public static TgiRequest of(String prompt) {
    return new TgiRequest(prompt, Parameters.defaults(), null);
  }

  public static TgiRequest of(String prompt, Parameters parameters) {
    return new TgiRequest(prompt, parameters, null);
  }

  /** The same request asking for a token stream ({@code "stream": true}) or not. */
  public TgiRequest withStream(boolean streaming) {
    return new TgiRequest(inputs, parameters, streaming ? Boolean.TRUE : null);
  }

  /** The compact JSON body: inputs, parameters (in the order the tutorial writes them), stream. */
  public String toJson() {
    return Json.compact(this);
  }

  /**
   * TGI's generation parameters, validated as TGI's router validates them ({@code
   * router/src/validation.rs}): temperature and repetition_penalty strictly positive, top_p in (0,
   * 1) exclusive of 1.0, top_k and max_new_tokens at least 1. Errors name the parameter. {@code
   * doSample} null leaves {@code do_sample} out of the body, as the tutorial does (TGI then samples
   * anyway, because temperature, top_p and top_k are set).
   */
  @JsonPropertyOrder({
    "do_sample",
    "top_p",
    "temperature",
    "top_k",
    "max_new_tokens",
    "repetition_penalty",
    "return_full_text"
  })
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Parameters(
      @JsonProperty("do_sample") Boolean doSample,
      @JsonProperty("top_p") double topP,
      @JsonProperty("temperature") double temperature,
      @JsonProperty("top_k") int topK,
      @JsonProperty("max_new_tokens") int maxNewTokens,
      @JsonProperty("repetition_penalty") double repetitionPenalty,
      @JsonProperty("return_full_text") boolean returnFullText) {

    public static final boolean DEFAULT_DO_SAMPLE = true;
    public static final double DEFAULT_TOP_P = 0.9;
    public static final double DEFAULT_TEMPERATURE = 0.6;
    public static final int DEFAULT_TOP_K = 50;
    public static final int DEFAULT_MAX_NEW_TOKENS = 50;
    public static final double DEFAULT_REPETITION_PENALTY = 1.03;
    public static final boolean DEFAULT_RETURN_FULL_TEXT = false;

    public Parameters {
      if (!Double.isFinite(topP) || topP <= 0.0 || topP >= 1.0) {
        throw new IllegalArgumentException(
            "top_p must be > 0.0 and < 1.0 (TGI rejects 1.0), was " + topP);
      }
      if (!Double.isFinite(temperature) || temperature <= 0.0) {
        throw new IllegalArgumentException(
            "temperature must be strictly positive, was " + temperature);
      }
      if (topK <= 0) {
        throw new IllegalArgumentException("top_k must be strictly positive, was " + topK);
      }
      if (maxNewTokens < 1) {
        throw new IllegalArgumentException(
            "max_new_tokens must be at least 1, was " + maxNewTokens);
      }
      if (!Double.isFinite(repetitionPenalty) || repetitionPenalty <= 0.0) {
        throw new IllegalArgumentException(
            "repetition_penalty must be strictly positive, was " + repetitionPenalty);
      }
    }

    /**
     * copyscale's load defaults: the sampling Meta's Llama 3 Instruct {@code
     * generation_config.json} sets (do_sample, temperature 0.6, top_p 0.9) with the tutorial's
     * top_k 50, max_new_tokens 50, repetition_penalty 1.03 and return_full_text false. Not the
     * tutorial's: it sends top_p 0.6, temperature 0.9 and no do_sample.
     */
    public static Parameters defaults() {
      return new Parameters(
          DEFAULT_DO_SAMPLE,
          DEFAULT_TOP_P,
          DEFAULT_TEMPERATURE,
          DEFAULT_TOP_K,
          DEFAULT_MAX_NEW_TOKENS,
          DEFAULT_REPETITION_PENALTY,
          DEFAULT_RETURN_FULL_TEXT);
    }

    /**
     * {@code do_sample} written as {@code value}; see {@link #withoutDoSample()} to leave it out.
     */
    public Parameters withDoSample(boolean value) {
      return new Parameters(
          value, topP, temperature, topK, maxNewTokens, repetitionPenalty, returnFullText);
    }

    /** No {@code do_sample} in the body: TGI's default decides. */
    public Parameters withoutDoSample() {
      return new Parameters(
          null, topP, temperature, topK, maxNewTokens, repetitionPenalty, returnFullText);
    }

    public Parameters withTopP(double value) {
      return new Parameters(
          doSample, value, temperature, topK, maxNewTokens, repetitionPenalty, returnFullText);
    }

    public Parameters withTemperature(double value) {
      return new Parameters(
          doSample, topP, value, topK, maxNewTokens, repetitionPenalty, returnFullText);
    }

    public Parameters withTopK(int value) {
      return new Parameters(
          doSample, topP, temperature, value, maxNewTokens, repetitionPenalty, returnFullText);
    }

    public Parameters withMaxNewTokens(int value) {
      return new Parameters(
          doSample, topP, temperature, topK, value, repetitionPenalty, returnFullText);
    }

    public Parameters withRepetitionPenalty(double value) {
      return new Parameters(doSample, topP, temperature, topK, maxNewTokens, value, returnFullText);
    }

    public Parameters withReturnFullText(boolean value) {
      return new Parameters(
          doSample, topP, temperature, topK, maxNewTokens, repetitionPenalty, value);
    }
  }
}
