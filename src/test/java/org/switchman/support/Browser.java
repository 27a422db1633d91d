package org.switchman.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven by the Debian chromedriver (packages {@code chromium} and {@code
 * chromium-driver}, installed by {@code scripts/test}). Nothing is downloaded.
 */
public final class Browser implements AutoCloseable {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final WebDriver driver;
  private final Path profile;

  public Browser() {
    this(null);
  }

  /**
   * @param downloads where downloads land, or {@code null} for the browser's default
   */
  public Browser(Path downloads) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "Browser tests need Debian's chromium and chromium-driver:"
              + " apt-get install -y chromium chromium-driver (scripts/test does it)");
    }
    try {
      profile = Files.createTempDirectory("switchman-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    if (downloads != null) {
      options.setExperimentalOption(
          "prefs",
          java.util.Map.of(
              "download.default_directory",
              downloads.toAbsolutePath().toString(),
              "download.prompt_for_download",
              false));
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
  }

  public WebDriver driver() {
    return driver;
  }

  public WebDriverWait waitUpTo(Duration timeout) {
    return new WebDriverWait(driver, timeout);
  }

  /** Logs in to a Camunda webapp (tasklist, cockpit, admin) through its login form. */
  public void loginToCamunda(int port, String app, String user, String password) {
    driver.get("http://localhost:" + port + "/camunda/app/" + app + "/default/#/login");
    By username = By.cssSelector("input[ng-model='username']");
    waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(username));
    // the form shows before Angular has bound it, so a first submit can be lost: fill and submit
    // again while the form stays
    for (int attempt = 1; ; attempt++) {
      WebElement name = driver.findElement(username);
      name.clear();
      name.sendKeys(user);
      WebElement secret = driver.findElement(By.cssSelector("input[type='password']"));
      secret.clear();
      secret.sendKeys(password);
      driver.findElement(By.cssSelector("button[type=submit]")).click();
      try {
        waitUpTo(Duration.ofSeconds(10))
            .until(ExpectedConditions.invisibilityOfElementLocated(username));
        return;
      } catch (TimeoutException stillThere) {
        if (attempt == 3) {
          throw stillThere;
        }
      }
    }
  }

  /** Logs in to Switchman's own pages through their login form. */
  public void loginToSwitchman(int port, String user, String password) {
    driver.get("http://localhost:" + port + "/switchman/login");
    driver.findElement(By.id("username")).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.id("login")).click();
    waitUpTo(Duration.ofSeconds(30))
        .until(ExpectedConditions.presenceOfElementLocated(By.id("current-user")));
  }

  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      org.springframework.util.FileSystemUtils.deleteRecursively(profile.toFile());
    }
  }
}
