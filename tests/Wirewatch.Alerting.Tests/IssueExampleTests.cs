using Wirewatch.Alerting.Channels;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Alerting.Tests;

/// <summary>The issue's example subscription, only re-pointed at loopback receivers, delivers to all three channels.</summary>
public sealed class IssueExampleTests
{
    [Fact]
    public async Task The_example_subscription_alerts_on_bus_webhook_and_email_and_filters_by_keyword()
    {
        var secret = WebhookSecret.Create();
        await using var receiver = await WebhookReceiver.StartAsync(secret.Key);
        await using var smtp = await SmtpSink.StartAsync();
        var path = TestPaths.TempFile("subscriptions.json", IssueExample.Json
            .Replace("WIREWATCH_HOOK_SECRET", secret.EnvName, StringComparison.Ordinal)
            .Replace("https://hooks.example.org/wirewatch", receiver.Url.AbsoluteUri, StringComparison.Ordinal));
        var catalog = SubscriptionCatalog.Load(path);
        await using var host = await AlerterHost.StartAsync(catalog.Subscriptions, email: o => o.Port = smtp.Port);

        await host.ClassifiedAsync(Classified.Article(0.9, story: "s1", summary: "The council tightened Resolution 2270 on coal exports."));
        await host.ClassifiedAsync(Classified.Article(0.9, story: "s2", summary: "Resolution 2270 came up at a football match.")); // keywords.none
        await host.ClassifiedAsync(Classified.Article(0.9, story: "s3", summary: "The council met.")); // keywords.any missing
        await host.ClassifiedAsync(Classified.Article(0.9, story: "s4", summary: "Resolution 2270 again.", source: "other-wire")); // sources

        host.PublishedAlerts().ShouldHaveSingleItem().AlertId.ShouldBe("sanctions-desk:s1");
        receiver.Accepted.ShouldBe([new("sanctions-desk:s1", 1)]);
        receiver.Requests.ShouldAllBe(r => r.SignatureValid);
        await Eventually.True(() => !smtp.Messages.IsEmpty, "the email");
        smtp.Messages.ShouldHaveSingleItem().MessageId.ShouldBe(AlertEmail.MessageIdFor("sanctions-desk:s1", "example.org"));
    }
}
