namespace Wirewatch.Cleaning;

/// <summary>Bound from <c>Wirewatch:Cleaner</c>.</summary>
public sealed class CleanerOptions
{
    public const string Section = "Wirewatch:Cleaner";

    /// <summary>
    /// The offset of page stamps that carry no zone of their own. Yonhap stamps are Korea Standard Time, +09:00
    /// (Korea has no daylight saving time, so a fixed offset is exact).
    /// </summary>
    public TimeSpan StampOffset { get; set; } = TimeSpan.FromHours(9);

    /// <summary>Bodies shorter than this many words get the <c>short-body</c> warning.</summary>
    public int ShortBodyWords { get; set; } = 60;

    /// <summary>
    /// How long story fingerprints are kept (and so how far back a new article can find the story it continues);
    /// older ones are pruned once an hour.
    /// </summary>
    public TimeSpan StoryRetention { get; set; } = TimeSpan.FromDays(14);
}
