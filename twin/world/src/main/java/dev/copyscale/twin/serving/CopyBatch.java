package dev.copyscale.twin.serving;

/**
 * The admission rule of one TGI copy: a request joins the running batch only while the batch's
 * tokens (prompt + output of every request in it) stay within {@code MAX_BATCH_TOTAL_TOKENS} and
 * the batch stays within the measured concurrency; a request longer than {@code MAX_TOTAL_TOKENS}
 * is refused outright (TGI answers 422). Continuous batching: requests leave as they finish.
 */
public final class CopyBatch {
  private final int maxBatchTotalTokens;
  private final int maxTotalTokens;
  private final int maxConcurrency;
  private int requests;
  private long tokens;

  public CopyBatch(int maxBatchTotalTokens, int maxTotalTokens, int maxConcurrency) {
    this.maxBatchTotalTokens = maxBatchTotalTokens;
    this.maxTotalTokens = maxTotalTokens;
    this.maxConcurrency = maxConcurrency;
  }

  /**
   * Whether TGI refuses the request whatever the load (prompt plus output beyond MAX_TOTAL_TOKENS).
   */
  public boolean refuses(int promptTokens, int outputTokens) {
    return promptTokens + outputTokens > maxTotalTokens;
  }

  /**
   * Admits the request if the batch has room; returns the batch's size with it, or 0 if it must
   * wait.
   */
  public int admit(int promptTokens, int outputTokens) {
    int size = promptTokens + outputTokens;
    if (requests > 0 && (requests >= maxConcurrency || tokens + size > maxBatchTotalTokens)) {
      return 0;
    }
    requests++;
    tokens += size;
    return requests;
  }

  public void finish(int promptTokens, int outputTokens) {
    requests--;
    tokens -= promptTokens + outputTokens;
  }

  public int requests() {
    return requests;
  }
}
