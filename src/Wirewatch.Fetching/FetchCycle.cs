using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.Contracts;

namespace Wirewatch.Fetching;

/// <summary>
/// One pass over one source: every new or changed item is published as <see cref="ArticleFetched"/> and only then
/// marked seen, so a broker outage loses nothing (the item is retried next cycle) and a restart repeats nothing.
/// </summary>
public sealed class FetchCycle(
    SourceReader reader,
    ISeenStore seen,
    TimeProvider time,
    IOptions<FetcherOptions> options,
    ILogger<FetchCycle> log)
{
    public async Task<FetchCycleResult> RunAsync(SourceDefinition source, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        using var activity = FetchTelemetry.Source.StartActivity("fetch source");
        activity?.SetTag("wirewatch.source", source.Id);
        var started = Stopwatch.GetTimestamp();
        var result = new FetchCycleResult(source.Id);
        try
        {
            await RunItemsAsync(source, publisher, result, cancellationToken);
            FetchTelemetry.Cycles.Add(1, new("source", source.Id), new("outcome", "ok"));
            return result;
        }
        catch
        {
            FetchTelemetry.Cycles.Add(1, new("source", source.Id), new("outcome", "failed"));
            throw;
        }
        finally
        {
            FetchTelemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("source", source.Id));
        }
    }

    private async Task RunItemsAsync(SourceDefinition source, IPublishEndpoint publisher, FetchCycleResult result, CancellationToken cancellationToken)
    {
        var listing = await reader.ListAsync(source, cancellationToken);
        if (listing.NotModified)
        {
            Count(result, source, "not-modified");
            return;
        }

        foreach (var item in listing.Items)
        {
            var canonical = CanonicalUrl.Normalize(item.Url);
            var previous = await seen.GetAsync(canonical, cancellationToken);
            ItemContent? content;
            try
            {
                content = await reader.ReadAsync(item, previous?.Validators, cancellationToken);
            }
            catch (FetchFailedException e)
            {
                // One bad item never stops the others; it is counted, logged and tried again next cycle.
                log.LogWarning("Source {SourceId}: {Url} failed ({Reason}): {Message}", source.Id, item.Url, e.Reason, e.Message);
                result.Failures.Add(new FetchFailure(item.Url, e.Reason, e.Message));
                Count(result, source, "failed");
                continue;
            }

            if (content is null)
            {
                Count(result, source, "not-modified");
                continue;
            }

            var hash = CanonicalUrl.ContentHash(content.Text);
            if (previous?.ContentHash == hash)
            {
                Count(result, source, "unchanged");
                continue;
            }

            var now = time.GetUtcNow();
            var message = new ArticleFetched
            {
                ArticleId = previous?.ArticleId ?? CanonicalUrl.ArticleIdFor(canonical),
                Version = (previous?.Version ?? 0) + 1,
                SourceId = source.Id,
                Url = canonical,
                ProducedAt = now,
                Content = content.Text,
                ContentType = content.ContentType,
                Charset = content.Charset,
                ContentHash = hash,
                FetchedAt = now,
                Http = content.Http,
                Feed = item.Feed,
            };

            await PublishAsync(publisher, message, cancellationToken);
            await seen.MarkPublishedAsync(
                new SeenArticle(canonical, message.ArticleId, message.Version, hash, content.Validators, now), cancellationToken);
            result.Published.Add(message);
            Count(result, source, message.Version == 1 ? "new" : "updated");
            log.LogInformation("Source {SourceId}: published {ArticleId} v{Version} {Url}", source.Id, message.ArticleId, message.Version, canonical);
        }

        // The listing's validators are kept only when every item was handled: a 304 next time must not hide a failed item.
        if (listing.ListingUrl is { } listingUrl && listing.ListingValidators is { IsEmpty: false } validators && result.Failures.Count == 0)
        {
            await seen.SaveValidatorsAsync(listingUrl, validators, cancellationToken);
        }
    }

    /// <summary>Waits for the broker's confirmation, but never forever: a dead broker fails the cycle, which marks nothing.</summary>
    private async Task PublishAsync(IPublishEndpoint publisher, ArticleFetched message, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.PublishTimeout);
        try
        {
            await publisher.Publish(message, deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FetchFailedException("publish-timeout", $"The broker did not confirm {message.Url} within {options.Value.PublishTimeout}.", e);
        }
    }

    private static void Count(FetchCycleResult result, SourceDefinition source, string outcome)
    {
        result.Outcomes[outcome] = result.Outcomes.GetValueOrDefault(outcome) + 1;
        FetchTelemetry.Items.Add(1, new("source", source.Id), new("outcome", outcome));
    }
}

public sealed class FetchCycleResult(string sourceId)
{
    public string SourceId { get; } = sourceId;
    public List<ArticleFetched> Published { get; } = [];
    public List<FetchFailure> Failures { get; } = [];
    public Dictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);
}

public sealed record FetchFailure(string Url, string Reason, string Message);
