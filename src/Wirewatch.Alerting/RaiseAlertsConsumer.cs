using MassTransit;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// Queue <c>wirewatch-alerter</c>: hands each classified article to the <see cref="Alerter"/>, whose bus channel
/// publishes <see cref="AlertRaised"/> to <c>wirewatch.alerts</c> through this message's context.
/// </summary>
public sealed class RaiseAlertsConsumer(Alerter alerter) : IConsumer<ArticleClassified>
{
    public Task Consume(ConsumeContext<ArticleClassified> context) => alerter.HandleAsync(context.Message, context, context.CancellationToken);
}

public sealed class RaiseAlertsConsumerDefinition : ConsumerDefinition<RaiseAlertsConsumer>
{
    public RaiseAlertsConsumerDefinition() => EndpointName = WireNames.AlerterQueue;
}
