package org.switchman.process.rest;

import java.util.HashSet;
import java.util.Set;
import org.camunda.bpm.engine.rest.exception.ProcessEngineExceptionHandler;
import org.camunda.bpm.engine.rest.exception.RestExceptionHandler;
import org.camunda.bpm.engine.rest.impl.CamundaRestResources;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.camunda.bpm.spring.boot.starter.rest.CamundaJerseyResourceConfig;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The engine REST API at {@code /engine-rest}: HTTP Basic authentication against the engine's
 * identities (so engine authorizations apply to every call), and four-eyes refusals as 403. A task
 * completion that lost the race answers 409 here and on the webapps' own API alike, and an engine
 * database that did not answer 503, wherever the request was.
 */
@Configuration(proxyBeanMethods = false)
public class RestConfiguration {

  @Bean
  FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
        new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
    registration.setName("engine-rest-authentication");
    registration.addInitParameter(
        ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM,
        HttpBasicAuthenticationProvider.class.getName());
    registration.addUrlPatterns("/engine-rest/*");
    registration.setOrder(0);
    return registration;
  }

  /** Before every other filter, so that it also sees a failure of the authentication filters. */
  @Bean
  FilterRegistrationBean<EngineDatabaseOutageFilter> engineDatabaseOutages() {
    FilterRegistrationBean<EngineDatabaseOutageFilter> registration =
        new FilterRegistrationBean<>(new EngineDatabaseOutageFilter());
    registration.setName("engine-database-outages");
    registration.addUrlPatterns("/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<WebappLateCompletionFilter> webappLateCompletions() {
    FilterRegistrationBean<WebappLateCompletionFilter> registration =
        new FilterRegistrationBean<>(new WebappLateCompletionFilter());
    registration.setName("webapp-late-completions");
    registration.addUrlPatterns("/camunda/api/engine/*");
    return registration;
  }

  @Bean
  CamundaJerseyResourceConfig switchmanJerseyResourceConfig() {
    return new CamundaJerseyResourceConfig() {
      @Override
      protected void registerCamundaRestResources() {
        registerClasses(CamundaRestResources.getResourceClasses());
        Set<Class<?>> configuration = new HashSet<>(CamundaRestResources.getConfigurationClasses());
        configuration.remove(RestExceptionHandler.class);
        configuration.remove(ProcessEngineExceptionHandler.class);
        configuration.remove(org.camunda.bpm.engine.rest.exception.ExceptionHandler.class);
        registerClasses(configuration);
        register(RefusalAwareExceptionMappers.ForRestException.class);
        register(RefusalAwareExceptionMappers.ForProcessEngineException.class);
        register(RefusalAwareExceptionMappers.ForOtherException.class);
        register(JacksonFeature.class);
      }
    };
  }
}
