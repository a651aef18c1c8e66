using System.Text.Json;
using Wirewatch.Worker.Cli;

namespace Wirewatch.Worker.Tests;

/// <summary>Runs the <c>wirewatch</c> command in this process and captures what it printed.</summary>
internal static class Cli
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await WirewatchCli.InvokeAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Every stdout line must be a JSON object: with --json nothing else goes there.</summary>
    public static List<JsonElement> JsonLines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
}
