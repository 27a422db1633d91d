package org.switchman.process.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.authorization.Permissions.CREATE;
import static org.camunda.bpm.engine.authorization.Permissions.READ;
import static org.camunda.bpm.engine.authorization.Resources.DEPLOYMENT;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityBootstrapTest {

  @Test
  void grantsOfOneGroupOnOneResourceAreMergedSoThatEachIsMadeExactOnce() {
    List<AccessModel.Grant> merged = IdentityBootstrap.merged(AccessModel.grants(true));
    assertThat(merged)
        .filteredOn(g -> g.group().equals(AccessModel.DESIGNERS) && g.resource() == DEPLOYMENT)
        .singleElement()
        .satisfies(g -> assertThat(g.permissions()).containsExactlyInAnyOrder(READ, CREATE));
    assertThat(IdentityBootstrap.merged(AccessModel.grants(false)))
        .filteredOn(g -> g.group().equals(AccessModel.DESIGNERS) && g.resource() == DEPLOYMENT)
        .singleElement()
        .satisfies(g -> assertThat(g.permissions()).containsExactly(READ));
    assertThat(merged)
        .extracting(g -> List.of(g.group(), g.resource().resourceType(), g.resourceId()))
        .doesNotHaveDuplicates();
  }
}
