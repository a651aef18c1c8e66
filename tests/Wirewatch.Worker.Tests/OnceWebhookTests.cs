using System.Security.Cryptography;
using System.Text.Json;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Worker.Tests;

/// <summary><c>wirewatch once</c> over the seed pages with a webhook subscription, checked by the StandardWebhooks package.</summary>
public sealed class OnceWebhookTests : IAsyncLifetime
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly string _secretEnv = $"WIREWATCH_TEST_ONCE_HOOK_{Guid.NewGuid():N}";
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_secretEnv, "whsec_" + Convert.ToBase64String(_key));
        _receiver = await WebhookReceiver.StartAsync(_key);
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [SeedFact]
    public async Task Every_webhook_delivery_of_once_over_the_seeds_verifies_with_the_reference_library_and_a_tampered_one_does_not()
    {
        var subscriptions = TestPaths.TempFile("subscriptions.json", $$"""
            { "subscriptions": [ { "id": "nk-desk", "topics": ["sanctions", "human_rights", "defense"],
              "channels": [ { "type": "bus" }, { "type": "webhook", "url": "{{_receiver.Url}}", "secretEnv": "{{_secretEnv}}", "body": "envelope" } ] } ] }
            """);

        var (exit, stdout, stderr) = await Cli.RunAsync("once", "--source", TestPaths.SeedsFolder, "--subscriptions", subscriptions, "--json");

        exit.ShouldBe(0, stderr);
        var alerts = Cli.JsonLines(stdout).Where(l => l.GetProperty("type").GetString() == "alert").Select(l => l.GetProperty("alertId").GetString()).ToList();
        alerts.Count.ShouldBe(2, "one alert per seed article");
        var requests = _receiver.Requests.ToList();
        requests.Select(r => r.Id).Order(StringComparer.Ordinal).ShouldBe(alerts.Order(StringComparer.Ordinal));
        var verifier = new StandardWebhook("whsec_" + Convert.ToBase64String(_key));
        foreach (var request in requests)
        {
            Should.NotThrow(() => verifier.Verify(request.Body, request.Headers), request.Id);
            using var body = JsonDocument.Parse(request.Body);
            body.RootElement.GetProperty("type").GetString().ShouldBe("alert.raised");
            body.RootElement.GetProperty("data").GetProperty("alertId").GetString().ShouldBe(request.Id);
        }

        var tampered = requests[0].Body.Replace("\"isUpdate\":false", "\"isUpdate\":true", StringComparison.Ordinal);
        tampered.ShouldNotBe(requests[0].Body);
        Should.Throw<WebhookVerificationException>(() => verifier.Verify(tampered, requests[0].Headers));
    }
}
