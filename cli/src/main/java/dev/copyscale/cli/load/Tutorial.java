package dev.copyscale.cli.load;

import dev.copyscale.cli.chat.ChatMessage;
import dev.copyscale.cli.chat.ChatTemplate;
import dev.copyscale.cli.chat.TgiRequest;
import java.util.List;

/**
 * What the seed tutorial (AWS's Llama 3 8B Instruct on SageMaker inference components with TGI)
 * sends to trigger scaling, which {@code copyscale load --tutorial} reproduces: the chat rendered
 * with the model's own chat template, then 100 {@code predictor.predict(payload)} calls in a plain
 * loop, one after another (one request in flight, none streamed), each with
 *
 * <pre>{"inputs": prompt, "parameters": {"top_p": 0.6, "temperature": 0.9, "top_k": 50,
 * "max_new_tokens": 50, "repetition_penalty": 1.03, "return_full_text": false}}</pre>
 *
 * <p>No {@code do_sample}: the tutorial does not send it. The prompt is rendered as {@code
 * tokenizer.apply_chat_template(messages, tokenize=False)}, without the generation prompt (the
 * assistant header): the tutorial does not ask for it and transformers' default is False.
 *
 * <p>The chat's exact text could not be found in a public copy of the tutorial. It is the system
 * prompt and question of AWS's closely related Llama 3 8B inference-component sample
 * (aws/amazon-sagemaker-examples, in {@code
 * inference/generativeai/huggingfacetgi/meta-llama/llama3-8b/faster-autoscaling/realtime-endpoints/}:
 * {@code FasterAutoscaling-IC-Llama3-8B-AppAutoScaling.ipynb}), which is also copyscale's default
 * chat; docs/load.md says so.
 */
public final class Tutorial {
  /** The tutorial's loop: {@code for i in range(100)}. */
  public static final int REQUESTS = 100;

  /**
   * One {@code predictor.predict} after another: the next is sent when the previous has answered.
   */
  public static final int CONCURRENCY = 1;

  /** {@code predictor.predict} is InvokeEndpoint, not InvokeEndpointWithResponseStream. */
  public static final boolean STREAM = false;

  /** {@code apply_chat_template(messages, tokenize=False)}: no assistant header at the end. */
  public static final boolean ADD_GENERATION_PROMPT = false;

  public static final String SYSTEM_PROMPT = "You are a helpful assistant.";

  public static final String QUESTION = "What is deep learning?";

  /** The tutorial's parameters, in its order, without do_sample. */
  public static final TgiRequest.Parameters PARAMETERS =
      new TgiRequest.Parameters(null, 0.6, 0.9, 50, 50, 1.03, false);

  private Tutorial() {}

  /** The chat (see the class comment for where its text comes from). */
  public static List<ChatMessage> messages() {
    return List.of(ChatMessage.system(SYSTEM_PROMPT), ChatMessage.user(QUESTION));
  }

  /**
   * The prompt string {@code template} renders for the tutorial's chat, as the tutorial renders it.
   */
  public static String prompt(ChatTemplate template) {
    return template.render(messages(), ADD_GENERATION_PROMPT);
  }

  /** The body of every request the tutorial sends. */
  public static String body(ChatTemplate template) {
    return TgiRequest.of(prompt(template), PARAMETERS).withStream(STREAM).toJson();
  }

  /** The whole run: 100 identical bodies, closed loop of one, no time bound. */
  public static LoadDriver.Plan plan(ChatTemplate template) {
    String body = body(template);
    return new LoadDriver.Plan(
        new LoadDriver.Closed(CONCURRENCY), REQUESTS, null, STREAM, i -> body);
  }
}
