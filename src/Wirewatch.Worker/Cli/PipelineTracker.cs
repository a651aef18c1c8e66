using System.Collections.Concurrent;
using MassTransit;
using Wirewatch.Alerting;
using Wirewatch.Contracts;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// Watches the in-process bus for <c>wirewatch once</c>: prints what was classified, alerted and rejected, and knows
/// when every published article is finished: its classification consumed by the alerter, or rejected, or faulted.
/// </summary>
internal sealed class PipelineTracker(CliOutput output, int classificationConsumers = 1) : IPublishObserver, IConsumeObserver, IAlertObserver
{
    private readonly ConcurrentDictionary<string, int> _classificationsConsumed = new();
    private readonly ConcurrentDictionary<string, bool> _expected = new();
    private readonly ConcurrentDictionary<string, bool> _finished = new();
    private readonly SemaphoreSlim _changed = new(0);
    private int _classified, _alerts, _rejected;

    public int Expected => _expected.Count;
    public int ClassifiedCount => _classified;
    public int AlertCount => _alerts;
    public int RejectedCount => _rejected;
    public IEnumerable<string> Unfinished => _expected.Keys.Where(k => !_finished.ContainsKey(k));

    public void Expect(IEnumerable<ArticleFetched> articles)
    {
        foreach (var article in articles)
        {
            _expected.TryAdd(Key(article.ArticleId, article.Version), true);
        }

        _changed.Release();
    }

    /// <summary>True when every expected article finished before the deadline.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (Unfinished.Any())
            {
                await _changed.WaitAsync(deadline.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        switch (context.Message)
        {
            case ArticleClassified classified:
                Interlocked.Increment(ref _classified);
                output.Classified("url", classified.Url, classified);
                break;
            case ArticleRejected rejected:
                Interlocked.Increment(ref _rejected);
                output.Rejected("url", rejected.Url, rejected.Reason, rejected.Detail);
                Finish(rejected.ArticleId, rejected.Version);
                break;
            case Fault<ArticleFetched> fault:
                Failed(fault.Message.ArticleId, fault.Message.Version, fault.Message.Url, fault);
                break;
            case Fault<ArticleCleaned> fault:
                Failed(fault.Message.ArticleId, fault.Message.Version, fault.Message.Url, fault);
                break;
            case Fault<ArticleClassified> fault:
                Failed(fault.Message.ArticleId, fault.Message.Version, fault.Message.Url, fault);
                break;
        }

        return Task.CompletedTask;
    }

    /// <summary>Every alert the alerter raised, whatever its channels (the bus carries only those with a bus channel).</summary>
    public void Raised(AlertRaised alert)
    {
        Interlocked.Increment(ref _alerts);
        output.Alert(alert);
    }

    /// <summary>The alerter (and the console's recorder) finished with an article: every alert it raised has been published.</summary>
    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Message is ArticleClassified classified
            && _classificationsConsumed.AddOrUpdate(Key(classified.ArticleId, classified.Version), 1, (_, n) => n + 1) >= classificationConsumers)
        {
            Finish(classified.ArticleId, classified.Version);
        }

        return Task.CompletedTask;
    }

    private void Failed(string articleId, int version, string url, Fault fault)
    {
        Interlocked.Increment(ref _rejected);
        output.Rejected("url", url, "error", string.Join("; ", fault.Exceptions.Select(e => e.Message)));
        Finish(articleId, version);
    }

    private void Finish(string articleId, int version)
    {
        _finished.TryAdd(Key(articleId, version), true);
        _changed.Release();
    }

    private static string Key(string articleId, int version) => $"{articleId}/v{version}";

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;
    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;
    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
