using MassTransit;
using RabbitMQ.Client;
using Wirewatch.ArticleStore;
using Wirewatch.Contracts;

namespace Wirewatch.WebConsole.Recording;

// Three thin consumers, one queue each: the public exchanges carry plain JSON with no type information, so a queue that
// received two message types could not tell them apart. Every write is idempotent, so a redelivery is harmless.

/// <summary>Records each classification (topics, scores, evidence, entities). Queue <c>wirewatch-console</c>.</summary>
public sealed class RecordClassifiedConsumer(IArticleStore store) : IConsumer<ArticleClassified>
{
    public Task Consume(ConsumeContext<ArticleClassified> context) => store.RecordClassifiedAsync(context.Message, context.CancellationToken);
}

/// <summary>Records each cleaned article's body. Queue <c>wirewatch-console-cleaned</c>.</summary>
public sealed class RecordCleanedConsumer(IArticleStore store) : IConsumer<ArticleCleaned>
{
    public Task Consume(ConsumeContext<ArticleCleaned> context) => store.RecordCleanedAsync(context.Message, context.CancellationToken);
}

/// <summary>Records each alert published on the bus. Queue <c>wirewatch-console-alerts</c>, bound to every routing key.</summary>
public sealed class RecordAlertConsumer(IArticleStore store) : IConsumer<AlertRaised>
{
    public Task Consume(ConsumeContext<AlertRaised> context) => store.RecordAlertAsync(context.Message, context.CancellationToken);
}

public sealed class RecordClassifiedConsumerDefinition : ConsumerDefinition<RecordClassifiedConsumer>
{
    public const string QueueName = "wirewatch-console";

    public RecordClassifiedConsumerDefinition() => EndpointName = QueueName;
}

public sealed class RecordCleanedConsumerDefinition : ConsumerDefinition<RecordCleanedConsumer>
{
    public const string QueueName = "wirewatch-console-cleaned";

    public RecordCleanedConsumerDefinition() => EndpointName = QueueName;
}

/// <summary>
/// <c>wirewatch.alerts</c> is a topic exchange: the queue is bound with <c>#</c> (every alert), and the exchange is
/// declared with its alternate exchange, as every role declares it, or the broker refuses the declaration.
/// </summary>
public sealed class RecordAlertConsumerDefinition : ConsumerDefinition<RecordAlertConsumer>
{
    public const string QueueName = "wirewatch-console-alerts";

    public RecordAlertConsumerDefinition() => EndpointName = QueueName;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RecordAlertConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.ConfigureConsumeTopology = false;
            rabbit.Bind(WireNames.AlertsExchange, b =>
            {
                b.ExchangeType = ExchangeType.Topic;
                b.RoutingKey = "#";
                b.SetExchangeArgument("alternate-exchange", WireNames.AlertsUnroutedExchange);
            });
        }
    }
}
