using Wirewatch.Tests.Shared;

namespace Wirewatch.Contracts.Tests;

/// <summary>
/// The message ids are contracts like the bodies (docs/contracts.md, rule 4): the keys of the documented table, hashed
/// the documented way. A downstream service may store them, so a change here breaks its de-duplication.
/// </summary>
public sealed class WireMessageIdsTests
{
    [Fact]
    public void Each_message_kind_is_keyed_as_docs_contracts_md_says()
    {
        var fetched = Articles.FromText("body", version: 2) with { ArticleId = "a1" };
        var rejected = new ArticleRejected
        {
            ArticleId = "a1", Version = 2, SourceId = "src", Url = "https://wire.example/a1", ProducedAt = Articles.FixedNow, Stage = "cleaner", Reason = "empty",
        };
        var alert = new AlertRaised
        {
            AlertId = "desk:story-1:u1", SubscriptionId = "desk", Severity = "high", Topics = [], Headline = "h", Url = "https://wire.example/a1",
            PublishedAt = Articles.FixedNow, Summary = "s", Evidence = [], IsUpdate = true, ArticleId = "a1", Version = 2, StoryId = "story-1",
            SourceId = "src", ProducedAt = Articles.FixedNow,
        };
        var failed = new AlertDeliveryFailed
        {
            AlertId = alert.AlertId, SubscriptionId = "desk", Channel = "webhook", Endpoint = "https://hooks.example.org/x", Reason = "gone",
            FailedAt = Articles.FixedNow, Alert = alert,
        };

        WireMessageIds.KeyFor(fetched).ShouldBe("fetched:a1:2");
        WireMessageIds.KeyFor(rejected).ShouldBe("rejected:cleaner:a1:2");
        WireMessageIds.KeyFor(alert).ShouldBe("desk:story-1:u1");
        WireMessageIds.KeyFor(failed).ShouldBe("failed:desk:story-1:u1:webhook:https://hooks.example.org/x:1768446000000", "failedAt in Unix milliseconds");
        WireMessageIds.KeyFor("not a wire message").ShouldBeNull();
        WireMessageIds.For(rejected).ShouldBe(WireMessageIds.FromKey("rejected:cleaner:a1:2"));
    }

    [Fact]
    public void An_id_is_the_first_16_bytes_of_the_keys_sha_256_in_guid_byte_order()
    {
        // Computed outside .NET: uuid.UUID(bytes_le=hashlib.sha256(key.encode()).digest()[:16]) in Python.
        WireMessageIds.FromKey("fetched:a1:2").ShouldBe(Guid.Parse("3dae45e3-6bc6-fd61-d8fa-2810f067a634"));
        WireMessageIds.FromKey("rejected:cleaner:a1:2").ShouldBe(Guid.Parse("36c64742-4a2a-c303-2b47-2b21e486d267"));
    }
}
