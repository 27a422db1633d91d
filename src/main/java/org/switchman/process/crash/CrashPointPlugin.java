package org.switchman.process.crash;

import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.switchman.crash.CrashPoint;
import org.switchman.process.EngineHooks;

/**
 * For crash tests only: tells the {@link CrashPoint} when a service task's delegate has returned,
 * before the engine commits the step ({@code <step>:STEP_END}). Exists only while the crash point
 * is set.
 */
@Component
@ConditionalOnProperty(name = CrashPoint.PROPERTY)
public class CrashPointPlugin extends AbstractProcessEnginePlugin {

  private final CrashPoint crashPoint;

  public CrashPointPlugin(CrashPoint crashPoint) {
    this.crashPoint = crashPoint;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    EngineHooks.addPostParseListener(
        configuration,
        new AbstractBpmnParseListener() {
          @Override
          public void parseServiceTask(Element element, ScopeImpl scope, ActivityImpl activity) {
            String step = activity.getId();
            activity.addBuiltInListener(
                ExecutionListener.EVENTNAME_END,
                (ExecutionListener) execution -> crashPoint.stepEnded(step));
          }
        });
  }
}
