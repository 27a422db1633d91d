package org.switchman.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.support.SimpleBeanDefinitionRegistry;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;

/**
 * Every diagram follows the conventions of {@link ModelConventions}; the broken fixture proves that
 * each rule can fail.
 */
class ModelConventionsTest {

  private static final Path PROCESSES = Path.of("processes");
  private static final Path TEST_PROCESSES = Path.of("src/test/resources/processes");
  private static final Path BROKEN = Path.of("src/test/resources/model-check/broken-runbook.bpmn");

  private final ModelConventions conventions;

  ModelConventionsTest() throws IOException {
    conventions =
        new ModelConventions(delegateBeanNames(), ModelConventions.formIds(Path.of("forms")));
  }

  @Test
  void everyDiagramFollowsTheConventions() throws IOException {
    List<Path> diagrams = new ArrayList<>(diagramsIn(PROCESSES));
    diagrams.addAll(diagramsIn(TEST_PROCESSES));
    assertThat(diagrams).isNotEmpty();

    List<ModelConventions.Violation> violations =
        diagrams.stream().flatMap(diagram -> conventions.check(diagram).stream()).toList();

    assertThat(violations).as("diagram convention violations").isEmpty();
  }

  /**
   * The switchover's top level reads at a glance: at 100 % it fits a 1920 x 1080 screen with room
   * for Modeler's frame (the phases, both gates, the read-only window and the rollback line), and
   * each step with its operator decision, and each DB master phase, is a collapsed subprocess with
   * a plane of its own.
   */
  @Test
  void theSwitchoverTopLevelFitsOneScreen() {
    org.camunda.bpm.model.bpmn.BpmnModelInstance model =
        org.camunda.bpm.model.bpmn.Bpmn.readModelFromFile(
            PROCESSES.resolve("dc-switchover.bpmn").toFile());
    var planes =
        model.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnPlane.class);
    var top =
        planes.stream()
            .filter(p -> p.getBpmnElement().getId().equals("dc-switchover"))
            .findFirst()
            .orElseThrow();

    DiagramLayout.Extent extent = DiagramLayout.extent(top);

    assertThat(extent.width()).as("width at 100 %%").isLessThanOrEqualTo(1860);
    assertThat(extent.height()).as("height at 100 %%").isLessThanOrEqualTo(840);
    assertThat(planes.stream().map(p -> p.getBpmnElement().getId()))
        .contains(
            "Step_Preparation",
            "Step_PreChecks",
            "Step_StopMaintenance",
            "Step_SetReadOnly",
            "Phase_LockDownDbMasters",
            "Step_SwitchDiscovery",
            "Phase_SetDbMastersReadWrite",
            "Step_SetReadWrite",
            "Step_RestoreMediaWiki",
            "Step_PostReadOnly");
  }

  /**
   * After a restart the engine acquires jobs by priority: every job of the read-only window, and of
   * the lockdowns it calls, comes before the others, because MediaWiki is read-only until they run.
   */
  @Test
  void everyJobOfTheReadOnlyWindowHasItsPriority() {
    org.camunda.bpm.model.bpmn.BpmnModelInstance model =
        org.camunda.bpm.model.bpmn.Bpmn.readModelFromFile(
            PROCESSES.resolve("dc-switchover.bpmn").toFile());
    org.camunda.bpm.model.bpmn.instance.SubProcess window =
        model.getModelElementById("SubProcess_ReadOnlyWindow");
    List<String> jobs = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (org.camunda.bpm.model.bpmn.instance.FlowNode node :
        model.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.FlowNode.class)) {
      boolean job =
          node.getAttributeValueNs("http://camunda.org/schema/1.0/bpmn", "asyncBefore") != null
              || (node instanceof org.camunda.bpm.model.bpmn.instance.CatchEvent event
                  && event.getEventDefinitions().stream()
                      .anyMatch(
                          org.camunda.bpm.model.bpmn.instance.TimerEventDefinition.class
                              ::isInstance));
      if (!job) {
        continue;
      }
      boolean inWindow =
          isInside(node, window)
              || (node instanceof org.camunda.bpm.model.bpmn.instance.BoundaryEvent boundary
                  && boundary.getAttachedTo() == window);
      String priority =
          node.getAttributeValueNs("http://camunda.org/schema/1.0/bpmn", "jobPriority");
      if (inWindow) {
        jobs.add(node.getId());
      }
      if (inWindow != "100".equals(priority)) {
        wrong.add(node.getId() + " (" + priority + ")");
      }
    }
    assertThat(jobs)
        .contains(
            "ServiceTask_SetMediaWikiReadOnly",
            "Timer_InFlightGrace",
            "ServiceTask_PoolNewDatacenter",
            "ServiceTask_SetMediaWikiReadWrite",
            "Timer_ReadOnlyBudgetExceeded");
    assertThat(wrong)
        .as("jobs whose priority does not say whether they are in the window")
        .isEmpty();
    for (String lockdown : List.of("db-masters-read-only", "db-masters-read-write")) {
      org.camunda.bpm.model.bpmn.instance.Process process =
          org.camunda.bpm.model.bpmn.Bpmn.readModelFromFile(
                  PROCESSES.resolve(lockdown + ".bpmn").toFile())
              .getModelElementById(lockdown);
      assertThat(process.getCamundaJobPriority()).as(lockdown).isEqualTo("100");
    }
  }

  private static boolean isInside(
      org.camunda.bpm.model.xml.instance.ModelElementInstance node,
      org.camunda.bpm.model.xml.instance.ModelElementInstance scope) {
    for (var parent = node.getParentElement(); parent != null; parent = parent.getParentElement()) {
      if (parent == scope) {
        return true;
      }
    }
    return false;
  }

  /**
   * A step may share the job of the checks before it, and nothing else: a crash before the job
   * commits repeats those reads, never a change made earlier in the job.
   */
  @Test
  void aStepWithoutItsOwnJobMayFollowOnlyChecksFromTheJobsStart(@TempDir Path dir) {
    org.camunda.bpm.model.bpmn.BpmnModelInstance model =
        org.camunda.bpm.model.bpmn.Bpmn.createExecutableProcess("shared-jobs")
            .startEvent("StartEvent_Requested")
            .serviceTask("ServiceTask_CheckHost")
            .camundaAsyncBefore()
            .camundaDelegateExpression("${checkHostBeforeRestartDelegate}")
            .serviceTask("ServiceTask_DepoolHost")
            .camundaDelegateExpression("${depoolHostDelegate}")
            .serviceTask("ServiceTask_RestartUnits")
            .camundaDelegateExpression("${restartUnitsDelegate}")
            .intermediateCatchEvent("Timer_Wait")
            .timerWithDuration("PT1S")
            .camundaFailedJobRetryTimeCycle("R3/PT5S")
            .serviceTask("ServiceTask_DrainHost")
            .camundaDelegateExpression("${drainHostDelegate}")
            .intermediateCatchEvent("Timer_WaitAgain")
            .timerWithDuration("PT1S")
            .serviceTask("ServiceTask_RepoolHost")
            .camundaDelegateExpression("${repoolHostDelegate}")
            .endEvent("EndEvent_Done")
            .done();
    Set<String> async = violating(dir.resolve("shared-jobs.bpmn"), model, "async-before");

    assertThat(async)
        .as(
            "the depool after a check and the drain after a timer with a retry cycle share those"
                + " jobs; the restart after the depool and the repool after a timer without one"
                + " do not")
        .containsExactlyInAnyOrder("ServiceTask_RestartUnits", "ServiceTask_RepoolHost");
  }

  /**
   * The hosts of a batch wait side by side: a timer inside a parallel multi-instance is not
   * exclusive, or the engine runs the instances' timer jobs one after another.
   */
  @Test
  void aTimerInsideParallelInstancesIsNotExclusive(@TempDir Path dir) {
    org.camunda.bpm.model.bpmn.BpmnModelInstance model =
        org.camunda.bpm.model.bpmn.Bpmn.createExecutableProcess("parallel-waits")
            .startEvent("StartEvent_Requested")
            .subProcess("SubProcess_Hosts")
            .embeddedSubProcess()
            .startEvent("StartEvent_HostStarted")
            .intermediateCatchEvent("Timer_Grace")
            .timerWithDuration("PT1S")
            .intermediateCatchEvent("Timer_ReadinessPoll")
            .timerWithDuration("PT1S")
            .endEvent("EndEvent_HostDone")
            .subProcessDone()
            .intermediateCatchEvent("Timer_Pause")
            .timerWithDuration("PT1S")
            .endEvent("EndEvent_Done")
            .done();
    oneInstancePerHostSideBySide(model);
    model
        .<org.camunda.bpm.model.bpmn.instance.IntermediateCatchEvent>getModelElementById(
            "Timer_Grace")
        .getEventDefinitions()
        .iterator()
        .next()
        .setAttributeValueNs(
            org.camunda.bpm.model.bpmn.impl.BpmnModelConstants.CAMUNDA_NS, "exclusive", "false");
    Set<String> exclusive =
        violating(dir.resolve("parallel-waits.bpmn"), model, "parallel-timer-not-exclusive");

    assertThat(exclusive)
        .as("the host's timer left exclusive; not the one marked, nor the pause outside the hosts")
        .containsExactly("Timer_ReadinessPoll");
  }

  /**
   * The step whose job ends an instance of a parallel multi-instance is exclusive, so the engine
   * runs the instances' ends one at a time instead of failing all but one of those that meet.
   */
  @Test
  void theStepThatEndsAParallelInstanceIsExclusive(@TempDir Path dir) {
    org.camunda.bpm.model.bpmn.BpmnModelInstance model =
        org.camunda.bpm.model.bpmn.Bpmn.createExecutableProcess("parallel-ends")
            .startEvent("StartEvent_Requested")
            .subProcess("SubProcess_Hosts")
            .embeddedSubProcess()
            .startEvent("StartEvent_HostStarted")
            .intermediateThrowEvent("Event_HostRestarted")
            .camundaAsyncBefore()
            .camundaExclusive(false)
            .intermediateThrowEvent("Event_HostDone")
            .camundaAsyncBefore()
            .camundaExclusive(false)
            .endEvent("EndEvent_HostDone")
            .moveToNode("StartEvent_HostStarted")
            .intermediateThrowEvent("Event_HostSkipped")
            .camundaAsyncBefore()
            .endEvent("EndEvent_HostSkipped")
            .subProcessDone()
            .intermediateThrowEvent("Event_RunDone")
            .camundaAsyncBefore()
            .camundaExclusive(false)
            .serviceTask("ServiceTask_RepoolHostSideBySide")
            .camundaAsyncBefore()
            .camundaExclusive(false)
            .multiInstance()
            .camundaCollection("${hosts}")
            .camundaElementVariable("host")
            .multiInstanceDone()
            .serviceTask("ServiceTask_RepoolHostOneAfterAnother")
            .camundaAsyncBefore()
            .multiInstance()
            .camundaCollection("${hosts}")
            .camundaElementVariable("host")
            .multiInstanceDone()
            .serviceTask("ServiceTask_RepoolHostInTurn")
            .camundaAsyncBefore()
            .camundaExclusive(false)
            .multiInstance()
            .sequential()
            .camundaCollection("${hosts}")
            .camundaElementVariable("host")
            .multiInstanceDone()
            .endEvent("EndEvent_Done")
            .done();
    oneInstancePerHostSideBySide(model);
    Set<String> notExclusive =
        violating(dir.resolve("parallel-ends.bpmn"), model, "parallel-end-exclusive");

    assertThat(notExclusive)
        .as(
            "the host's end and the parallel multi-instance task (its job ends its instance) left"
                + " not exclusive; not a step before the end, not the exclusive end or task, not a"
                + " step outside the hosts, not a sequential multi-instance")
        .containsExactlyInAnyOrder("Event_HostDone", "ServiceTask_RepoolHostSideBySide");
  }

  @Test
  void theBrokenDiagramFailsWithFileElementAndRule() {
    List<ModelConventions.Violation> violations = conventions.check(BROKEN);
    Set<String> found =
        violations.stream().map(v -> v.elementId() + " " + v.rule()).collect(Collectors.toSet());

    assertThat(violations).allSatisfy(v -> assertThat(v.file()).isEqualTo("broken-runbook.bpmn"));
    assertThat(found)
        .contains(
            "not-the-file-name file-name-is-key",
            "not-the-file-name history-time-to-live",
            "not-the-file-name version-tag",
            "StartEvent_1 id-pattern",
            "ServiceTask_RestartHost delegate-expression",
            "ServiceTask_RestartHost async-before",
            "ServiceTask_RestartHost retry-cycle",
            "ServiceTask_Missing delegate-bean",
            "ServiceTask_Missing di-shape",
            "UserTask_Approve candidate-groups",
            "UserTask_Approve form-ref",
            "UserTask_Approve documentation",
            "Flow_ToMissing di-edge",
            "Flow_ToEnd di-edge",
            "Flow_ToRestart edge-ends",
            "Flow_ToRestart stacked-flows",
            "EndEvent_Done label-overlap",
            "Gateway_Choose gateway-question",
            "ServiceTask_Missing task-verb-object",
            "Step_Restart decision-frame");
    assertThat(violations.toString())
        .contains("broken-runbook.bpmn: ServiceTask_Missing: [delegate-bean]");
  }

  /** Makes {@code SubProcess_Hosts} a parallel multi-instance, one instance per host. */
  private static void oneInstancePerHostSideBySide(
      org.camunda.bpm.model.bpmn.BpmnModelInstance model) {
    model
        .<org.camunda.bpm.model.bpmn.instance.SubProcess>getModelElementById("SubProcess_Hosts")
        .builder()
        .multiInstance()
        .parallel()
        .camundaCollection("${hosts}")
        .camundaElementVariable("host");
  }

  /** Writes the model to the file and returns the ids of the elements that break one rule. */
  private Set<String> violating(
      Path diagram, org.camunda.bpm.model.bpmn.BpmnModelInstance model, String rule) {
    org.camunda.bpm.model.bpmn.Bpmn.writeModelToFile(diagram.toFile(), model);
    return conventions.check(diagram).stream()
        .filter(v -> v.rule().equals(rule))
        .map(ModelConventions.Violation::elementId)
        .collect(Collectors.toSet());
  }

  private static List<Path> diagramsIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".bpmn")).sorted().toList();
    }
  }

  /** The names of the Spring components under {@code org.switchman}, as the context names them. */
  private static Set<String> delegateBeanNames() {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(true);
    AnnotationBeanNameGenerator names = AnnotationBeanNameGenerator.INSTANCE;
    SimpleBeanDefinitionRegistry registry = new SimpleBeanDefinitionRegistry();
    return scanner.findCandidateComponents("org.switchman").stream()
        .filter(AnnotatedBeanDefinition.class::isInstance)
        .map(definition -> names.generateBeanName(definition, registry))
        .collect(Collectors.toSet());
  }
}
