using MassTransit;
using Wirewatch.Contracts;

namespace Wirewatch.Hosting;

/// <summary>
/// Stamps every publication: the <c>wirewatch-schema</c> header and a message id derived from the message
/// (<see cref="WireMessageIds"/>). Runs in the bus's publish pipe, so every stage and both transports get it.
/// </summary>
internal static class WireStamp
{
    public static void Apply(PublishContext context)
    {
        context.Headers.Set(WireHeaders.SchemaVersion, WireHeaders.CurrentSchemaVersion);
        if (MessageOf(context) is { } message && WireMessageIds.For(message) is { } id)
        {
            context.MessageId = id;
        }
    }

    // The publish pipe sees the non-generic context; the runtime context is the typed one.
    private static object? MessageOf(PublishContext context) => context switch
    {
        PublishContext<ArticleFetched> c => c.Message,
        PublishContext<ArticleCleaned> c => c.Message,
        PublishContext<ArticleClassified> c => c.Message,
        PublishContext<ArticleRejected> c => c.Message,
        PublishContext<AlertRaised> c => c.Message,
        PublishContext<AlertRouted> c => c.Message.Alert,
        PublishContext<AlertDeliveryFailed> c => c.Message,
        PublishContext<AlertDigest> c => c.Message,
        _ => null,
    };
}
