package org.switchman.support;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Settings of a {@code @ConfigurationProperties} record bound from their property names, as the
 * application binds them, for tests that need one with a few settings given and the rest at their
 * defaults. A list is given comma-separated.
 */
public final class BoundSettings {

  private BoundSettings() {}

  /**
   * @param prefix the record's prefix, e.g. {@code switchman.switchover}
   * @param settings the settings by their names under the prefix, e.g. {@code command-timeout}
   */
  public static <T> T bound(String prefix, Class<T> type, Map<String, String> settings) {
    Map<String, String> named = new HashMap<>();
    settings.forEach((name, value) -> named.put(prefix + "." + name, value));
    return new Binder(new MapConfigurationPropertySource(named)).bindOrCreate(prefix, type);
  }
}
