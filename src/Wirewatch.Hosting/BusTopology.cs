using MassTransit;
using RabbitMQ.Client;
using Wirewatch.Contracts;

namespace Wirewatch.Hosting;

/// <summary>
/// The public face of the bus: exchanges named by <see cref="WireNames"/> (never by .NET type), plain JSON bodies
/// (<c>application/json</c>, no MassTransit envelope) and the alerts exchange as a topic exchange keyed
/// <c>&lt;topic&gt;.&lt;severity&gt;</c>.
/// </summary>
public static class BusTopology
{
    /// <summary>The most alerts <c>wirewatch.alerts.unrouted</c> keeps; beyond it the oldest are dropped.</summary>
    public const int UnroutedAlertsCap = 100_000;

    public static void ApplyCommon(IBusFactoryConfigurator cfg)
    {
        cfg.Message<ArticleFetched>(m => m.SetEntityName(WireNames.ArticlesFetchedExchange));
        cfg.Message<ArticleCleaned>(m => m.SetEntityName(WireNames.ArticlesCleanedExchange));
        cfg.Message<ArticleClassified>(m => m.SetEntityName(WireNames.ArticlesClassifiedExchange));
        cfg.Message<ArticleRejected>(m => m.SetEntityName(WireNames.ArticlesRejectedExchange));
        cfg.Message<AlertRaised>(m => m.SetEntityName(WireNames.AlertsExchange));
        cfg.Message<AlertDeliveryFailed>(m => m.SetEntityName(WireNames.AlertDeliveryFailedExchange));
        cfg.Message<AlertRouted>(m => m.SetEntityName(WireNames.AlertsBySubscriptionExchange));

        // Every message says which schema it follows, and carries an id derived from what it is about, so that a
        // republication after a crash or a lost confirm is recognisable downstream (see WireMessageIds).
        cfg.ConfigurePublish(p => p.UseExecute(WireStamp.Apply));

        // Plain JSON that a Python or shell AMQP client reads; message and correlation ids travel as headers.
        cfg.ClearSerialization();
        cfg.UseRawJsonSerializer(RawSerializerOptions.All, isDefault: true);
        cfg.ConfigureJsonSerializerOptions(options => WireJson.Configure(options));
    }

    /// <param name="replicated">
    /// On a cluster: <c>wirewatch.alerts.unrouted</c> is a quorum queue, like the consumer queues. A classic queue lives
    /// on one node, and while that node is down every publication to <c>wirewatch.alerts</c> fails its topology check
    /// (404 "home node ... is down"), which stops the alerter. Off for one broker, where an existing classic queue
    /// would refuse the new type.
    /// </param>
    public static void ApplyRabbitMq(IRabbitMqBusFactoryConfigurator cfg, bool replicated = false)
    {
        ApplyCommon(cfg);
        cfg.Publish<ArticleFetched>();
        cfg.Publish<ArticleCleaned>();
        cfg.Publish<ArticleClassified>();
        cfg.Publish<ArticleRejected>();
        // An alert no subscriber's binding routes is kept in wirewatch.alerts.unrouted (an alternate exchange, declared
        // with the alerts exchange), not dropped: an operator sees it there and a late subscriber can still read it.
        // Capped, so a deployment whose subscribers all use webhooks or email cannot fill the broker's disk with it.
        cfg.Publish<AlertRaised>(p =>
        {
            p.ExchangeType = ExchangeType.Topic;
            p.BindAlternateExchangeQueue(WireNames.AlertsUnroutedExchange, WireNames.AlertsUnroutedExchange,
                q =>
                {
                    q.SetQueueArgument("x-max-length", UnroutedAlertsCap);
                    if (replicated)
                    {
                        q.SetQueueArgument("x-queue-type", QueueTypes.Quorum);
                    }
                });
        });
        cfg.Publish<AlertDeliveryFailed>();
        // One copy of every alert, routed by its headers: a queue can bind to one subscription, or to any matched topic.
        cfg.Publish<AlertRouted>(p => p.ExchangeType = ExchangeType.Headers);
        cfg.Send<AlertRaised>(s => s.UseRoutingKeyFormatter(context => AlertRouting.KeyFor(context.Message)));

        // Every role declares every public exchange when it starts, not on its first publication: a downstream service
        // can bind to wirewatch.alerts (or .rejected) before the first alert (or rejection) without a 404.
        cfg.DeployPublishTopology = true;
    }
}
