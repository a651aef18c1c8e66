using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Wirewatch.Alerting.Channels;

namespace Wirewatch.Alerting;

public static class AlerterRegistration
{
    /// <summary>
    /// The alerter: subscriptions, matcher, ledger, channels (bus, webhook, email), throttle and its flush timer.
    /// Bind <see cref="WebhookOptions"/> and <see cref="EmailOptions"/> from configuration before or after this call.
    /// </summary>
    public static IServiceCollection AddAlerter(this IServiceCollection services, SubscriptionCatalog catalog, string databasePath)
    {
        services.AddSingleton(catalog);
        services.AddSingleton<SubscriptionMatcher>();
        services.AddSingleton<IAlertLedger>(sp => new SqliteAlertLedger(databasePath, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AlertLedgerOptions>>().Value.ClaimLease, sp.GetRequiredService<IOptions<AlertLedgerOptions>>().Value.InProgressWait));
        services.AddOptions<AlertLedgerOptions>()
            .Validate(o => o.ClaimLease > TimeSpan.Zero, "Wirewatch:Alerts:ClaimLease must be positive.")
            .Validate(o => o.InProgressWait >= TimeSpan.Zero, "Wirewatch:Alerts:InProgressWait must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<IAlertChannel, WebhookAlertChannel>();
        services.AddSingleton<IAlertChannel, EmailAlertChannel>();
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<SubscriptionThrottle>();
        services.AddSingleton<Alerter>();
        services.AddSingleton<AlertReplayer>();
        // Always: a reloaded subscriptions file may add a throttle to a worker that started without one.
        services.AddHostedService<ThrottleFlusher>();

        var needsEmail = catalog.Subscriptions.Any(s => s.Channels.Any(c => c.Type == ChannelTypes.Email));
        services.AddOptions<EmailOptions>()
            .Validate(o => !needsEmail || !string.IsNullOrWhiteSpace(o.Host), "Wirewatch:Alerts:Email:Host is required: a subscription has an 'email' channel.")
            .Validate(o => o.Port is > 0 and < 65536, "Wirewatch:Alerts:Email:Port must be between 1 and 65535.")
            .Validate(o => o.Retries >= 0, "Wirewatch:Alerts:Email:Retries must not be negative.")
            .ValidateOnStart();
        services.AddOptions<WebhookOptions>()
            .Validate(o => o.Retries >= 0 && o.AttemptTimeout > TimeSpan.Zero && o.TotalTimeout >= o.AttemptTimeout,
                "Wirewatch:Alerts:Webhook: Retries must not be negative and TotalTimeout must be at least AttemptTimeout (> 0).")
            .ValidateOnStart();

        services.AddHttpClient(WebhookAlertChannel.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // Polly's timeouts govern.
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Wirewatch-Webhooks/0.1");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
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
internal sealed class ThrottleFlusher(SubscriptionThrottle throttle, SubscriptionCatalog catalog, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await throttle.FlushDueAsync(catalog.Subscriptions, stoppingToken);
        }
    }
}
