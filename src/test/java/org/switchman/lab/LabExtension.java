package org.switchman.lab;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one lab per test JVM, on the test ports and loopback network ({@link
 * LabConfig#forTests(Path)}), shared by every test class that uses it, and stops it when the JVM's
 * tests are done. If another test JVM holds those ports, it moves to the next free slot. Test
 * methods and constructors can take a {@link Lab} parameter.
 */
public class LabExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LabExtension.class);

  private record Holder(Lab lab) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      lab.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    lab(context);
  }

  /** The shared lab, started on first use. */
  static Lab lab(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            Holder.class,
            k -> new Holder(LabSlots.startForJvm(LabExtension::slot, 10)),
            Holder.class)
        .lab();
  }

  /**
   * Slot 0 is {@link LabConfig#forTests(Path)}; others move to 127.2N and ports + 200 N. Each slot
   * has a directory of its own, since the test JVMs may run their shared labs side by side.
   */
  static LabConfig slot(int n) {
    LabConfig tests = LabConfig.forTests(Path.of("target"));
    return tests.relocated(
        tests.labDir().resolveSibling("lab-it-" + n), "127." + (20 + n), 200 * n);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return lab(context);
  }
}
