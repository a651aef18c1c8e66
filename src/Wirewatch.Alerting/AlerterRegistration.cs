using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Wirewatch.Alerting.Channels;
using Wirewatch.Alerting.Digests;

namespace Wirewatch.Alerting;

public static class AlerterRegistration
{
    /// <summary>
    /// The alerter: subscriptions, matcher, ledger, channels (bus, webhook, email), throttle and its flush timer, and the
    /// sweeper of abandoned claims; the <see cref="IAlertLedger"/> comes from the state seam (Wirewatch.State). Its options are bound from the host's configuration, when there is one:
    /// <see cref="AlertLedgerOptions"/> from <c>Wirewatch:Alerts</c>, <see cref="WebhookOptions"/> from
    /// <c>Wirewatch:Alerts:Webhook</c>, <see cref="EmailOptions"/> from <c>Wirewatch:Alerts:Email</c>; all validated at start.
    /// The hosted services run only in a host (<c>wirewatch run</c>, <c>once</c>), not in a bare service provider.
    /// </summary>
    public static IServiceCollection AddAlerter(this IServiceCollection services, SubscriptionCatalog catalog)
    {
        services.AddSingleton(catalog);
        services.AddMetrics(); // IMeterFactory, when the host has not added it
        services.AddSingleton<AlertMetrics>();
        services.AddSingleton<SubscriptionMatcher>();
        services.AddOptions<AlertLedgerOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(AlertLedgerOptions.Section).Bind(o))
            .Validate(o => o.ClaimLease > TimeSpan.Zero, "Wirewatch:Alerts:ClaimLease must be positive.")
            .Validate(o => o.InProgressWait >= TimeSpan.Zero, "Wirewatch:Alerts:InProgressWait must not be negative.")
            .Validate(o => o.ReplayPollInterval > TimeSpan.Zero, "Wirewatch:Alerts:ReplayPollInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<WebhookPoster>();
        services.AddSingleton<IAlertChannel, WebhookAlertChannel>();
        services.AddSingleton<IAlertChannel>(sp => new ChatAlertChannel(ChannelTypes.Slack, new SlackFormatter(), sp.GetRequiredService<WebhookPoster>()));
        services.AddSingleton<IAlertChannel>(sp => new ChatAlertChannel(ChannelTypes.Teams, new TeamsFormatter(), sp.GetRequiredService<WebhookPoster>()));
        services.AddSingleton<IAlertChannel, EmailAlertChannel>();
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<SubscriptionThrottle>();
        services.AddDigests(catalog);
        services.AddSingleton<Alerter>();
        services.AddSingleton<AlertReplayer>();
        services.AddHostedService<AbandonedClaimSweeper>();
        services.AddHostedService<ReplayRequestProcessor>();
        // Always: a reloaded subscriptions file may add a throttle to a worker that started without one.
        services.AddHostedService<ThrottleFlusher>();

        var needsEmail = catalog.Subscriptions.Any(s => s.Channels.Any(c => c.Type == ChannelTypes.Email));
        services.AddOptions<EmailOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(EmailOptions.Section).Bind(o))
            .Validate(o => !needsEmail || !string.IsNullOrWhiteSpace(o.Host), "Wirewatch:Alerts:Email:Host is required: a subscription has an 'email' channel.")
            .Validate(o => o.Port is > 0 and < 65536, "Wirewatch:Alerts:Email:Port must be between 1 and 65535.")
            .Validate(o => o.Retries >= 0, "Wirewatch:Alerts:Email:Retries must not be negative.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ListUnsubscribe) || o.UnsubscribeUriFor("x") is not null,
                "Wirewatch:Alerts:Email:ListUnsubscribe must be a mailto: or http(s) URL.")
            .Validate(o => string.IsNullOrWhiteSpace(o.MessageIdDomain) || Uri.CheckHostName(o.MessageIdDomain.Trim()) == UriHostNameType.Dns,
                "Wirewatch:Alerts:Email:MessageIdDomain must be a domain name, e.g. alerts.example.org.")
            .ValidateOnStart();
        services.AddOptions<WebhookOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(WebhookOptions.Section).Bind(o))
            .Validate(o => o.Retries >= 0 && o.AttemptTimeout > TimeSpan.Zero && o.TotalTimeout >= o.AttemptTimeout,
                "Wirewatch:Alerts:Webhook: Retries must not be negative and TotalTimeout must be at least AttemptTimeout (> 0).")
            .ValidateOnStart();

        services.AddHttpClient(WebhookPoster.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // Polly's timeouts govern.
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Wirewatch-Webhooks/0.1");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            // HttpClient's own logs print the full URL, and a Slack or Teams incoming-webhook URL is a secret: the
            // dispatcher logs each outcome with the channel's redacted endpoint instead.
            .RemoveAllLoggers()
            .AddResilienceHandler("wirewatch-webhook", (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                builder.AddTimeout(options.TotalTimeout);
                if (options.Retries > 0)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        // Transient only: network errors, timeouts, 408, 429 and 5xx (never 410 or other 4xx); Retry-After wins.
                        MaxRetryAttempts = options.Retries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryBaseDelay,
                        ShouldRetryAfterHeader = true,
                    });
                }

                builder
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = options.BreakerFailureRatio,
                        MinimumThroughput = options.BreakerMinimumThroughput,
                        SamplingDuration = options.BreakerSamplingDuration,
                        BreakDuration = options.BreakDuration,
                    })
                    .AddTimeout(options.AttemptTimeout);
            })
            // One pipeline, hence one circuit breaker, per endpoint (scheme, host and port).
            .SelectPipelineByAuthority();
        return services;
    }

    public static IBusRegistrationConfigurator AddAlerterConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RaiseAlertsConsumer, RaiseAlertsConsumerDefinition>();
        return bus;
    }
}

/// <summary>Sends due digests of throttled subscriptions once a minute.</summary>
internal sealed class ThrottleFlusher(SubscriptionThrottle throttle, SubscriptionCatalog catalog, TimeProvider time, ILogger<ThrottleFlusher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await throttle.FlushDueAsync(catalog.Subscriptions, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The digest store is away (a database restart): due digests wait for the next minute instead of the
                // exception stopping the alerter host.
                log.LogWarning(e, "Flushing due digests failed; the next tick tries again");
            }
        }
    }
}
