package org.switchman;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.switchman.audit.InMemoryJournal;
import org.switchman.infra.Mutations;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;

/**
 * Nothing bypasses the mutation choke point: every adapter method that is handed a {@link
 * RunContext} (the mark of a mutation in the ports) reaches {@link Mutations#apply}, directly or
 * through the adapter's own helpers and lambdas.
 */
class MutationsChokePointTest {

  static final ArchRule MUTATIONS_GO_THROUGH_THE_CHOKE_POINT =
      methods()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("org.switchman.infra..")
          .and()
          .areDeclaredInClassesThat()
          .doNotHaveFullyQualifiedName(Mutations.class.getName())
          .and(takeARunContext())
          .should(reachMutationsApply())
          .allowEmptyShould(true);

  @Test
  void everyMutatingAdapterMethodGoesThroughMutations() {
    JavaClasses production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.switchman");
    MUTATIONS_GO_THROUGH_THE_CHOKE_POINT.check(production);
  }

  @Test
  void theRuleCatchesAnAdapterThatActsOnItsOwn() {
    JavaClasses fixtures =
        new ClassFileImporter()
            .importClasses(org.switchman.infra.fixture.SneakyAdapter.class, Mutations.class);
    assertThatThrownBy(() -> MUTATIONS_GO_THROUGH_THE_CHOKE_POINT.check(fixtures))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("SneakyAdapter.setReadOnly")
        .hasMessageNotContaining("SneakyAdapter.setReadOnlyProperly");
  }

  @Test
  void theFixtureCompilesAgainstTheRealChokePoint() throws Exception {
    var adapter =
        new org.switchman.infra.fixture.SneakyAdapter(new Mutations(new InMemoryJournal()));
    RunContext run =
        new RunContext("r", "s", "alice", org.switchman.runbook.ExecutionMode.DRY_RUN, "eqiad");
    assertThat(adapter.setReadOnlyProperly(run)).isEqualTo(MutationOutcome.WOULD);
  }

  private static DescribedPredicate<JavaMethod> takeARunContext() {
    return DescribedPredicate.describe(
        "take a RunContext",
        method ->
            method.getRawParameterTypes().stream()
                .anyMatch(type -> type.isEquivalentTo(RunContext.class)));
  }

  private static ArchCondition<JavaMethod> reachMutationsApply() {
    return new ArchCondition<>("reach Mutations.apply") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        boolean reaches = reaches(method);
        events.add(
            new SimpleConditionEvent(
                method,
                reaches,
                method.getFullName()
                    + (reaches ? " reaches" : " does not reach")
                    + " Mutations.apply"));
      }
    };
  }

  /** Follows calls within the same class (helpers, lambdas) until one calls Mutations.apply. */
  private static boolean reaches(JavaMethod start) {
    Deque<JavaCodeUnit> todo = new ArrayDeque<>();
    Set<JavaCodeUnit> seen = new HashSet<>();
    todo.add(start);
    while (!todo.isEmpty()) {
      JavaCodeUnit unit = todo.poll();
      if (!seen.add(unit)) {
        continue;
      }
      for (JavaMethodCall call : unit.getMethodCallsFromSelf()) {
        if (call.getTargetOwner().isEquivalentTo(Mutations.class)
            && call.getName().equals("apply")) {
          return true;
        }
        if (call.getTargetOwner().equals(start.getOwner())) {
          call.getTarget().resolveMember().ifPresent(todo::add);
        }
      }
    }
    return false;
  }
}
