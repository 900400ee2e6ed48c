package dev.copyscale.cli.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.copyscale.json.Json;
import java.util.Objects;

/**
 * The body of a Text Generation Inference (TGI) request, as the AWS "Llama 3 8B Instruct on
 * SageMaker inference components" tutorial sends it to {@code InvokeEndpoint}:
 *
 * <pre>{"inputs": prompt, "parameters": {"do_sample": true, "top_p": 0.9, "temperature": 0.6,
 * "top_k": 50, "max_new_tokens": 50, "repetition_penalty": 1.03, "return_full_text": false}}</pre>
 *
 * <p>{@code stream} is written only when true ({@code "stream": true} asks TGI for server-sent
 * events, for {@code InvokeEndpointWithResponseStream}), so the default body is exactly the
 * tutorial's.
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

  /** A request with the tutorial's parameters. */
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

  /** The compact JSON body, keys in the tutorial's order. */
  public String toJson() {
    return Json.compact(this);
  }

  /**
   * TGI's generation parameters, validated as TGI's router validates them ({@code
   * router/src/validation.rs}): temperature and repetition_penalty strictly positive, top_p in
   * (0, 1) exclusive of 1.0, top_k and max_new_tokens at least 1. Errors name the parameter.
   */
  @JsonPropertyOrder({"do_sample", "top_p", "temperature", "top_k", "max_new_tokens", "repetition_penalty",
      "return_full_text"})
  public record Parameters(
      @JsonProperty("do_sample") boolean doSample,
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
        throw new IllegalArgumentException("temperature must be strictly positive, was " + temperature);
      }
      if (topK <= 0) {
        throw new IllegalArgumentException("top_k must be strictly positive, was " + topK);
      }
      if (maxNewTokens < 1) {
        throw new IllegalArgumentException("max_new_tokens must be at least 1, was " + maxNewTokens);
      }
      if (!Double.isFinite(repetitionPenalty) || repetitionPenalty <= 0.0) {
        throw new IllegalArgumentException("repetition_penalty must be strictly positive, was " + repetitionPenalty);
      }
    }

    /** The tutorial's parameters. */
    public static Parameters defaults() {
      return new Parameters(DEFAULT_DO_SAMPLE, DEFAULT_TOP_P, DEFAULT_TEMPERATURE, DEFAULT_TOP_K,
          DEFAULT_MAX_NEW_TOKENS, DEFAULT_REPETITION_PENALTY, DEFAULT_RETURN_FULL_TEXT);
    }

    public Parameters withDoSample(boolean value) {
      return new Parameters(value, topP, temperature, topK, maxNewTokens, repetitionPenalty, returnFullText);
    }

    public Parameters withTopP(double value) {
      return new Parameters(doSample, value, temperature, topK, maxNewTokens, repetitionPenalty, returnFullText);
    }

    public Parameters withTemperature(double value) {
      return new Parameters(doSample, topP, value, topK, maxNewTokens, repetitionPenalty, returnFullText);
    }

    public Parameters withTopK(int value) {
      return new Parameters(doSample, topP, temperature, value, maxNewTokens, repetitionPenalty, returnFullText);
    }

    public Parameters withMaxNewTokens(int value) {
      return new Parameters(doSample, topP, temperature, topK, value, repetitionPenalty, returnFullText);
    }

    public Parameters withRepetitionPenalty(double value) {
      return new Parameters(doSample, topP, temperature, topK, maxNewTokens, value, returnFullText);
    }

    public Parameters withReturnFullText(boolean value) {
      return new Parameters(doSample, topP, temperature, topK, maxNewTokens, repetitionPenalty, value);
    }
  }
}
