package org.switchman.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.infra.Mutations;

/**
 * The setting of the process tests: the real engine, diagrams and delegates, the sites in memory
 * ({@link FakeSite}) and the job executor off, so a test runs each job itself ({@link JobDriver}).
 * Every process test extends it, so they share one application context (Spring caches it by this
 * configuration) instead of starting one each; each test removes the runs it finds and resets the
 * site before it starts.
 */
@ActiveProfiles("lab")
@SpringBootTest(properties = {"camunda.bpm.job-execution.enabled=false"})
@Import(FakeSiteProcessTest.Site.class)
public abstract class FakeSiteProcessTest {

  @org.springframework.beans.factory.annotation.Autowired
  private org.camunda.bpm.engine.HistoryService history;

  /** A variable of a run as the engine's history last saw it, as text; null when it is null. */
  protected String historicVariable(String runId, String name) {
    Object value =
        history
            .createHistoricVariableInstanceQuery()
            .processInstanceId(runId)
            .variableName(name)
            .singleResult()
            .getValue();
    return value == null ? null : value.toString();
  }

  /** The site in memory, as the adapters' beans. */
  @TestConfiguration
  public static class Site {
    @Bean
    FakeSite fakeSite(Mutations mutations) {
      return new FakeSite(mutations);
    }
  }

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    AppTestSupport.demoUsers(registry);
    FakeSite.settings().forEach((k, v) -> registry.add(k, () -> v));
  }
}
