package org.switchman;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The cycle and lab rules of {@link ArchitectureTest} fail where they should: on the fixtures in
 * {@code org.switchman.archfixture}, each rule reports its offending classes and nothing else.
 */
class ArchitectureFixturesTest {

  private static final String ROOT = "org.switchman.archfixture";
  private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages(ROOT);

  @Test
  void theLayerRuleReportsACycleBetweenTwoLayers() {
    String report = violations(ArchitectureTest.layersFreeOfCycles(ROOT));

    assertThat(report)
        .contains(
            "Cycle detected",
            "Dependencies of alpha",
            "Dependencies of beta",
            ROOT + ".alpha.Alpha",
            ROOT + ".beta.Beta");
    // gamma.one and gamma.two form a cycle inside one layer, which this rule does not look into
    assertThat(report).doesNotContain("gamma", "product", "lab");
  }

  @Test
  void theInnerRuleReportsACycleInsideALayer() {
    String report = violations(ArchitectureTest.packagesInsideALayerFreeOfCycles(ROOT));

    assertThat(report)
        .contains(
            "Cycle detected",
            "Dependencies of gamma.one",
            "Dependencies of gamma.two",
            ROOT + ".gamma.one.One",
            ROOT + ".gamma.two.Two");
    // alpha and beta hold classes at the top of their layer only, outside the inner slices
    assertThat(report).doesNotContain("Alpha", "Beta", "product");
  }

  @Test
  void theLabRuleReportsAProductClassThatUsesTheLab() {
    String report = violations(ArchitectureTest.nothingButTheLabDependsOnTheLab(ROOT));

    assertThat(report).contains(ROOT + ".product.UsesTheLab", ROOT + ".lab.FixtureLab");
    assertThat(report).doesNotContain("Plain", "Alpha", "One");
  }

  private static String violations(ArchRule rule) {
    EvaluationResult result = rule.evaluate(FIXTURES);
    assertThat(result.hasViolation()).as("violations of: " + rule.getDescription()).isTrue();
    return result.getFailureReport().toString();
  }
}
