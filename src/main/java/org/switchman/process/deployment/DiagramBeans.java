package org.switchman.process.deployment;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The Spring beans a diagram may name: Switchman's own delegates and listeners (beans under {@code
 * org.switchman.process} whose names end in {@code Delegate} or {@code Listener}, such as {@code
 * lockDownSectionDelegate}) and the expression helper {@value #RUN_VARIABLES}. No other bean (the
 * mutation choke point, the journal, the runbook locks, which the engine takes and releases for
 * every run, the administrator's credentials, the engine's services) is visible to expressions.
 */
public final class DiagramBeans {

  static final String RUN_VARIABLES = "runVariables";
  private static final Set<String> HELPERS = Set.of(RUN_VARIABLES);
  private static final String PACKAGE = "org.switchman.process";

  private DiagramBeans() {}

  /** Whether a bean of this name and type may be named in a diagram. */
  public static boolean mayBeNamed(String name, Class<?> type) {
    if (type == null
        || !(type.getPackageName().equals(PACKAGE)
            || type.getPackageName().startsWith(PACKAGE + "."))) {
      return false;
    }
    return HELPERS.contains(name) || name.endsWith("Delegate") || name.endsWith("Listener");
  }

  /** The names of the beans of this factory that diagrams may name, without creating any bean. */
  public static Set<String> namesIn(ListableBeanFactory beans) {
    return java.util.Arrays.stream(beans.getBeanDefinitionNames())
        .filter(name -> mayBeNamed(name, beans.getType(name, false)))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The beans as a read-only map for the engine's expression resolver ({@code
   * ProcessEngineConfigurationImpl.setBeans}): only the named beans resolve, each fetched from the
   * factory when an expression first needs it.
   */
  static Map<Object, Object> asMap(ListableBeanFactory beans, Set<String> names) {
    return new AbstractMap<>() {
      @Override
      public boolean containsKey(Object key) {
        return names.contains(key);
      }

      @Override
      public Object get(Object key) {
        return names.contains(key) ? beans.getBean((String) key) : null;
      }

      @Override
      public Set<Entry<Object, Object>> entrySet() {
        return names.stream()
            .map(name -> Map.entry((Object) name, beans.getBean(name)))
            .collect(Collectors.toSet());
      }
    };
  }
}
