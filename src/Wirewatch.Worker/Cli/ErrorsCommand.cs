using System.Text.Json;
using Wirewatch.Contracts;
using Wirewatch.Hosting;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// <c>wirewatch errors list|replay &lt;queue&gt;</c>: the error queues of the configured RabbitMQ broker (the same
/// <c>Wirewatch:RabbitMq</c> settings the worker uses). Listing moves nothing; replay moves messages back into the
/// queue they failed in.
/// </summary>
internal static class ErrorsCommand
{
    public static async Task<int> ListAsync(string queue, int limit, bool json, string? configFile, TextWriter stdout, CancellationToken cancellationToken)
    {
        var listing = await ErrorQueues.ListAsync(Factory(configFile), queue, limit, cancellationToken);
        if (json)
        {
            foreach (var message in listing.Messages)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new { type = "error", queue = listing.Queue, message }, WireJson.Options));
            }

            await stdout.WriteLineAsync(JsonSerializer.Serialize(new { type = "summary", queue = listing.Queue, total = listing.Total, shown = listing.Messages.Count }, WireJson.Options));
            return WirewatchCli.Success;
        }

        await stdout.WriteLineAsync($"{listing.Queue}: {listing.Total} message(s){(listing.Total > listing.Messages.Count ? $", the first {listing.Messages.Count} shown" : "")}");
        foreach (var m in listing.Messages)
        {
            await stdout.WriteLineAsync($"  {m.FaultedAt ?? "-"}  article {m.ArticleId ?? "-"}  message {m.MessageId ?? "-"}  {m.Bytes} bytes");
            await stdout.WriteLineAsync($"    {m.ExceptionType ?? m.Reason ?? "unknown"}: {m.ExceptionMessage}");
        }

        return WirewatchCli.Success;
    }

    public static async Task<int> ReplayAsync(string queue, int limit, string? configFile, TextWriter stdout, CancellationToken cancellationToken)
    {
        var replayed = await ErrorQueues.ReplayAsync(Factory(configFile), queue, limit, cancellationToken);
        await stdout.WriteLineAsync($"replayed {replayed} message(s) from {ErrorQueues.ErrorQueueOf(queue)} into {ErrorQueues.SourceQueueOf(ErrorQueues.ErrorQueueOf(queue))}");
        return WirewatchCli.Success;
    }

    private static BrokerConnection Factory(string? configFile)
    {
        var settings = WirewatchSettings.Read(WorkerConfiguration.Build(configFile));
        if (settings.Options.Transport != Transports.RabbitMq)
        {
            throw new WirewatchConfigurationException(
                "errors: error queues live on RabbitMQ; set Wirewatch:Transport=RabbitMq (Wirewatch__Transport) and the Wirewatch:RabbitMq connection settings.");
        }

        return ErrorQueues.ConnectionFactory(settings.Options.RabbitMq);
    }
}
