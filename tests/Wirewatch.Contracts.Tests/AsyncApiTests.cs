using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Schemas;

namespace Wirewatch.Contracts.Tests;

/// <summary>
/// docs/asyncapi.yaml, validated by the AsyncAPI Initiative's own parser (@asyncapi/parser, run by node from
/// tools/asyncapi; ops/test-deps.sh installs it), describes every exchange we declare and every message schema.
/// </summary>
public sealed class AsyncApiTests
{
    private static readonly Lazy<JsonElement> Parsed = new(Parse);

    [Fact]
    public void The_document_is_valid_asyncapi_3_0()
    {
        var parsed = Parsed.Value;

        parsed.GetProperty("version").GetString().ShouldBe("3.0.0");
        var errors = parsed.GetProperty("diagnostics").EnumerateArray().Where(d => d.GetProperty("severity").GetInt32() == 0)
            .Select(d => $"{d.GetProperty("path").GetString()}: {d.GetProperty("message").GetString()}").ToList();
        errors.ShouldBeEmpty(string.Join(Environment.NewLine, errors));
        parsed.GetProperty("valid").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public void Every_exchange_is_a_channel_carrying_the_message_of_its_schema()
    {
        var channels = Parsed.Value.GetProperty("channels").EnumerateArray()
            .ToDictionary(c => c.GetProperty("address").GetString()!, c => c.GetProperty("messages").EnumerateArray().Select(m => m.GetString()!).ToList());
        var messages = Parsed.Value.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);

        foreach (var (exchange, schemaFile) in WireSchemas.ByExchange)
        {
            channels.ShouldContainKey(exchange, $"docs/asyncapi.yaml has no channel for {exchange}");
            var title = Title(schemaFile);
            channels[exchange].ShouldContain(m => messages[m].GetProperty("payloadTitle").GetString() == title, $"{exchange} must carry {title}");
            channels[exchange].ShouldAllBe(m => Headers(messages[m]).Contains(WireHeaders.SchemaVersion), $"every message on {exchange} declares the {WireHeaders.SchemaVersion} header");
        }

        var bySubscription = channels[WireNames.AlertsBySubscriptionExchange].Select(m => Headers(messages[m])).Single();
        bySubscription.ShouldContain(WireHeaders.Subscription);
        bySubscription.ShouldContain(WireHeaders.Severity);
    }

    [Fact]
    public void Every_exchange_the_contracts_name_is_a_channel_of_the_document()
    {
        // WireNames is what the bus declares (BusTopology): a new exchange there without a channel here fails.
        var named = typeof(WireNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Exchange", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)
            .ToList();
        var addresses = Parsed.Value.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("address").GetString()!).ToHashSet(StringComparer.Ordinal);

        named.ShouldNotBeEmpty();
        named.Where(e => !addresses.Contains(e)).ShouldBeEmpty("exchanges missing from docs/asyncapi.yaml");
        named.ShouldBe(WireSchemas.ByExchange.Keys.Order(StringComparer.Ordinal).ToList(), "every exchange has the schema of what it carries");
    }

    [Fact]
    public void Every_message_schema_is_referenced_and_the_webhook_channel_carries_the_three_event_types()
    {
        var messages = Parsed.Value.GetProperty("messages").EnumerateArray().ToList();
        var titles = messages.SelectMany(m => new[] { m.GetProperty("payloadTitle").GetString(), m.GetProperty("dataTitle").GetString() }).ToHashSet();

        foreach (var file in WireSchemas.Files.Values)
        {
            titles.ShouldContain(Title(file), $"{file} is not the payload of any message in docs/asyncapi.yaml");
        }

        messages.Where(m => m.GetProperty("name").GetString()!.StartsWith("alert.", StringComparison.Ordinal))
            .Select(m => m.GetProperty("name").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(["alert.digest", "alert.raised", "alert.updated"]);
    }

    [Fact]
    public void A_document_that_breaks_the_spec_is_refused_by_the_parser()
    {
        // The check can fail: a channel with a property AsyncAPI 3.0 does not have is an error.
        var broken = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "asyncapi.yaml"))
            .Replace("    title: Fetched articles", "    title: Fetched articles\n    exchange: wirewatch.articles.fetched", StringComparison.Ordinal);
        var path = Path.Combine(TestPaths.RepositoryRoot, "docs", $"asyncapi-broken-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, broken);
        try
        {
            var (exit, output) = RunParser(path);
            exit.ShouldBe(1, output);
            output.ShouldContain("exchange");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Title(string schemaFile)
    {
        using var document = WireSchemas.Document(schemaFile);
        return document.RootElement.GetProperty("title").GetString()!;
    }

    private static List<string> Headers(JsonElement message) => message.GetProperty("headers").EnumerateArray().Select(h => h.GetString()!).ToList();

    private static JsonElement Parse()
    {
        var (exit, output) = RunParser(Path.Combine(TestPaths.RepositoryRoot, "docs", "asyncapi.yaml"));
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        line.ShouldNotBeNull($"the parser printed no result (exit {exit}): {output}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private static (int Exit, string Output) RunParser(string document)
    {
        var tool = Path.Combine(TestPaths.RepositoryRoot, "tools", "asyncapi");
        if (!File.Exists(Path.Combine(tool, "node_modules", "@asyncapi", "parser", "package.json")))
        {
            throw new InvalidOperationException(
                "@asyncapi/parser is not installed in tools/asyncapi: run `ops/test-deps.sh npm asyncapi-parser` (ops/test.sh does it).");
        }

        var start = new ProcessStartInfo("node", [Path.Combine(tool, "validate.mjs"), document])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the AsyncAPI parser did not finish within 120 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
