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
    SourceHealth health,
    ISourceStatusStore status,
    TimeProvider time,
    IOptions<FetcherOptions> options,
    FetchTelemetry telemetry,
    ILogger<FetchCycle> log)
{
    private readonly Lock _pruneGate = new();
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    public async Task<FetchCycleResult> RunAsync(SourceDefinition source, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        await PruneIfDueAsync(cancellationToken);
        using var activity = FetchTelemetry.Source.StartActivity("fetch source");
        activity?.SetTag("wirewatch.source", source.Id);
        activity?.SetTag("url.full", source.Url ?? source.Path);
        var started = Stopwatch.GetTimestamp();
        var result = new FetchCycleResult(source.Id);
        var sourceTag = new KeyValuePair<string, object?>("source", source.Id);
        try
        {
            await RunItemsAsync(source, publisher, result, cancellationToken);
            telemetry.Cycles.Add(1, sourceTag, new("outcome", "ok"));
            health.Succeeded(source.Id);
            await RecordStatusAsync(source.Id, "ok", result.Published.Count);
            return result;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = e is FetchFailedException f ? f.Reason : "unexpected";
            telemetry.Cycles.Add(1, sourceTag, new("outcome", "failed"));
            (e is FetchFailedException { IsRejection: true } ? telemetry.Rejected : telemetry.Errors)
                .Add(1, sourceTag, new(e is FetchFailedException { IsRejection: true } ? "reason" : "kind", reason));
            health.Failed(source.Id, source.Url ?? source.Path, reason);
            await RecordStatusAsync(source.Id, reason, result.Published.Count);
            throw;
        }
        finally
        {
            telemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, sourceTag);
        }
    }

    /// <summary>For the console's sources page; a failure to record is logged and never fails the cycle.</summary>
    private async Task RecordStatusAsync(string sourceId, string outcome, int published)
    {
        try
        {
            await status.RecordAsync(new SourceStatus(sourceId, time.GetUtcNow(), outcome, published, health.FailuresInARow(sourceId), health.IsBroken(sourceId)), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not record the status of source {SourceId}", sourceId);
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
                content = await reader.ReadAsync(source, item, previous?.Validators, cancellationToken);
            }
            catch (FetchFailedException e)
            {
                // One bad item never stops the others; it is counted, logged and tried again next cycle.
                log.LogWarning("Source {SourceId}: {Url} {Outcome} ({Reason}): {Message}", source.Id, item.Url, e.IsRejection ? "rejected" : "failed", e.Reason, e.Message);
                result.Failures.Add(new FetchFailure(item.Url, e.Reason, e.Message, e.IsRejection));
                var tag = new KeyValuePair<string, object?>("source", source.Id);
                if (e.IsRejection)
                {
                    telemetry.Rejected.Add(1, tag, new("reason", e.Reason));
                }
                else
                {
                    telemetry.Errors.Add(1, tag, new("kind", e.Reason));
                }

                Count(result, source, e.IsRejection ? "rejected" : "failed");
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
            log.LogDebug("Source {SourceId}: published {ArticleId} v{Version} {Url}", source.Id, message.ArticleId, message.Version, canonical);
        }

        // The listing's validators are kept only when every item was handled (published, unchanged or refused for good):
        // a 304 next time must not hide an item that failed and deserves another try.
        if (listing.ListingUrl is { } listingUrl && listing.ListingValidators is { IsEmpty: false } validators && result.Failures.All(f => f.IsRejection))
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

    private void Count(FetchCycleResult result, SourceDefinition source, string outcome)
    {
        result.Outcomes[outcome] = result.Outcomes.GetValueOrDefault(outcome) + 1;
        telemetry.Items.Add(1, new("source", source.Id), new("outcome", outcome));
    }

    /// <summary>Seen URLs older than <see cref="FetcherOptions.SeenRetention"/> go, at most once an hour.</summary>
    private async Task PruneIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_pruneGate)
        {
            if (now - _lastPrune < TimeSpan.FromHours(1))
            {
                return;
            }

            _lastPrune = now;
        }

        var pruned = await seen.PruneAsync(now - options.Value.SeenRetention, cancellationToken);
        if (pruned > 0)
        {
            log.LogInformation("Forgot {Count} URLs last published more than {Retention} ago", pruned, options.Value.SeenRetention);
        }
    }
}

public sealed class FetchCycleResult(string sourceId)
{
    public string SourceId { get; } = sourceId;
    public List<ArticleFetched> Published { get; } = [];
    public List<FetchFailure> Failures { get; } = [];
    public Dictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);
}

/// <summary>One item that was not published: refused for good (<see cref="IsRejection"/>) or failed (tried again next cycle).</summary>
public sealed record FetchFailure(string Url, string Reason, string Message, bool IsRejection = false);
