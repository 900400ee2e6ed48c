package dev.copyscale.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real moto_server (moto's AWS API emulator) on a free loopback port, for tests that call
 * DynamoDB, CloudWatch, Application Auto Scaling and the other APIs moto implements.
 *
 * <p>Starting moto takes a couple of seconds, so most tests use the per-JVM {@link #shared()}
 * instance and give each test its own resource names (or call {@link #reset()}). A test that needs
 * a server of its own uses {@link #start()} with try-with-resources or JUnit's {@code @AutoClose}.
 *
 * <p>moto_server is found with {@link ExternalTools#require}: without it the test is skipped
 * loudly, or fails when {@code REQUIRE_MOTO=1}.
 */
public final class MotoServer implements AutoCloseable {
  public static final String REQUIRE_ENV = "REQUIRE_MOTO";
  private static final Duration START_DEADLINE = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  private static MotoServer shared;
  private static RuntimeException sharedFailure;

  private final Process process;
  private final URI endpoint;
  private final Path log;
  private final boolean isShared;
  private final HttpClient http;

  private MotoServer(Process process, URI endpoint, Path log, boolean isShared, HttpClient http) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
    this.isShared = isShared;
    this.http = http;
  }

  /**
   * The JVM's shared server, started on first use and stopped by a shutdown hook. Its {@link
   * #close()} does nothing, so a test cannot stop it under the others. If it failed to start, every
   * later call fails at once with the same cause instead of waiting again.
   */
  public static synchronized MotoServer shared() {
    Path executable =
        ExternalTools.require(
            "moto_server", REQUIRE_ENV, "the tests against moto's AWS APIs did NOT run");
    if (shared != null) {
      return shared;
    }
    if (sharedFailure != null) {
      throw new IllegalStateException(
          "the shared moto_server failed to start earlier in this JVM", sharedFailure);
    }
    try {
      shared = launch(executable, true);
    } catch (RuntimeException e) {
      sharedFailure = e;
      throw e;
    }
    MotoServer server = shared;
    Runtime.getRuntime()
        .addShutdownHook(new Thread(server::stopAndDeleteLog, "moto_server-shutdown"));
    return server;
  }

  /** A server of the caller's own; {@link #close()} stops it. */
  public static MotoServer start() {
    return launch(
        ExternalTools.require(
            "moto_server", REQUIRE_ENV, "the tests against moto's AWS APIs did NOT run"),
        false);
  }

  /**
   * The base URI for SDK clients' {@code endpointOverride}, e.g. {@code http://127.0.0.1:41234}.
   */
  public URI endpoint() {
    return endpoint;
  }

  /** moto's log (its stdout and stderr), for diagnosing a failing test. */
  public Path log() {
    return log;
  }

  /** Deletes every resource in every service of this server ({@code POST /moto-api/reset}). */
  public void reset() {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "moto reset answered HTTP " + response.statusCode() + ": " + response.body() + logTail());
    }
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops a server from {@link #start()}; does nothing on the {@link #shared()} one. */
  @Override
  public void close() {
    if (!isShared) {
      stopAndDeleteLog();
    }
  }

  private void stop() {
    if (process.isAlive()) {
      ExternalTools.stop(process, STOP_GRACE);
    }
  }

  private void stopAndDeleteLog() {
    stop();
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file; the OS cleans up
    }
  }

  private static MotoServer launch(Path executable, boolean isShared) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Path log;
    try {
      log = Files.createTempFile("moto-server-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create moto_server's log file", e);
    }
    // The free port is found by binding port 0 and releasing it, so another process can take it
    // before moto binds; then moto exits at once and we try again on another port.
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freeLoopbackPort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Process process;
      try {
        process =
            new ProcessBuilder(
                    List.of(executable.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        process.getOutputStream().close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + executable + " (log " + log + ")", e);
      }
      MotoServer server = new MotoServer(process, endpoint, log, isShared, http);
      try {
        server.awaitReady();
        return server;
      } catch (ExitedEarly e) {
        last = e; // most likely the port was taken meanwhile: try another one
      } catch (RuntimeException e) {
        server.stop();
        throw e; // it ran but never answered: another port will not help
      }
    }
    throw last;
  }

  /** Polls {@code GET /moto-api/} until moto answers 200, it exits, or the deadline passes. */
  private void awaitReady() {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    String lastProblem = "no answer yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new ExitedEarly(
            "moto_server exited with "
                + process.exitValue()
                + " before answering on "
                + endpoint
                + logTail());
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        lastProblem = "HTTP " + response.statusCode();
      } catch (IOException e) {
        lastProblem = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for moto_server on " + endpoint, e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for moto_server on " + endpoint, e);
      }
    }
    throw new IllegalStateException(
        "moto_server did not answer GET "
            + endpoint.resolve("/moto-api/")
            + " within "
            + START_DEADLINE
            + " (last: "
            + lastProblem
            + ")"
            + logTail());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(
          request.method() + " " + request.uri() + " failed" + logTail(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
    }
  }

  private String logTail() {
    return "\n--- last lines of " + log + " ---\n" + ExternalTools.tail(log, LOG_TAIL_LINES);
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }

  private static final class ExitedEarly extends IllegalStateException {
    ExitedEarly(String message) {
      super(message);
    }
  }

  @Override
  public String toString() {
    return "MotoServer[" + endpoint + (isShared ? ", shared" : "") + ", log " + log + "]";
  }
}
