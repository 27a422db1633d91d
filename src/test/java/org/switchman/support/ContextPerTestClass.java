package org.switchman.support;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * With the system property {@value #PROPERTY} set to {@code true} (the integration tests set it),
 * closes a test class's application context when the class is done, before the next class starts
 * its own. Spring would otherwise cache every context until the JVM ends: each with its lab's
 * servers running, and each with a process engine named {@code default}, so that closing one later
 * (an eviction from a smaller cache) takes the name from the one still in use.
 */
public class ContextPerTestClass extends AbstractTestExecutionListener {

  public static final String PROPERTY = "switchman.test.context-per-class";

  @Override
  public int getOrder() {
    return LOWEST_PRECEDENCE;
  }

  @Override
  public void afterTestClass(TestContext testContext) {
    if (Boolean.getBoolean(PROPERTY) && testContext.hasApplicationContext()) {
      testContext.markApplicationContextDirty(DirtiesContext.HierarchyMode.EXHAUSTIVE);
    }
  }
}
