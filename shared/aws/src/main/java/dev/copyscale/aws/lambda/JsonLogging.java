package dev.copyscale.aws.lambda;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * copyscale's logging: one JSON object per line (Logback's {@link JsonEncoder}) on stdout, which
 * Lambda sends to the function's log group. Each line carries {@code timestamp} (epoch
 * milliseconds), {@code level}, {@code loggerName}, {@code formattedMessage}, {@code mdc} (the
 * invocation's {@code function_request_id}, {@code function_name} and {@code cold_start}, set by
 * {@link LambdaStreams}, and keys such as {@code deployment}) and, when there is one, {@code
 * throwable} (class, message, stack frames, causes).
 *
 * <p>Configured here, in code, found by Logback through {@link java.util.ServiceLoader}
 * (META-INF/services): no XML file, so no XML parser or Joran configuration model at cold start.
 * copyscale's loggers ({@code dev.copyscale}) log at the first level set of: the {@code
 * copyscale.log.level} system property, {@code AWS_LAMBDA_LOG_LEVEL} (Lambda's advanced logging
 * controls, {@code LoggingConfig.ApplicationLogLevel}), {@code COPYSCALE_LOG_LEVEL}
 * (template.yaml's {@code LogLevel} parameter); INFO by default. Other libraries' loggers (the AWS
 * SDK's) log WARN and above. The system property {@code copyscale.log.stderr=true} sends the lines
 * to stderr (the CLI, whose stdout is its output).
 */
public final class JsonLogging extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithThreadName(false);
    encoder.setWithContext(false);
    encoder.setWithMarkers(false);
    encoder.setWithKVPList(false);
    encoder.setWithArguments(false);
    encoder.setWithMessage(false); // the pattern, "{} refused: {}"
    encoder.setWithFormattedMessage(true); // the text, "alarm event refused: ..."
    encoder.start();

    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("json");
    appender.setEncoder(encoder);
    if (Boolean.getBoolean("copyscale.log.stderr")) {
      appender.setTarget("System.err");
    }
    appender.start();

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(appender);
    context
        .getLogger("dev.copyscale")
        .setLevel(level(System.getProperty("copyscale.log.level"), System.getenv()));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * copyscale's level: {@code property}, else the environment's AWS_LAMBDA_LOG_LEVEL, else
   * COPYSCALE_LOG_LEVEL, else INFO.
   */
  static Level level(String property, Map<String, String> env) {
    String name = property;
    if (name == null || name.isBlank()) {
      name = env.get("AWS_LAMBDA_LOG_LEVEL");
    }
    if (name == null || name.isBlank()) {
      name = env.get("COPYSCALE_LOG_LEVEL");
    }
    if (name == null || name.isBlank()) {
      return Level.INFO;
    }
    name = name.trim().toUpperCase(Locale.ROOT);
    // Lambda's levels include FATAL, which Logback has not: ERROR is the closest.
    return "FATAL".equals(name) ? Level.ERROR : Level.toLevel(name, Level.INFO);
  }
}
