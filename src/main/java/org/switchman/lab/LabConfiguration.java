package org.switchman.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.switchman.config.LabProfile;

/**
 * The {@code lab} profile: starts the lab with the application and stops it on shutdown, and
 * secures the fault API under {@code /lab/api/**} for engine administrators (group {@code
 * camunda-admin}, HTTP Basic).
 *
 * <p>The lab starts as soon as the bean factory is ready, in parallel with the process engine.
 * Beans that read the lab ({@link LabAdapterSettings}) wait for its start, and the context does not
 * finish starting (no web requests, no jobs) until every lab server is ready; both waits are
 * bounded by {@code switchman.lab.start-timeout} (3 minutes). A lab that fails to start fails the
 * application with the lab's own error, which ends with the last lines of the failing server's log
 * ({@link LabFailureAnalyzer}).
 *
 * <p>Settings: {@code switchman.lab.fleet-size} (0 = default demo fleet, 1000 for benchmarks),
 * {@code switchman.lab.discovery-ttl} (30s; 300s is prod-like), {@code switchman.lab.sections},
 * {@code switchman.lab.start-timeout} (3m), and, to run next to another lab, {@code
 * switchman.lab.dir}, {@code switchman.lab.loopback-network} and {@code switchman.lab.port-offset}.
 * With {@code switchman.lab.servers=false} no server starts: the profile then gives only its demo
 * users and its own engine database.
 */
@Configuration(proxyBeanMethods = false)
@Profile("lab")
@ConditionalOnProperty(name = LabProfile.SERVERS, havingValue = "true", matchIfMissing = true)
public class LabConfiguration {

  static final String LAB_BEAN = "lab";

  /** Creates the lab bean and starts the lab in the background, before other beans exist. */
  @Bean
  static BeanFactoryPostProcessor labStarter() {
    return new LabStarter();
  }

  /** Holds the context's start until the lab is ready (first lifecycle phase). */
  @Bean
  SmartLifecycle labReadiness(Lab lab) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        lab.awaitStarted(lab.startTimeout());
        running = true;
      }

      @Override
      public void stop() {
        running = false;
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public int getPhase() {
        return Integer.MIN_VALUE;
      }
    };
  }

  @Bean
  @Order(0)
  SecurityFilterChain labApiSecurity(HttpSecurity http, AuthenticationProvider engineUsers)
      throws Exception {
    return http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/lab/api/**"))
        .authenticationProvider(engineUsers)
        .authorizeHttpRequests(
            requests -> requests.anyRequest().hasAuthority("GROUP_camunda-admin"))
        .httpBasic(Customizer.withDefaults())
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        // HTTP Basic only, no cookies: nothing for CSRF to ride on
        .csrf(csrf -> csrf.disable())
        .build();
  }

  /** The lab configuration from {@code switchman.*} settings. */
  static LabConfig labConfig(Binder binder) {
    Path dataDir = binder.bind("switchman.data-dir", Path.class).orElse(Path.of("data"));
    LabConfig config =
        LabConfig.demo(dataDir)
            .withFleetSize(binder.bind("switchman.lab.fleet-size", Integer.class).orElse(0))
            .withDiscoveryTtl(
                binder
                    .bind("switchman.lab.discovery-ttl", Duration.class)
                    .orElse(Duration.ofSeconds(30)));
    List<String> sections =
        binder.bind("switchman.lab.sections", Bindable.listOf(String.class)).orElse(List.of());
    if (!sections.isEmpty()) {
      config = config.withSections(sections);
    }
    String dir = binder.bind("switchman.lab.dir", String.class).orElse("");
    String network = binder.bind("switchman.lab.loopback-network", String.class).orElse("");
    int portOffset = binder.bind("switchman.lab.port-offset", Integer.class).orElse(0);
    if (!dir.isBlank() || !network.isBlank() || portOffset != 0) {
      config =
          config.relocated(
              dir.isBlank() ? config.labDir() : Path.of(dir),
              network.isBlank() ? config.loopbackNetwork() : network,
              portOffset);
    }
    return config;
  }

  private static final class LabStarter implements BeanFactoryPostProcessor, EnvironmentAware {
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
      this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
      Binder binder = Binder.get(environment);
      // the context stops the lab last, after its job executor has let running steps finish
      Lab lab =
          new Lab(
                  labConfig(binder),
                  binder
                      .bind("switchman.lab.start-timeout", Duration.class)
                      .orElse(Lab.DEFAULT_START_TIMEOUT))
              .stoppedByOwner();
      lab.startInBackground();
      beanFactory.registerSingleton(LAB_BEAN, lab);
      if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
        registry.registerDisposableBean(LAB_BEAN, lab::close);
      }
    }
  }
}
