using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Tests;

public sealed class RaiseAlertsConsumerTests : IAsyncLifetime
{
    private AlerterHost _host = null!;

    public async Task InitializeAsync() => _host = await AlerterHost.StartAsync([Classified.Sanctions()]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_redelivered_classification_raises_no_second_alert()
    {
        var article = Classified.Article(0.9);

        await _host.ClassifiedAsync(article);
        await _host.ClassifiedAsync(article);

        _host.PublishedAlerts().ShouldHaveSingleItem().AlertId.ShouldBe("sanctions-desk:story-1");
    }

    [Fact]
    public async Task A_lead_update_with_a_higher_score_is_one_update_alert_and_a_same_severity_version_is_none()
    {
        await _host.ClassifiedAsync(Classified.Article(0.72));
        await _host.ClassifiedAsync(Classified.Article(0.75, version: 2)); // Still medium: nothing new to say.
        await _host.ClassifiedAsync(Classified.Article(0.93, version: 3)); // (LEAD) update, now high.

        var alerts = _host.PublishedAlerts();
        alerts.Select(a => (a.AlertId, a.Severity, a.IsUpdate, a.UpdatesAlertId)).ShouldBe(
        [
            ("sanctions-desk:story-1", "medium", false, null),
            ("sanctions-desk:story-1:u1", "high", true, "sanctions-desk:story-1"),
        ]);
        alerts[1].Flags.ShouldBe(["LEAD"]);
        AlertRouting.KeyFor(alerts[1]).ShouldBe("sanctions.high");
    }

    [Fact]
    public async Task An_article_for_no_subscription_raises_nothing()
    {
        await _host.ClassifiedAsync(Classified.Article(0.1));

        _host.PublishedAlerts().ShouldBeEmpty();
    }
}
