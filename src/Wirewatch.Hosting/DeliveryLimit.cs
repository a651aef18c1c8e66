using MassTransit;

namespace Wirewatch.Hosting;

/// <summary>
/// Ends the crash loop of a poison message: one that kills the process (not merely throws) is never acked, so the
/// broker hands it out again and again. Quorum queues count those returns in <c>x-delivery-count</c>; once a message
/// has been returned <see cref="RabbitMqOptions.DeliveryLimit"/> times, this filter fails it before the consumer runs,
/// without retrying, so MassTransit moves it to <c>&lt;queue&gt;_error</c> (where <c>wirewatch errors</c> shows and
/// replays it). The queue's own <c>x-delivery-limit</c> is set higher, as a backstop should the filter itself die.
/// </summary>
public sealed class DeliveryLimitFilter<T>(WirewatchSettings settings) : IFilter<ConsumeContext<T>>
    where T : class
{
    public const string DeliveryCountHeader = "x-delivery-count";

    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var limit = settings.Options.RabbitMq.DeliveryLimit;
        if (context.ReceiveContext.TransportHeaders.TryGetHeader(DeliveryCountHeader, out var value)
            && value is not null
            && Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) >= limit)
        {
            throw new DeliveryLimitExceededException(
                $"{typeof(T).Name} {context.MessageId} was returned to {context.ReceiveContext.InputAddress} {value} times " +
                $"without being acknowledged (Wirewatch:RabbitMq:DeliveryLimit is {limit}): the process handling it probably crashed.");
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("deliveryLimit");
}

/// <summary>A message that kept crashing its consumer; permanent, so it is not retried.</summary>
public sealed class DeliveryLimitExceededException(string message) : Exception(message);
