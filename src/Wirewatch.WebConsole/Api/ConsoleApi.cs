using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;
using Wirewatch.WebConsole.Access;
using Wirewatch.WebConsole.Queues;

namespace Wirewatch.WebConsole.Api;

/// <summary>The console's JSON API (camelCase; every endpoint needs a console token; described at <c>/openapi/console.json</c>).</summary>
public static class ConsoleApi
{
    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireAuthorization(ConsoleRegistration.SubscriberPolicy).WithTags("console");

        api.MapGet("/articles", async (string? q, string? topic, string? since, int? limit, IArticleStore store, TimeProvider time, CancellationToken ct) =>
            {
                DateTimeOffset? from;
                try
                {
                    from = Since.Parse(since, time.GetUtcNow());
                }
                catch (FormatException e)
                {
                    return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
                }

                return Results.Ok(await store.SearchAsync(new ArticleQuery(q, topic, from, limit ?? 50), ct));
            })
            .WithSummary("Newest articles first; q is a full-text query over headline and body, topic a matched topic id, since 7d/24h or an ISO time.")
            .Produces<IReadOnlyList<StoredArticle>>();

        api.MapGet("/articles/{id}", async (string id, IArticleStore store, CancellationToken ct) =>
            {
                var versions = await store.VersionsAsync(id, ct);
                if (versions.Count == 0)
                {
                    return Results.NotFound();
                }

                var story = versions[0].StoryId is { } storyId ? await store.StoryAsync(storyId, ct) : [];
                var alerts = await store.AlertsAsync(null, id, 200, ct);
                return Results.Ok(new ArticleDetails(versions, story, alerts));
            })
            .WithSummary("Every stored version of an article, the other articles of its story, and the alerts it raised with each channel's state.")
            .Produces<ArticleDetails>()
            .Produces(StatusCodes.Status404NotFound);

        api.MapGet("/alerts", async (string? subscription, int? limit, IArticleStore store, CancellationToken ct) =>
                Results.Ok(await store.AlertsAsync(subscription, null, limit ?? 100, ct)))
            .WithSummary("Alerts, newest first, with each channel's state (delivered, retried, dead-lettered, in-progress) and attempts.")
            .Produces<IReadOnlyList<StoredAlert>>();

        api.MapPost("/alerts/{alertId}/replay", async (string alertId, IReplayRequestStore replays, HttpContext context, CancellationToken ct) =>
                Results.Accepted($"/api/replays?alert={Uri.EscapeDataString(alertId)}",
                    await replays.RequestAsync(alertId, context.User.Identity?.Name ?? ConsoleTokens.OperatorRole, ct)))
            .RequireAuthorization(ConsoleRegistration.OperatorApiPolicy)
            .WithSummary("Operators, with the bearer token only (a cookie is not enough, so no other site can post it): asks an alerter to replay the alert's dead-lettered channels. Its result appears at /api/replays.")
            .Produces<ReplayRequest>(StatusCodes.Status202Accepted)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden);

        api.MapGet("/replays", async (string? alert, int? limit, IReplayRequestStore replays, CancellationToken ct) =>
                Results.Ok(await replays.RecentAsync(alert, limit ?? 50, ct)))
            .WithSummary("Replay requests, newest first: pending (no alerter has taken it yet), taken, or done with what each channel's replay did.")
            .Produces<IReadOnlyList<ReplayRequest>>();

        api.MapGet("/sources", async (SourceOverview sources, CancellationToken ct) => Results.Ok(await sources.ListAsync(ct)))
            .WithSummary("The configured sources with their last fetch, outcome and broken flag.")
            .Produces<IReadOnlyList<SourceView>>();

        api.MapGet("/queues", async (IQueueDepths queues, CancellationToken ct) => Results.Ok(new QueueDepths(await queues.ReadAsync(ct))))
            .WithSummary("Messages waiting in the consumer queues and their error queues; null on the in-memory bus.")
            .Produces<QueueDepths>();

        api.MapPost("/subscriptions/backtest", async (HttpRequest request, string? since, IArticleStore store, SubscriptionBacktest backtest,
                    SubscriptionVocabulary vocabulary, IOptions<ConsoleOptions> options, TimeProvider time, CancellationToken ct) =>
                {
                    using var reader = new StreamReader(request.Body, Encoding.UTF8);
                    var json = await reader.ReadToEndAsync(ct);
                    try
                    {
                        var catalog = SubscriptionCatalog.FromJson(json, vocabulary);
                        var from = Since.Parse(since ?? "7d", time.GetUtcNow())!.Value;
                        var articles = await store.ClassifiedSinceAsync(from, ct);
                        return Results.Ok(new BacktestResponse(articles.Count, backtest.Run(catalog.Subscriptions, articles, options.Value.NearMissMargin)));
                    }
                    catch (Exception e) when (e is InvalidSubscriptionException or FormatException)
                    {
                        return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
                    }
                })
            .Accepts<object>("application/json")
            .WithSummary("Body: a subscriptions.json document. Which alerts each subscription would have raised over the stored articles since ?since= (default 7d), and its near misses.")
            .Produces<BacktestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return endpoints;
    }
}

public sealed record ArticleDetails(IReadOnlyList<StoredArticle> Versions, IReadOnlyList<StoredArticle> Story, IReadOnlyList<StoredAlert> Alerts);

public sealed record QueueDepths(IReadOnlyList<QueueDepth>? Queues);

public sealed record BacktestResponse(int Articles, IReadOnlyList<BacktestResult> Subscriptions);
