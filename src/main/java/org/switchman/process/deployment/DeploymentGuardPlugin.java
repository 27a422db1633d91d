package org.switchman.process.deployment;

import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.context.ApplicationContext;
import org.switchman.audit.Journal;
import org.switchman.process.EngineHooks;

/**
 * Deployments are not code: registers the {@link DeploymentGuard} with the engine and, given the
 * Spring context, lets expressions see only the {@link DiagramBeans} (defence in depth: the guard
 * already refuses diagrams that name other beans; this also covers definitions deployed before it),
 * and before any variable of the same name ({@link DiagramBeansFirstExpressionManager}).
 */
public class DeploymentGuardPlugin extends AbstractProcessEnginePlugin {

  private final DeploymentGuard guard;
  private final ApplicationContext context;
  private final Set<String> diagramBeans;

  /**
   * @param diagramBeans the beans a diagram may name
   * @param shippedRunbooks the process keys of the runbooks the application ships
   * @param context the Spring context whose beans expressions may see, or {@code null} for an
   *     engine without Spring
   */
  public DeploymentGuardPlugin(
      Journal journal,
      Set<String> diagramBeans,
      Set<String> shippedRunbooks,
      ApplicationContext context) {
    this.guard = new DeploymentGuard(diagramBeans, shippedRunbooks, journal);
    this.context = context;
    this.diagramBeans = Set.copyOf(diagramBeans);
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    EngineHooks.addPreDeployer(configuration, guard);
    if (context != null) {
      Map<Object, Object> visible = DiagramBeans.asMap(context, diagramBeans);
      configuration.setBeans(visible);
      configuration.setExpressionManager(new DiagramBeansFirstExpressionManager(context, visible));
    }
  }
}
