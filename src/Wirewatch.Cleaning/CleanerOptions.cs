namespace Wirewatch.Cleaning;

/// <summary>Bound from <c>Wirewatch:Cleaner</c>.</summary>
public sealed class CleanerOptions
{
    public const string Section = "Wirewatch:Cleaner";

    /// <summary>
    /// The offset of page stamps that carry no zone of their own, on sources whose rule in <c>cleaning-rules.json</c>
    /// gives no <c>timeZone</c> (Yonhap's rule gives +09:00). Unset (the default), no offset is invented for an unknown
    /// site: such a stamp is read as UTC and the article carries the <c>zoneless-time</c> warning.
    /// </summary>
    public TimeSpan? StampOffset { get; set; }

    /// <summary>Bodies shorter than this many words get the <c>short-body</c> warning.</summary>
    public int ShortBodyWords { get; set; } = 60;

    /// <summary>
    /// How long story fingerprints are kept (and so how far back a new article can find the story it continues);
    /// older ones are pruned once an hour.
    /// </summary>
    public TimeSpan StoryRetention { get; set; } = TimeSpan.FromDays(14);
}
