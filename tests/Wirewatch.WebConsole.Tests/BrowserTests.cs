using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Wirewatch.Tests.Shared;

namespace Wirewatch.WebConsole.Tests;

/// <summary>
/// What a person sees, in Debian's chromium (headless, through chromedriver) over loopback: the seed articles with their
/// topics, the sanctions desk's alerts delivered on the bus, a search, a backtest, and hostile text shown as text.
/// Screenshots go to <c>bin/.../screenshots</c> (a few are in docs/console.md).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class BrowserTests(ConsoleFixture console) : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";
    private readonly string _profile = TestPaths.TempFolder("chromium-profile");
    private ChromeDriver? _driver;

    private ChromeDriver Browser()
    {
        if (_driver is not null)
        {
            return _driver;
        }

        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--window-size=1280,900", $"--user-data-dir={_profile}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        return _driver;
    }

    private ChromeDriver SignedIn(string token)
    {
        var browser = Browser();
        browser.Navigate().GoToUrl(new Uri(console.BaseAddress, "login"));
        browser.FindElement(By.Name("Token")).SendKeys(token);
        browser.FindElement(By.Id("sign-in")).Click();
        WaitFor(browser, () => browser.Url.TrimEnd('/') == console.BaseAddress.AbsoluteUri.TrimEnd('/'), "the home page after signing in");
        return browser;
    }

    [BrowserFact]
    public void Home_page_lists_both_seed_articles_with_their_topics()
    {
        var browser = SignedIn(ConsoleFixture.SubscriberToken);
        var rows = browser.FindElements(By.CssSelector("#articles tr.article"));
        var seeds = rows.Where(r => r.FindElement(By.CssSelector("a.headline")).Text is var h && (h.Contains("Kerry", StringComparison.Ordinal) || h.Contains("exhaustive", StringComparison.Ordinal))).ToList();
        seeds.Count.ShouldBe(2);
        seeds.Single(r => r.Text.Contains("Kerry", StringComparison.Ordinal)).FindElements(By.CssSelector(".topic.matched")).Select(t => t.Text.Split(' ')[0]).ShouldContain("sanctions");
        seeds.Single(r => r.Text.Contains("exhaustive", StringComparison.Ordinal)).FindElements(By.CssSelector(".topic.matched")).Select(t => t.Text.Split(' ')[0])
            .ShouldBe(["sanctions", "human_rights", "defense"], ignoreOrder: true);
        seeds.ShouldAllBe(r => r.FindElements(By.CssSelector(".evidence mark")).Count > 0, "evidence sentences are highlighted");
        Screenshot(browser, "console-articles");
    }

    [BrowserFact]
    public void Sanctions_subscription_page_shows_its_alerts_delivered_on_the_bus_and_the_retried_and_dead_lettered_channels()
    {
        var browser = SignedIn(ConsoleFixture.OperatorToken);
        browser.FindElement(By.LinkText("Alerts")).Click();
        browser.FindElement(By.LinkText("sanctions-desk")).Click();
        WaitFor(browser, () => browser.Url.Contains("subscription=sanctions-desk", StringComparison.Ordinal), "the sanctions desk's alerts");
        var alerts = browser.FindElements(By.CssSelector("table.alerts tr.alert"));
        var bus = alerts.Where(a => a.FindElements(By.CssSelector(".channel")).Any(c => c.Text == "bus: delivered")).Select(a => a.FindElement(By.CssSelector("a")).Text).ToList();
        bus.ShouldBe(["FM agrees with Kerry to step up efforts to put together strong sanctions on N. Korea", "S. Korea, U.S. agree to push for 'exhaustive' enforcement of UNSC resolution"], ignoreOrder: true);
        alerts.Single(a => a.Text.Contains("Dead-lettered", StringComparison.Ordinal)).FindElement(By.CssSelector(".state-dead-lettered")).Text.ShouldBe("dead-lettered");
        var retried = alerts.Single(a => a.Text.Contains("Retried sanctions alert", StringComparison.Ordinal)).FindElement(By.CssSelector(".channel"));
        retried.FindElement(By.CssSelector(".state-retried")).Text.ShouldBe("retried");
        retried.Text.ShouldBe("webhook:https://hooks.example/flaky: retried (delivered on attempt 2)");
        browser.FindElements(By.CssSelector("button.replay")).Count.ShouldBe(1, "an operator may replay the dead letter");
        Screenshot(browser, "console-alerts");
    }

    [BrowserFact]
    public void Search_for_Kerry_finds_seed_000()
    {
        var browser = SignedIn(ConsoleFixture.SubscriberToken);
        var box = browser.FindElement(By.Name("q"));
        box.SendKeys("Kerry");
        browser.FindElement(By.Id("search")).Click();
        WaitFor(browser, () => browser.Url.Contains("q=Kerry", StringComparison.Ordinal), "the search result");
        browser.FindElements(By.CssSelector("#articles a.headline")).Select(a => a.Text)
            .ShouldBe(["FM agrees with Kerry to step up efforts to put together strong sanctions on N. Korea"]);
        browser.FindElement(By.CssSelector("#articles a.headline")).Click();
        WaitFor(browser, () => browser.FindElements(By.Id("headline")).Count == 1, "the article page");
        browser.FindElements(By.CssSelector("#body mark")).Count.ShouldBeGreaterThan(0, "the evidence sentences are highlighted in the text");
        Screenshot(browser, "console-article");
    }

    [BrowserFact]
    public void Backtest_of_the_shipped_subscriptions_lists_their_alerts()
    {
        var browser = SignedIn(ConsoleFixture.SubscriberToken);
        browser.Navigate().GoToUrl(new Uri(console.BaseAddress, "backtest"));
        var since = browser.FindElement(By.Name("Since"));
        since.Clear();
        since.SendKeys("3650d");
        browser.FindElement(By.Id("run-backtest")).Click();
        WaitFor(browser, () => browser.FindElements(By.Id("backtest-summary")).Count == 1, "the backtest result");
        var counts = browser.FindElements(By.CssSelector(".backtest-result h2")).ToDictionary(h => h.Text.Split(':')[0], h => int.Parse(h.FindElement(By.CssSelector(".alert-count")).Text, System.Globalization.CultureInfo.InvariantCulture));
        counts.ShouldBe(new Dictionary<string, int> { ["sanctions-desk"] = 2, ["human-rights-monitor"] = 1, ["defense-desk"] = 2 });
        Screenshot(browser, "console-backtest");
    }

    [BrowserFact]
    public void Hostile_article_text_renders_inert()
    {
        var browser = SignedIn(ConsoleFixture.SubscriberToken);
        browser.Navigate().GoToUrl(new Uri(console.BaseAddress, $"articles/{ConsoleFixture.HostileArticleId}"));
        WaitFor(browser, () => browser.FindElements(By.Id("headline")).Count == 1, "the hostile article's page");
        browser.Title.ShouldBe("Sanctions <script>document.title='pwned'</script> probe · Wirewatch", "a script that ran would have set the title to 'pwned'");
        browser.FindElement(By.Id("headline")).Text.ShouldBe("Sanctions <script>document.title='pwned'</script> probe");
        browser.FindElements(By.TagName("script")).Count.ShouldBe(0);
        browser.FindElements(By.TagName("img")).Count.ShouldBe(0);
        browser.FindElement(By.Id("body")).Text.ShouldContain("<img src=x onerror=\"document.title='pwned'\">");
        browser.FindElement(By.LinkText("original")).GetAttribute("href")!.ShouldNotStartWith("javascript:");
        Screenshot(browser, "console-hostile");
    }

    private static void WaitFor(ChromeDriver browser, Func<bool> condition, string what) =>
        Eventually.True(condition, what, TimeSpan.FromSeconds(20), () => browser.Url).GetAwaiter().GetResult();

    private static void Screenshot(ChromeDriver browser, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        browser.GetScreenshot().SaveAsFile(Path.Combine(folder, name + ".png"));
    }

    public void Dispose()
    {
        _driver?.Quit();
        _driver?.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium may still be writing its profile as it exits; the temp folder is the OS's to clean.
        }
    }
}

/// <summary>Needs the seeds and Debian's chromium with chromedriver (ops/test-deps.sh installs them); skipped, saying why, otherwise.</summary>
internal sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!TestPaths.HasSeeds)
        {
            Skip = $"The seed pages are not at {TestPaths.SeedsFolder}: clone the repository beside shared/ to run this test.";
        }
        else if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/chromedriver"))
        {
            Skip = "Debian's chromium and chromium-driver are not installed (/usr/bin/chromium, /usr/bin/chromedriver): run ops/test-deps.sh.";
        }
    }
}
