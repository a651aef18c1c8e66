using System.Text.Json;
using System.Text.Json.Nodes;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Contracts.Tests;

/// <summary>
/// Pins each message's JSON shape: downstream services read these names. A failing test here means a breaking change:
/// make it additive, or make a new message type.
/// </summary>
public sealed class JsonShapeTests
{
    private static readonly Dateline Seoul = new() { City = "SEOUL", Agency = "Yonhap", Date = "Feb. 8" };

    [Fact]
    public void ArticleFetched_shape()
    {
        var message = Articles.FromText("body") with
        {
            Http = new HttpFacts { Status = 200, ETag = "\"x\"", LastModified = Articles.FixedNow },
            Feed = new FeedHints { Title = "t", PublishedAt = Articles.FixedNow },
        };

        Keys(message).ShouldBe(["articleId", "version", "storyId", "sourceId", "url", "producedAt", "content", "contentType", "charset", "contentHash", "fetchedAt", "http", "feed"]);
        Keys(message.Http).ShouldBe(["status", "etag", "lastModified"]);
        Keys(message.Feed).ShouldBe(["title", "publishedAt"]);
    }

    [Fact]
    public void ArticleCleaned_shape_keeps_the_source_offset()
    {
        var message = new ArticleCleaned
        {
            ArticleId = "a", Version = 1, StoryId = "s", SourceId = "src", Url = "u", ProducedAt = Articles.FixedNow,
            Headline = "h", Flags = ["LEAD"], EditorNote = null, PublishedAt = new DateTimeOffset(2016, 2, 8, 4, 22, 0, TimeSpan.FromHours(9)),
            Dateline = Seoul, Paragraphs = ["p"], Language = "en", WordCount = 1, Warnings = [],
        };

        var json = JsonSerializer.Serialize(message, WireJson.Options);

        Keys(message).ShouldBe(["articleId", "version", "storyId", "sourceId", "url", "producedAt", "headline", "flags", "editorNote", "publishedAt", "dateline", "paragraphs", "language", "wordCount", "warnings", "updatesArticleId", "updatesVersion"]);
        json.ShouldContain("\"publishedAt\":\"2016-02-08T04:22:00+09:00\"");
        json.ShouldContain("\"editorNote\":null");
        Keys(Seoul).ShouldBe(["city", "agency", "date"]);
    }

    [Fact]
    public void ArticleClassified_shape()
    {
        var message = new ArticleClassified
        {
            ArticleId = "a", Version = 1, SourceId = "src", Url = "u", ProducedAt = Articles.FixedNow, Headline = "h",
            Topics = [new TopicScore { Topic = "sanctions", Score = 0.9, Match = true, Evidence = [new Evidence { Term = "sanctions", Count = 2, Snippet = "s" }] }],
            Entities = new Entities(), ClassifierVersion = "v",
        };

        Keys(message).ShouldBe(["articleId", "version", "storyId", "sourceId", "url", "producedAt", "headline", "flags", "publishedAt", "dateline", "summary", "topics", "entities", "classifierVersion", "updatesArticleId", "updatesVersion"]);
        Keys(message.Topics[0]).ShouldBe(["topic", "score", "match", "evidence"]);
        Keys(message.Topics[0].Evidence[0]).ShouldBe(["term", "count", "snippet"]);
        Keys(message.Entities).ShouldBe(["people", "organizations", "places", "resolutions"]);
    }

    [Fact]
    public void AlertRaised_shape_and_routing_key()
    {
        var message = new AlertRaised
        {
            AlertId = "sub:story:v1", SubscriptionId = "sub", Severity = "high",
            Topics = [new AlertTopic { Topic = "sanctions", Score = 0.9 }, new AlertTopic { Topic = "defense", Score = 0.7 }],
            Headline = "h", Url = "u", Evidence = [new AlertEvidence { Topic = "sanctions", Term = "t", Count = 1, Snippet = "s" }],
            IsUpdate = false, ArticleId = "a", Version = 1, SourceId = "src", ProducedAt = Articles.FixedNow,
        };

        Keys(message).ShouldBe(["alertId", "subscriptionId", "severity", "topics", "headline", "url", "publishedAt", "summary", "dateline", "evidence", "isUpdate", "articleId", "version", "storyId", "sourceId", "producedAt", "updatesAlertId", "flags"]);
        AlertRouting.KeyFor(message).ShouldBe("sanctions.high");
    }

    [Fact]
    public void AlertDeliveryFailed_and_AlertDigest_shapes()
    {
        var alert = new AlertRaised
        {
            AlertId = "sub:story", SubscriptionId = "sub", Severity = "high", Topics = [], Headline = "h", Url = "u", Evidence = [],
            IsUpdate = false, ArticleId = "a", Version = 1, SourceId = "src", ProducedAt = Articles.FixedNow,
        };
        var failed = new AlertDeliveryFailed
        {
            AlertId = "sub:story", SubscriptionId = "sub", Channel = "webhook", Endpoint = "https://h.example/x", Reason = "gone", FailedAt = Articles.FixedNow, Alert = alert,
        };
        var digest = new AlertDigest { DigestId = "sub:digest:sub:story", SubscriptionId = "sub", Alerts = [alert], ProducedAt = Articles.FixedNow };

        Keys(failed).ShouldBe(["alertId", "subscriptionId", "channel", "endpoint", "reason", "detail", "failedAt", "alert"]);
        Keys(digest).ShouldBe(["digestId", "subscriptionId", "alerts", "producedAt"]);
    }

    [Fact]
    public void ArticleRejected_shape()
    {
        var message = new ArticleRejected { ArticleId = "a", Version = 1, SourceId = "s", Url = "u", ProducedAt = Articles.FixedNow, Stage = "cleaner", Reason = "empty" };

        Keys(message).ShouldBe(["articleId", "version", "sourceId", "url", "producedAt", "stage", "reason", "detail"]);
    }

    [Fact]
    public void Messages_round_trip_through_the_wire_options()
    {
        var message = Articles.FromText("Körean — text \"quoted\"");

        JsonSerializer.Deserialize<ArticleFetched>(JsonSerializer.Serialize(message, WireJson.Options), WireJson.Options).ShouldBe(message);
    }

    private static string[] Keys<T>(T value) =>
        JsonSerializer.SerializeToNode(value, WireJson.Options)!.AsObject().Select(p => p.Key).ToArray();
}
