using Wirewatch.Contracts;

namespace Wirewatch.ArticleStore;

/// <summary>An alert and what each of its channels did with it.</summary>
public sealed record StoredAlert(AlertRaised Alert, DateTimeOffset RecordedAt, IReadOnlyList<ChannelDelivery> Channels);

/// <param name="State"><c>delivered</c>, <c>dead-lettered</c>, <c>in-progress</c> (claimed: being sent or retried) or <c>disabled</c>.</param>
public sealed record ChannelDelivery(string Channel, string State, string? Reason, string? Detail, DateTimeOffset? At)
{
    /// <summary>The console's word for a ledger state (<c>dead</c>, <c>claimed</c>, ...).</summary>
    public static string StateOf(string ledgerState) => ledgerState switch
    {
        "dead" => "dead-lettered",
        "claimed" => "in-progress",
        var other => other,
    };
}
