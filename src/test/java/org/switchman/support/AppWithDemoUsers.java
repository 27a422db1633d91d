package org.switchman.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The application on a random port with the {@code lab} profile's demo users and administrator,
 * without the lab's servers, on an engine database of its own ({@link AppTestSupport#demoUsers}). A
 * class adds its own settings with {@code @TestPropertySource}, and reads its data directory with
 * {@code @Value("${switchman.data-dir}")}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ActiveProfiles("lab")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = AppTestSupport.DemoUsers.class)
public @interface AppWithDemoUsers {}
