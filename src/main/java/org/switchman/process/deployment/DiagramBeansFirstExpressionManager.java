package org.switchman.process.deployment;

import java.util.Map;
import org.camunda.bpm.engine.impl.el.ReadOnlyMapELResolver;
import org.camunda.bpm.engine.spring.SpringExpressionManager;
import org.camunda.bpm.impl.juel.jakarta.el.CompositeELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.ELResolver;
import org.springframework.context.ApplicationContext;

/**
 * The engine's expressions with the {@link DiagramBeans} resolved before the variables: a name that
 * is one of those beans (a delegate, a listener, {@code runVariables}) is always the bean, even
 * where a variable of that name exists, and the engine does not first look the name up in every
 * scope of the execution (a query for each scope whose variables it has not read yet, once for
 * every step a diagram names by its delegate). Every other name resolves as with {@link
 * SpringExpressionManager}: variables first, then the diagram beans.
 */
final class DiagramBeansFirstExpressionManager extends SpringExpressionManager {

  /**
   * @param beans the beans expressions may name, by name
   */
  DiagramBeansFirstExpressionManager(ApplicationContext context, Map<Object, Object> beans) {
    super(context, beans);
  }

  @Override
  protected ELResolver createElResolver() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new ReadOnlyMapELResolver(beans));
    resolver.add(super.createElResolver());
    return resolver;
  }
}
