using System.Text;
using Xunit.Abstractions;

namespace Wirewatch.FaultTests;

/// <summary>How every fault case ends: its ledger line reported, then zero lost and zero duplicated asserted.</summary>
internal static class FaultLedgers
{
    public static async Task<Ledger> AssertCleanAsync(FaultRun run, ITestOutputHelper output, TimeSpan deadline, Func<string>? note = null)
    {
        var ledger = await run.FinishAsync(deadline);
        if (note is not null)
        {
            ledger = ledger with { Note = note() };
        }

        await ReportAsync(output, ledger.ToString());

        ledger.Lost.ShouldBe(0, $"{ledger}{Environment.NewLine}{run.Diagnostics()}");
        // Most synthetic articles alert; how many the story detector folds into an earlier story (no second alert)
        // depends on each case's seeded corpus: 89.9 to 97% at 1000 articles. A floor, not a count: losses are `lost`.
        ledger.Alerted.ShouldBeGreaterThan(ledger.Sent * 85 / 100, $"nearly every synthetic article is about one topic and alerts: {ledger}");
        ledger.Duplicated.ShouldBe(0, $"{ledger}{Environment.NewLine}{run.Diagnostics()}");
        return ledger;
    }

    /// <summary>A line for the test output and, with <c>WIREWATCH_FAULT_REPORT</c>, for the report file.</summary>
    public static async Task ReportAsync(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("WIREWATCH_FAULT_REPORT") is { Length: > 0 } report)
        {
            await File.AppendAllTextAsync(report, line + Environment.NewLine, Encoding.UTF8);
        }
    }
}
