package dev.copyscale.aws.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.store.InMemoryStateStore;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.DeployConfig;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Each function's jar holds only the SDK services its handler calls (the step-scaling and
 * scheduled-scaling functions have no Secrets Manager or Scheduler, the deploy function no
 * EventBridge). Their services must then be put together, as the handlers' constructors do, without
 * touching a missing service: here with those services' classes hidden from a fresh class loader.
 */
class ClientsWithoutServicesTest {
  private static final List<String> HIDDEN =
      List.of(
          "software.amazon.awssdk.services.secretsmanager.",
          "software.amazon.awssdk.services.scheduler.",
          "software.amazon.awssdk.services.eventbridge.");

  @Test
  void theServicesAreBuiltWithoutTheSdkModulesAJarLeavesOut() throws Exception {
    assertThat(inJarWithoutThem(BuildEveryService.class)).isEqualTo("built");
  }

  @Test
  void onlyAskingForAMissingServiceFailsAndItNamesTheClass() {
    assertThatThrownBy(() -> inJarWithoutThem(AskForSecretsManager.class))
        .isInstanceOf(NoClassDefFoundError.class)
        .hasMessageContaining("secretsmanager");
  }

  @Test
  void theServiceClassesAreReallyHidden() throws Exception {
    try (URLClassLoader jar = new HidingLoader()) {
      assertThatThrownBy(
              () ->
                  Class.forName(
                      "software.amazon.awssdk.services.scheduler.SchedulerClient", false, jar))
          .isInstanceOf(ClassNotFoundException.class);
      assertThat(Class.forName(Clients.class.getName(), false, jar).getClassLoader()).isSameAs(jar);
    }
  }

  /**
   * Runs {@code task} loaded by the hiding loader; a Callable, so no reflection looks at Clients'
   * signatures.
   */
  private static Object inJarWithoutThem(Class<? extends Callable<Object>> task) throws Exception {
    try (URLClassLoader jar = new HidingLoader()) {
      return ((Callable<?>)
              Class.forName(task.getName(), true, jar).getDeclaredConstructor().newInstance())
          .call();
    }
  }

  /** What the handlers' constructors do: real clients, then the three functions' services. */
  public static final class BuildEveryService implements Callable<Object> {
    @Override
    public Object call() {
      Services services =
          new Services(
              Clients.real(),
              new InMemoryStateStore(),
              Clock.systemUTC(),
              Pause.SLEEP,
              new DeployConfig(
                  "stack", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
              Duration.ofDays(30));
      services.deploy();
      services.alarms();
      services.schedules();
      return "built";
    }
  }

  public static final class AskForSecretsManager implements Callable<Object> {
    @Override
    public Object call() {
      return Clients.real().secrets();
    }
  }

  /**
   * This module's test classpath, loaded afresh (not delegated to the test's loader), less the
   * hidden services.
   */
  private static final class HidingLoader extends URLClassLoader {
    HidingLoader() {
      super(classpath(), ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (HIDDEN.stream().anyMatch(name::startsWith)) {
        throw new ClassNotFoundException(name + " (hidden: not in this function's jar)");
      }
      return super.loadClass(name, resolve);
    }

    private static URL[] classpath() {
      return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
          .map(
              p -> {
                try {
                  return new File(p).toURI().toURL();
                } catch (MalformedURLException e) {
                  throw new IllegalStateException(e);
                }
              })
          .toArray(URL[]::new);
    }
  }
}
