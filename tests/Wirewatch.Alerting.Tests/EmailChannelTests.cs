using Wirewatch.State;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Wirewatch.Alerting.Channels;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Alerting.Tests;

/// <summary>The email channel against a real SMTP server on loopback (the SmtpServer package), reading back what it received.</summary>
public sealed class EmailChannelTests
{
    private static Subscription Mailed() => Classified.Sanctions(
        new ChannelDefinition { Type = ChannelTypes.Bus },
        new ChannelDefinition { Type = ChannelTypes.Email, To = ["desk@example.org"] });

    [Fact]
    public async Task An_alert_arrives_with_subject_message_id_text_and_html_and_its_lead_update_is_threaded_onto_it()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await AlerterHost.StartAsync([Mailed()], email: o => o.Port = smtp.Port);

        await host.ClassifiedAsync(Classified.Article(0.75));
        await host.ClassifiedAsync(Classified.Article(0.93, version: 2)); // (LEAD) update: medium -> high.

        await Eventually.True(() => smtp.Messages.Count >= 2, "two emails received");
        var messages = smtp.Messages.ToList();
        messages.Count.ShouldBe(2);
        var first = messages[0];
        first.Subject.ShouldBe("[Wirewatch] MEDIUM sanctions: Council adopts new measures");
        first.MessageId.ShouldBe(AlertEmail.MessageIdFor("sanctions-desk:story-1", "example.org"));
        first.MessageId.ShouldBe("sanctions-desk%3Astory-1@example.org", "by default on the domain of From (wirewatch@example.org)");
        first.To.Mailboxes.Single().Address.ShouldBe("desk@example.org");
        first.TextBody!.ShouldContain("The council adopted sanctions.");
        first.TextBody!.ShouldContain("Dateline: SEOUL, Jan. 15 (Yonhap)");
        first.TextBody!.ShouldContain("https://wire.example/story-1");
        first.HtmlBody!.ShouldContain("<a href=\"https://wire.example/story-1\">Council adopts new measures</a>");

        var update = messages[1];
        update.Subject.ShouldBe("[Wirewatch] HIGH sanctions: Council adopts new measures");
        update.MessageId.ShouldBe(AlertEmail.MessageIdFor("sanctions-desk:story-1:u1", "example.org"));
        update.InReplyTo.ShouldBe(first.MessageId);
        update.References.ShouldBe([first.MessageId!]);
    }

    [Fact]
    public async Task An_smtp_server_down_at_first_is_retried_and_then_receives_the_alert_once()
    {
        var port = SmtpSink.FreePort();
        await using var host = await AlerterHost.StartAsync([Mailed()], email: o =>
        {
            o.Port = port;
            o.Retries = 30;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        });

        var delivering = host.ClassifiedAsync(Classified.Article(0.9));
        await Eventually.True(() => host.Logs.Lines.Any(l => l.Contains($"SMTP 127.0.0.1:{port}: attempt 1 failed", StringComparison.Ordinal)), "a failed first SMTP attempt");
        await using var smtp = await SmtpSink.StartAsync(port);
        await delivering;

        smtp.Messages.ShouldHaveSingleItem().MessageId.ShouldBe(AlertEmail.MessageIdFor("sanctions-desk:story-1", "example.org"));
        (await host.Ledger.DeadLettersAsync(null, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task List_headers_and_message_ids_on_the_configured_domain_arrive_and_updates_still_thread()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await AlerterHost.StartAsync([Mailed()], email: o =>
        {
            o.Port = smtp.Port;
            o.MessageIdDomain = "alerts.example.net";
            o.ListUnsubscribe = "https://example.net/unsubscribe?list={subscription}";
            o.ListUnsubscribeOneClick = true;
        });

        await host.ClassifiedAsync(Classified.Article(0.75));
        await host.ClassifiedAsync(Classified.Article(0.93, version: 2));

        await Eventually.True(() => smtp.Messages.Count >= 2, "two emails received");
        var (first, update) = (smtp.Messages.First(), smtp.Messages.Last());
        foreach (var message in new[] { first, update })
        {
            message.Headers["Auto-Submitted"].ShouldBe("auto-generated");
            message.Headers["List-Unsubscribe"].ShouldBe("<https://example.net/unsubscribe?list=sanctions-desk>");
            message.Headers["List-Unsubscribe-Post"].ShouldBe("List-Unsubscribe=One-Click");
            message.Headers["List-Id"].ShouldBe("Wirewatch sanctions-desk <sanctions-desk.alerts.example.net>");
            message.MessageId.ShouldEndWith("@alerts.example.net");
        }

        first.MessageId.ShouldBe("sanctions-desk%3Astory-1@alerts.example.net");
        update.InReplyTo.ShouldBe(first.MessageId);
        update.References.ShouldBe([first.MessageId!]);
    }

    [Fact]
    public async Task A_mailto_unsubscribe_is_sent_without_the_one_click_header()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await AlerterHost.StartAsync([Mailed()], email: o =>
        {
            o.Port = smtp.Port;
            o.ListUnsubscribe = "mailto:unsubscribe@example.org?subject=unsubscribe%20{subscription}";
            o.ListUnsubscribeOneClick = true; // Means nothing for mailto.
        });

        await host.ClassifiedAsync(Classified.Article(0.9));

        await Eventually.True(() => !smtp.Messages.IsEmpty, "the email received");
        var message = smtp.Messages.Single();
        message.Headers["List-Unsubscribe"].ShouldBe("<mailto:unsubscribe@example.org?subject=unsubscribe%20sanctions-desk>");
        message.Headers.Contains("List-Unsubscribe-Post").ShouldBeFalse();
        message.Headers["Auto-Submitted"].ShouldBe("auto-generated");
    }

    [Theory]
    [InlineData("ListUnsubscribe", "ftp://example.org/unsubscribe", "Wirewatch:Alerts:Email:ListUnsubscribe")]
    [InlineData("MessageIdDomain", "not a domain", "Wirewatch:Alerts:Email:MessageIdDomain")]
    public void A_bad_list_setting_stops_the_alerter_with_the_key_named(string setting, string value, string key)
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddWirewatchState(Wirewatch.State.StateLocation.Sqlite(Path.Combine(TestPaths.TempFolder("email-options"), "wirewatch.db")))
            .AddAlerter(new SubscriptionCatalog([Mailed()]));
        services.Configure<EmailOptions>(o =>
        {
            o.Host = "127.0.0.1";
            typeof(EmailOptions).GetProperty(setting)!.SetValue(o, value);
        });
        using var provider = services.BuildServiceProvider();

        Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmailOptions>>().Value)
            .Message.ShouldContain(key);
    }

    [Fact]
    public void Message_ids_of_distinct_alerts_stay_distinct_and_valid()
    {
        var ids = new[] { "a:b", "a%3Ab", "a b", "a..b", ".a" }.Select(id => AlertEmail.MessageIdFor(id, "example.org")).ToList();

        ids.Distinct().Count().ShouldBe(ids.Count);
        ids.ShouldAllBe(id => MimeKit.Utils.MimeUtils.ParseMessageId(id) == id);
        ids.ShouldAllBe(id => !id.Contains(':', StringComparison.Ordinal) && !id.Contains(' ', StringComparison.Ordinal));
    }
}
