package org.switchman;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The cycle and lab rules of {@link ArchitectureTest} once more, over every class a compiled class
 * names. javac copies a compile-time constant ({@code static final String GROUP = "…"}) into the
 * class that uses it, so ArchUnit sees no dependency there; javac still records the constant's
 * class in the user's constant pool, and {@code jdeps} reports it. Group names used across layers
 * made such a hidden cycle once.
 */
class CompiledDependenciesTest {

  private static final String PRODUCT = "org.switchman";
  private static final String FIXTURES = "org.switchman.archfixture";

  @Test
  void theProductsLayersAndThePackagesInsideThemAreFreeOfCycles() {
    Map<String, Set<String>> references = references(classes(SwitchmanApplication.class), PRODUCT);

    assertThat(cycles(references, PRODUCT, CompiledDependenciesTest::layer)).isEmpty();
    assertThat(cycles(references, PRODUCT, CompiledDependenciesTest::packageInsideALayer))
        .isEmpty();
    assertThat(labUsers(references, PRODUCT)).isEmpty();
  }

  @Test
  void theChecksReportTheFixturesCyclesIncludingOneOfConstantsOnly() {
    Map<String, Set<String>> references =
        references(
            classes(CompiledDependenciesTest.class).resolve(FIXTURES.replace('.', '/')), FIXTURES);

    assertThat(cycles(references, FIXTURES, CompiledDependenciesTest::layer))
        .containsExactly(
            "alpha -> beta (" + FIXTURES + ".alpha.Alpha -> " + FIXTURES + ".beta.Beta)",
            "beta -> alpha (" + FIXTURES + ".beta.Beta -> " + FIXTURES + ".alpha.Alpha)");
    assertThat(cycles(references, FIXTURES, CompiledDependenciesTest::packageInsideALayer))
        .containsExactly(
            "gamma.one -> gamma.two ("
                + FIXTURES
                + ".gamma.one.One -> "
                + FIXTURES
                + ".gamma.two.Two)",
            "gamma.two -> gamma.one ("
                + FIXTURES
                + ".gamma.two.Two -> "
                + FIXTURES
                + ".gamma.one.One)",
            "inlined.left -> inlined.right ("
                + FIXTURES
                + ".inlined.left.Left -> "
                + FIXTURES
                + ".inlined.right.Right)",
            "inlined.right -> inlined.left ("
                + FIXTURES
                + ".inlined.right.Right -> "
                + FIXTURES
                + ".inlined.left.Left)");
    assertThat(labUsers(references, FIXTURES))
        .containsExactly(FIXTURES + ".product.UsesTheLab -> " + FIXTURES + ".lab.FixtureLab");
  }

  @Test
  void archUnitAloneMissesTheCycleOfConstants() {
    var archUnit =
        ArchitectureTest.packagesInsideALayerFreeOfCycles(FIXTURES)
            .evaluate(new ClassFileImporter().importPackages(FIXTURES));

    assertThat(archUnit.getFailureReport().toString())
        .contains("gamma.one")
        .doesNotContain("inlined");
  }

  /**
   * Each class under {@code root} compiled at {@code path}, with the classes under root it names.
   */
  static Map<String, Set<String>> references(Path path, String root) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "-verbose:class",
            "-filter:none",
            "-e",
            Pattern.quote(root + ".") + ".*",
            path.toString());
    assertThat(exit).as("jdeps: " + err).isZero();
    Pattern line = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");
    Map<String, Set<String>> references = new TreeMap<>();
    for (String text : out.toString().split("\n")) {
      Matcher m = line.matcher(text);
      if (m.find() && m.group(1).startsWith(root + ".")) {
        references.computeIfAbsent(m.group(1), c -> new TreeSet<>()).add(m.group(2));
      }
    }
    return references;
  }

  /**
   * Every dependency between two slices that lies on a cycle, as {@code "a -> b (Class -> Class)"}.
   * {@code slice} maps a class's package below {@code root} to its slice, or null for none.
   */
  static Set<String> cycles(
      Map<String, Set<String>> references, String root, Function<String[], String> slice) {
    Map<String, Set<String>> graph = new TreeMap<>();
    Map<String, String> evidence = new TreeMap<>();
    references.forEach(
        (from, targets) ->
            targets.forEach(
                to -> {
                  String a = slice.apply(packageBelowRoot(root, from));
                  String b = slice.apply(packageBelowRoot(root, to));
                  if (a != null && b != null && !a.equals(b)) {
                    graph.computeIfAbsent(a, k -> new TreeSet<>()).add(b);
                    evidence.putIfAbsent(a + " -> " + b, from + " -> " + to);
                  }
                }));
    Set<String> onCycles = new TreeSet<>();
    graph.forEach(
        (a, targets) ->
            targets.forEach(
                b -> {
                  if (reaches(graph, b, a)) {
                    onCycles.add(a + " -> " + b + " (" + evidence.get(a + " -> " + b) + ")");
                  }
                }));
    return onCycles;
  }

  /** Each class outside {@code root.lab} that names a class inside it. */
  static Set<String> labUsers(Map<String, Set<String>> references, String root) {
    String lab = root + ".lab.";
    Set<String> users = new TreeSet<>();
    references.forEach(
        (from, targets) ->
            targets.stream()
                .filter(to -> to.startsWith(lab) && !from.startsWith(lab))
                .forEach(to -> users.add(from + " -> " + to)));
    return users;
  }

  /** {@code org.switchman.process.gates}: the top package below the root ({@code process}). */
  static String layer(String[] packageBelowRoot) {
    return packageBelowRoot.length >= 1 ? packageBelowRoot[0] : null;
  }

  /**
   * {@code org.switchman.process.gates.x}: the package one level inside a layer ({@code
   * process.gates}).
   */
  static String packageInsideALayer(String[] packageBelowRoot) {
    return packageBelowRoot.length >= 2 ? packageBelowRoot[0] + "." + packageBelowRoot[1] : null;
  }

  private static String[] packageBelowRoot(String root, String className) {
    String[] parts = className.substring(root.length() + 1).split("\\.");
    return Arrays.copyOf(parts, parts.length - 1);
  }

  private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
    Deque<String> open = new ArrayDeque<>(Set.of(from));
    Set<String> seen = new HashSet<>();
    while (!open.isEmpty()) {
      String next = open.pop();
      if (next.equals(to)) {
        return true;
      }
      if (seen.add(next)) {
        open.addAll(graph.getOrDefault(next, Set.of()));
      }
    }
    return false;
  }

  private static Path classes(Class<?> anchor) {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
