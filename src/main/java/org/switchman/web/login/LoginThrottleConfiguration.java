package org.switchman.web.login;

import java.time.Clock;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.switchman.audit.OpsLog;
import org.switchman.config.LoginThrottleProperties;

/**
 * The login throttle ({@code switchman.login-throttle.*}) as a servlet filter in front of Spring
 * Security, the engine REST API's authentication and the webapps.
 */
@Configuration(proxyBeanMethods = false)
public class LoginThrottleConfiguration {

  @Bean
  LoginThrottle loginThrottle(LoginThrottleProperties settings, OpsLog opsLog) {
    return new LoginThrottle(settings.maxFailures(), settings.window(), Clock.systemUTC(), opsLog);
  }

  @Bean
  FilterRegistrationBean<LoginThrottleFilter> loginThrottleFilter(LoginThrottle throttle) {
    FilterRegistrationBean<LoginThrottleFilter> registration =
        new FilterRegistrationBean<>(new LoginThrottleFilter(throttle));
    registration.setName("login-throttle");
    registration.addUrlPatterns("/*");
    // after the forwarded-header handling, before Spring Security (and the engine's REST filter)
    registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER - 10);
    return registration;
  }
}
