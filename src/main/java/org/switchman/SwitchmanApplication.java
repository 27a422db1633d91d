package org.switchman;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Switchman: datacenter runbooks as BPMN processes on Camunda 7. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SwitchmanApplication {

  public static void main(String[] args) {
    SpringApplication.run(SwitchmanApplication.class, args);
  }
}
