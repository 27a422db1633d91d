package org.switchman.process.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.FileSystemResource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every deployment the application makes holds every process a runbook calls and every form it
 * shows with the binding {@code deployment}: the shipped set names nothing it does not contain, and
 * the set is always deployed whole ({@code deploy-changed-only} off), never one changed file alone.
 */
class DeploymentBindingTest {

  private static final String BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
  private static final String CAMUNDA = "http://camunda.org/schema/1.0/bpmn";

  @Test
  void theShippedSetHoldsEveryProcessAndFormBoundToItsDeployment() throws Exception {
    Set<String> processes = new TreeSet<>();
    Set<String> forms = new TreeSet<>();
    List<String> bound = new ArrayList<>();
    List<Document> diagrams = new ArrayList<>();
    for (Path file : files(Path.of("processes"), ".bpmn")) {
      Document diagram = read(file);
      diagrams.add(diagram);
      NodeList found = diagram.getElementsByTagNameNS(BPMN, "process");
      for (int i = 0; i < found.getLength(); i++) {
        processes.add(((Element) found.item(i)).getAttribute("id"));
      }
    }
    for (Path file : files(Path.of("forms"), ".form")) {
      forms.add(new ObjectMapper().readTree(file.toFile()).path("id").asText());
    }
    List<String> missing = new ArrayList<>();
    for (Document diagram : diagrams) {
      NodeList calls = diagram.getElementsByTagNameNS(BPMN, "callActivity");
      for (int i = 0; i < calls.getLength(); i++) {
        Element call = (Element) calls.item(i);
        if ("deployment".equals(call.getAttributeNS(CAMUNDA, "calledElementBinding"))) {
          String called = call.getAttribute("calledElement");
          bound.add(called);
          if (!processes.contains(called)) {
            missing.add(call.getAttribute("id") + " calls " + called);
          }
        }
      }
      NodeList all = diagram.getElementsByTagNameNS("*", "*");
      for (int i = 0; i < all.getLength(); i++) {
        Element element = (Element) all.item(i);
        if ("deployment".equals(element.getAttributeNS(CAMUNDA, "formRefBinding"))) {
          String form = element.getAttributeNS(CAMUNDA, "formRef");
          bound.add(form);
          if (!forms.contains(form)) {
            missing.add(element.getAttribute("id") + " shows the form " + form);
          }
        }
      }
    }
    assertThat(bound)
        .as("the runbooks bind called processes and forms to their deployment")
        .contains("db-masters-read-only", "db-masters-read-write", "approval", "failure-decision");
    assertThat(missing).as("bound to the deployment but not shipped").isEmpty();

    Object changedOnly =
        new YamlPropertySourceLoader()
            .load("application", new FileSystemResource("src/main/resources/application.yaml"))
            .get(0)
            .getProperty("camunda.bpm.generic-properties.properties.deploy-changed-only");
    assertThat(String.valueOf(changedOnly)).as("the set is deployed whole").isEqualTo("false");
  }

  private static Document read(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(file.toFile());
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    }
  }
}
