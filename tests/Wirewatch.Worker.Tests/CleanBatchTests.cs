using Wirewatch.Tests.Shared;

namespace Wirewatch.Worker.Tests;

/// <summary><c>clean</c>/<c>classify A B C</c>: one line per input, an unreadable one rejected with its reason, the batch going on.</summary>
public sealed class CleanBatchTests
{
    private const string Story = """
        Harbour pier to close for four months of repairs

        2025-03-07 08:30

        The harbour authority said on Monday that the old pier would close for repairs, after divers found cracks in three of its pillars.

        Engineers expect the work to take about four months, and ferries will use the northern berth in the meantime, a spokeswoman said.
        """;

    [Theory]
    [InlineData("clean")]
    [InlineData("classify")]
    public async Task An_oversized_or_undecodable_input_is_rejected_and_the_batch_goes_on(string command)
    {
        var folder = TestPaths.TempFolder("batch");
        var first = Path.Combine(folder, "a.txt");
        var oversized = Path.Combine(folder, "b.txt");
        var undecodable = Path.Combine(folder, "c.txt");
        var last = Path.Combine(folder, "d.txt");
        await File.WriteAllTextAsync(first, Story);
        await File.WriteAllTextAsync(oversized, new string('x', 6 * 1024 * 1024)); // over the 5 MiB cap
        await File.WriteAllBytesAsync(undecodable, [.. "Headline here\n\n"u8, 0xFF, 0xFE, 0x80, 0xFF, 0x81, 0xFF, .. "\n"u8]);
        await File.WriteAllTextAsync(last, Story);

        var (exit, stdout, stderr) = await Cli.RunAsync(command, "--json", first, oversized, undecodable, last);

        exit.ShouldBe(1, stderr);
        var lines = Cli.JsonLines(stdout);
        lines.Count.ShouldBe(4);
        lines[1].GetProperty("type").GetString().ShouldBe("rejected");
        lines[1].GetProperty("path").GetString().ShouldBe(oversized);
        lines[1].GetProperty("reason").GetString().ShouldBe("too-large");
        lines[2].GetProperty("type").GetString().ShouldBe("rejected");
        lines[2].GetProperty("reason").GetString().ShouldBe("undecodable");
        lines[3].GetProperty("type").GetString().ShouldBe(command == "clean" ? "cleaned" : "classified");
        lines[3].GetProperty("path").GetString().ShouldBe(last);
    }

    [Fact]
    public async Task Url_gives_a_saved_page_its_site_and_so_its_rule()
    {
        var page = TestPaths.TempFile("saved.txt", Story);

        var (exit, stdout, stderr) = await Cli.RunAsync("clean", "--json", page, "--url", "https://www.reuters.com/world/pier-repairs-2025-03-07/");
        var (_, unruled, _) = await Cli.RunAsync("clean", "--json", page);

        exit.ShouldBe(0, stderr);
        var article = Cli.JsonLines(stdout).Single();
        article.GetProperty("url").GetString().ShouldBe("https://www.reuters.com/world/pier-repairs-2025-03-07/");
        article.GetProperty("publishedAt").GetString().ShouldBe("2025-03-07T08:30:00+00:00"); // Reuters' rule: UTC
        article.GetProperty("warnings").ToString().ShouldNotContain("zoneless-time");
        var alone = Cli.JsonLines(unruled).Single();
        alone.GetProperty("publishedAt").GetString().ShouldBe("2025-03-07T08:30:00+00:00"); // no rule: UTC assumed, and said
        alone.GetProperty("warnings").ToString().ShouldContain("zoneless-time");
    }

    [Fact]
    public async Task Url_with_several_inputs_is_exit_code_2()
    {
        var page = TestPaths.TempFile("saved.txt", Story);

        var (exit, _, stderr) = await Cli.RunAsync("clean", page, page, "--url", "https://www.reuters.com/x");

        exit.ShouldBe(2);
        stderr.ShouldContain("--url");
    }
}
