using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Polly;
using Polly.Retry;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Channels;

/// <summary>
/// Sends the alert by SMTP (MailKit) to the channel's recipients: a plain-text and an HTML part, a <c>Message-ID</c>
/// derived from the alert id, updates threaded onto the story's first alert. Transient failures (connection refused,
/// timeouts, 4xx replies) are retried with backoff; a 5xx reply or a spent budget dead-letters the alert.
/// </summary>
public sealed class EmailAlertChannel : IAlertChannel
{
    private readonly EmailOptions _options;
    private readonly ILogger<EmailAlertChannel> _log;
    private readonly ResiliencePipeline _retry;

    public EmailAlertChannel(IOptions<EmailOptions> options, TimeProvider time, ILogger<EmailAlertChannel> log)
    {
        _options = options.Value;
        _log = log;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (_options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<SocketException>()
                    .Handle<IOException>()
                    .Handle<TimeoutException>()
                    .Handle<ServiceNotConnectedException>()
                    .Handle<SmtpProtocolException>()
                    .Handle<SmtpCommandException>(e => (int)e.StatusCode is >= 400 and < 500),
                MaxRetryAttempts = _options.Retries,
                Delay = _options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    _log.LogWarning("SMTP {Host}:{Port}: attempt {Attempt} failed ({Error}); retrying in {Delay}",
                        _options.Host, _options.Port, args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        _retry = builder.Build();
    }

    public string Type => ChannelTypes.Email;

    public Task<ChannelResult> DeliverAsync(AlertRaised alert, ChannelDefinition channel, CancellationToken cancellationToken) =>
        SendWithRetriesAsync(AlertEmail.Build(alert, _options.From, channel.To), cancellationToken);

    public Task<ChannelResult> DeliverDigestAsync(AlertDigest digest, ChannelDefinition channel, CancellationToken cancellationToken) =>
        SendWithRetriesAsync(AlertEmail.BuildDigest(digest, _options.From, channel.To), cancellationToken);

    private async Task<ChannelResult> SendWithRetriesAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _retry.ExecuteAsync(async ct => await SendAsync(message, ct), cancellationToken);
            return ChannelResult.Delivered;
        }
        catch (SmtpCommandException e)
        {
            return (int)e.StatusCode >= 500
                ? ChannelResult.Failed("rejected", $"SMTP {(int)e.StatusCode}: {e.Message}")
                : ChannelResult.Failed("retries-exhausted", $"SMTP {(int)e.StatusCode}: {e.Message}");
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or ServiceNotConnectedException or SmtpProtocolException or AuthenticationException)
        {
            return ChannelResult.Failed(e is AuthenticationException ? "rejected" : "retries-exhausted", $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(_options.Host ?? throw new InvalidOperationException("Wirewatch:Alerts:Email:Host is not set."), _options.Port, _options.Security switch
        {
            EmailSecurity.None => SecureSocketOptions.None,
            EmailSecurity.StartTls => SecureSocketOptions.StartTls,
            EmailSecurity.Tls => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        }, cancellationToken);
        var user = _options.UsernameEnv is { } u ? Environment.GetEnvironmentVariable(u) : null;
        if (!string.IsNullOrEmpty(user))
        {
            await client.AuthenticateAsync(user, Environment.GetEnvironmentVariable(_options.PasswordEnv ?? "") ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>How an alert reads as an email.</summary>
public static class AlertEmail
{
    public static MimeMessage Build(AlertRaised alert, string from, IEnumerable<string> to)
    {
        var top = alert.Topics.Count > 0 ? alert.Topics[0].Topic : "alert";
        var message = new MimeMessage
        {
            Subject = $"[Wirewatch] {alert.Severity.ToUpperInvariant()} {top}: {alert.Headline}",
            MessageId = MessageIdFor(alert.AlertId),
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.AddRange(to.Select(MailboxAddress.Parse));
        if (alert.UpdatesAlertId is { } first)
        {
            message.InReplyTo = MessageIdFor(first);
            message.References.Add(MessageIdFor(first));
        }

        message.Headers.Add("X-Wirewatch-Alert-Id", alert.AlertId);
        var body = new BodyBuilder { TextBody = Text(alert), HtmlBody = Html(alert) };
        message.Body = body.ToMessageBody();
        return message;
    }

    public static MimeMessage BuildDigest(AlertDigest digest, string from, IEnumerable<string> to)
    {
        var message = new MimeMessage
        {
            Subject = $"[Wirewatch] DIGEST {digest.SubscriptionId}: {digest.Alerts.Count} alerts",
            MessageId = MessageIdFor(digest.DigestId),
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.AddRange(to.Select(MailboxAddress.Parse));
        var text = new StringBuilder();
        var html = new StringBuilder("<ul>");
        foreach (var alert in digest.Alerts)
        {
            var topics = string.Join(", ", alert.Topics.Select(t => $"{t.Topic} {t.Score:0.00}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"- {alert.Severity.ToUpperInvariant()} {alert.Headline} ({topics})\n  {alert.Url}");
            html.Append(CultureInfo.InvariantCulture, $"<li><b>{System.Net.WebUtility.HtmlEncode(alert.Severity.ToUpperInvariant())}</b> <a href=\"{System.Net.WebUtility.HtmlEncode(alert.Url)}\">{System.Net.WebUtility.HtmlEncode(alert.Headline)}</a> ({System.Net.WebUtility.HtmlEncode(topics)})</li>");
        }

        message.Body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = html.Append("</ul>").ToString() }.ToMessageBody();
        return message;
    }

    /// <summary>
    /// <c>&lt;escaped alert id&gt;@wirewatch</c> (without angle brackets): characters an id may not carry in a
    /// Message-ID (such as <c>:</c>) are percent-encoded, so distinct alerts keep distinct ids.
    /// </summary>
    public static string MessageIdFor(string alertId)
    {
        var local = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(alertId))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "!#$&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal))
            {
                local.Append(c);
            }
            else
            {
                local.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return $"{local.ToString().Trim('.').Replace("..", ".%2E", StringComparison.Ordinal)}@wirewatch";
    }

    private static string Text(AlertRaised alert)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{alert.Headline}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{alert.Url}");
        text.AppendLine();
        if (alert.Dateline is { } d)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Dateline: {d.City}{(d.Date is null ? "" : ", " + d.Date)}{(d.Agency is null ? "" : " (" + d.Agency + ")")}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Published: {alert.PublishedAt?.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture) ?? "unknown"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Severity: {alert.Severity}; subscription: {alert.SubscriptionId}{(alert.IsUpdate ? $"; update of {alert.UpdatesAlertId}" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Topics: {string.Join(", ", alert.Topics.Select(t => $"{t.Topic} {t.Score:0.00}"))}");
        if (!string.IsNullOrWhiteSpace(alert.Summary))
        {
            text.AppendLine().AppendLine(alert.Summary);
        }

        text.AppendLine().AppendLine("Why it fired:");
        foreach (var e in alert.Evidence)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {e.Topic} / {e.Term} (x{e.Count}): {e.Snippet}");
        }

        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Alert {alert.AlertId}");
        return text.ToString();
    }

    private static string Html(AlertRaised alert)
    {
        static string H(string? s) => System.Net.WebUtility.HtmlEncode(s ?? "");
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h2><a href=\"{H(alert.Url)}\">{H(alert.Headline)}</a></h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p><b>{H(alert.Severity.ToUpperInvariant())}</b> · {H(string.Join(", ", alert.Topics.Select(t => $"{t.Topic} {t.Score:0.00}")))} · subscription {H(alert.SubscriptionId)}");
        if (alert.Dateline is { } d)
        {
            html.Append(CultureInfo.InvariantCulture, $" · {H(d.City)}{(d.Date is null ? "" : ", " + H(d.Date))}");
        }

        html.Append(CultureInfo.InvariantCulture, $" · {H(alert.PublishedAt?.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture))}</p>");
        if (!string.IsNullOrWhiteSpace(alert.Summary))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{H(alert.Summary)}</p>");
        }

        html.Append("<p>Why it fired:</p><ul>");
        foreach (var e in alert.Evidence)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><b>{H(e.Topic)}</b> / {H(e.Term)} (x{e.Count}): {H(e.Snippet)}</li>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</ul><p><small>Alert {H(alert.AlertId)}</small></p>");
        return html.ToString();
    }
}

public enum EmailSecurity
{
    /// <summary>STARTTLS when the server offers it (the default).</summary>
    StartTlsWhenAvailable,

    /// <summary>STARTTLS required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,

    /// <summary>Plain text: only for a relay on the same host.</summary>
    None,
}

/// <summary><c>Wirewatch:Alerts:Email</c>: the SMTP server every email channel sends through.</summary>
public sealed class EmailOptions
{
    public const string Section = "Wirewatch:Alerts:Email";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public EmailSecurity Security { get; set; } = EmailSecurity.StartTlsWhenAvailable;
    public string From { get; set; } = "wirewatch@localhost";

    /// <summary>Names of the environment variables holding the SMTP user and password (never the values themselves).</summary>
    public string? UsernameEnv { get; set; }

    public string? PasswordEnv { get; set; }

    public int Retries { get; set; } = 5;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
