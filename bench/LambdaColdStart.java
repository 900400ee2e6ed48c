import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One cold start of a Lambda handler, as the Java runtime does it: load the class, run its public
 * no-argument constructor (clients built from the environment), handle one event. Prints the
 * milliseconds from JVM start to the first response, the processor time spent by then, and the
 * response on one line. Run by bench/cold-start.sh, once per fresh JVM; a handler that throws ends
 * the run with no time.
 */
public class LambdaColdStart {
  public static void main(String[] args) throws Exception {
    Class<?> type = Class.forName(args[0]);
    RequestStreamHandler handler = (RequestStreamHandler) type.getConstructor().newInstance();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(Path.of(args[1]))), out, new BenchContext());
    long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    // The processor time the JVM spent to get there (all its threads: the JIT and GC too); steadier
    // than the wall time on a machine that other work shares.
    long cpuMs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    System.out.println("COLDSTART_MS " + ms);
    System.out.println("CPU_MS " + cpuMs);
    // The answer on one line, so the script can show that each function really answered the event.
    System.out.println("RESPONSE " + out.toString(java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " "));
  }

  static final class BenchContext implements Context {
    public String getAwsRequestId() { return "bench"; }
    public String getLogGroupName() { return "bench"; }
    public String getLogStreamName() { return "bench"; }
    public String getFunctionName() { return "copyscale-bench"; }
    public String getFunctionVersion() { return "1"; }
    public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:copyscale-bench"; }
    public CognitoIdentity getIdentity() { return null; }
    public ClientContext getClientContext() { return null; }
    public int getRemainingTimeInMillis() { return 900_000; }
    public int getMemoryLimitInMB() { return 1024; }
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        public void log(String message) { System.err.print(message); }
        public void log(byte[] message) { System.err.print(new String(message)); }
      };
    }
  }
}
