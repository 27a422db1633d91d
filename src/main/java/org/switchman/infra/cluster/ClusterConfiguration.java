package org.switchman.infra.cluster;

import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.switchman.config.ClusterProperties;

/**
 * The nodes sharing one engine database: their registry ({@link JdbcNodeRegistry}) and the lock
 * that serializes their starts ({@link StartLock}), held from the moment the data source exists,
 * before anything creates a table, until the application is ready.
 */
@Configuration(proxyBeanMethods = false)
public class ClusterConfiguration {

  @Bean
  JdbcNodeRegistry nodeRegistry(JdbcTemplate jdbc) {
    return new JdbcNodeRegistry(jdbc);
  }

  /** Static, as a post-processor must be: it exists before the other beans. */
  @Bean
  static StartLockHolder startLockHolder(Environment environment) {
    // bound here, before the properties beans exist, with the same defaults and checks
    ClusterProperties cluster =
        Binder.get(environment)
            .bind("switchman.cluster", ClusterProperties.class)
            .orElseGet(() -> new ClusterProperties(null, null, null));
    return new StartLockHolder(cluster.startLockWait());
  }

  /** Takes the start lock on the first data source built, and gives it back once ready. */
  static final class StartLockHolder
      implements BeanPostProcessor, ApplicationListener<ApplicationReadyEvent>, DisposableBean {

    private final Duration wait;
    private StartLock lock;

    StartLockHolder(Duration wait) {
      this.wait = wait;
    }

    @Override
    public synchronized Object postProcessAfterInitialization(Object bean, String beanName) {
      if (lock == null && bean instanceof DataSource dataSource) {
        lock = StartLock.take(dataSource, wait);
      }
      return bean;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
      release();
    }

    @Override
    public void destroy() {
      release();
    }

    private synchronized void release() {
      if (lock != null) {
        lock.close();
      }
    }
  }
}
