using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.Worker.Composition;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;
using Wirewatch.Tests.Shared.Schemas;

namespace Wirewatch.Worker.Tests;

/// <summary>
/// The embedded pipeline (what <c>wirewatch once</c> runs) over the seed pages and the shipped samples: every message
/// it publishes validates against its shipped JSON Schema, says <c>wirewatch-schema: 1</c>, and carries the message id
/// derived from what it is about.
/// </summary>
public sealed class WireMessagesTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _work = TestPaths.TempFolder("wire-messages");
    private LoopbackHttpServer _gone = null!;

    public async Task InitializeAsync() =>
        // A webhook endpoint that is gone: its alerts are dead-lettered, so AlertDeliveryFailed is published too.
        _gone = await LoopbackHttpServer.StartAsync(app => app.MapPost("/gone", () => Results.StatusCode(410)));

    public async Task DisposeAsync()
    {
        await _gone.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SeedFact]
    public async Task Every_message_of_a_run_over_the_seeds_and_samples_validates_against_its_schema()
    {
        // A page the cleaner must reject, so the run publishes ArticleRejected too.
        var drop = Directory.CreateDirectory(Path.Combine(_work, "drop")).FullName;
        File.WriteAllText(Path.Combine(drop, "not-found.html"), "<html><head><title>404 Not Found</title></head><body><h1>Page not found</h1></body></html>");
        var published = await RunPipelineAsync(new SourceCatalog(
        [
            new SourceDefinition { Id = "drop", Kind = SourceKinds.Directory, Path = drop },
            new SourceDefinition { Id = "seeds", Kind = SourceKinds.Directory, Path = TestPaths.SeedsFolder },
            new SourceDefinition { Id = "samples", Kind = SourceKinds.Directory, Path = TestPaths.SamplesFolder },
        ]));

        published.Select(p => p.Type).Distinct().Order(StringComparer.Ordinal).ToArray().ShouldBe(
            [nameof(AlertDeliveryFailed), nameof(AlertRaised), nameof(AlertRouted), nameof(ArticleClassified), nameof(ArticleCleaned), nameof(ArticleFetched), nameof(ArticleRejected)],
            customMessage: "the run publishes every kind of bus message");
        var problems = published
            .SelectMany(p => WireSchemas.Errors(p.SchemaFile, p.Json).Select(e => $"{p.Type} {p.Json[..Math.Min(80, p.Json.Length)]}: {e}"))
            .ToList();
        problems.ShouldBeEmpty(string.Join(Environment.NewLine, problems.Take(20)));
        published.ShouldAllBe(p => Equals(p.SchemaHeader, WireHeaders.CurrentSchemaVersion));
        published.ShouldAllBe(p => p.MessageId == p.ExpectedMessageId);
        published.Where(p => p.Type == nameof(AlertRouted)).Select(p => p.MessageId).Order().ToArray()
            .ShouldBe(published.Where(p => p.Type == nameof(AlertRaised)).Select(p => p.MessageId).Order().ToArray(), customMessage: "each alert once on each alert exchange, under one id");
    }

    private sealed record Published(string Type, string SchemaFile, string Json, Guid? MessageId, Guid? ExpectedMessageId, object? SchemaHeader);

    private async Task<List<Published>> RunPipelineAsync(SourceCatalog sources)
    {
        var secret = "whsec_" + Convert.ToBase64String(new byte[32]);
        var subscriptions = Path.Combine(_work, "subscriptions.json");
        File.WriteAllText(subscriptions, $$"""
            { "subscriptions": [
              { "id": "sanctions-desk", "topics": ["sanctions"], "channels": [ { "type": "bus" } ] },
              { "id": "nk-desk", "topics": ["sanctions", "human_rights"], "channels": [ { "type": "bus" },
                { "type": "webhook", "url": "{{_gone.Url("gone")}}", "secretEnv": "WIREWATCH_TEST_WIRE_MESSAGES" } ] }
            ] }
            """);
        Environment.SetEnvironmentVariable("WIREWATCH_TEST_WIRE_MESSAGES", secret);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wirewatch:Transport"] = Transports.InMemory,
            // The four stages (not the console, whose recorder would consume each classification a second time).
            ["Wirewatch:Roles"] = "fetcher,cleaner,classifier,alerter",
            ["Wirewatch:DataDir"] = Path.Combine(_work, "data"),
            ["Wirewatch:SubscriptionsFile"] = subscriptions,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddWirewatch(scheduleFetches: false, sources);
        using var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        var recorder = new Recorder();
        using var publishes = bus.ConnectPublishObserver(recorder);
        using var consumes = bus.ConnectConsumeObserver(recorder);

        var fetched = 0;
        foreach (var source in sources.Enabled)
        {
            fetched += (await host.Services.GetRequiredService<FetchCycle>().RunAsync(source, bus, CancellationToken.None)).Published.Count;
        }

        // Done when every fetched article was classified or rejected, and the alerter handled every classification.
        await Eventually.True(
            () => recorder.Count(nameof(ArticleClassified)) + recorder.Count(nameof(ArticleRejected)) == fetched
                && recorder.ConsumedClassified == recorder.Count(nameof(ArticleClassified)),
            "the pipeline to finish", Deadline, recorder.Describe);
        await host.StopAsync();
        return recorder.Messages.ToList();
    }

    private sealed class Recorder : IPublishObserver, IConsumeObserver
    {
        private int _consumedClassified;

        public ConcurrentQueue<Published> Messages { get; } = new();
        public int ConsumedClassified => Volatile.Read(ref _consumedClassified);
        public int Count(string type) => Messages.Count(m => m.Type == type);
        public string Describe() => string.Join(", ", Messages.GroupBy(m => m.Type).Select(g => $"{g.Key} {g.Count()}")) + $", alerter handled {ConsumedClassified}";

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            var message = context.Message is AlertRouted routed ? (object)routed.Alert : context.Message;
            Messages.Enqueue(new Published(
                typeof(T).Name,
                WireSchemas.Files[message.GetType()],
                // What the raw JSON serializer puts on the wire (AlertRouted writes the bare alert).
                JsonSerializer.Serialize(context.Message, WireJson.Options),
                context.MessageId,
                WireMessageIds.For(message),
                context.Headers.Get<object>(WireHeaders.SchemaVersion)));
            return Task.CompletedTask;
        }

        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;
        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is ArticleClassified)
            {
                Interlocked.Increment(ref _consumedClassified);
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
