package org.switchman.process.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.switchman.audit.Journal;

/**
 * The deployment guard in the application: the beans diagrams may name and the shipped runbooks.
 */
@Configuration(proxyBeanMethods = false)
public class DeploymentGuardConfiguration {

  /** Where the runbooks the application ships are on the classpath; file name = process key. */
  static final String SHIPPED_RUNBOOKS = "classpath*:processes/**/*.bpmn";

  @Bean
  DeploymentGuardPlugin deploymentGuardPlugin(Journal journal, ApplicationContext context) {
    return new DeploymentGuardPlugin(
        journal, DiagramBeans.namesIn(context), shippedRunbooks(context), context);
  }

  static Set<String> shippedRunbooks(ApplicationContext context) {
    try {
      return Arrays.stream(context.getResources(SHIPPED_RUNBOOKS))
          .map(Resource::getFilename)
          .filter(Objects::nonNull)
          .map(name -> name.substring(0, name.length() - ".bpmn".length()))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + SHIPPED_RUNBOOKS, e);
    }
  }
}
