using System.Text.RegularExpressions;

namespace Wirewatch.Fetching;

/// <summary>
/// The rules of one robots.txt for our product token (RFC 9309): the group naming <c>wirewatch</c>, else the <c>*</c>
/// group; the longest matching <c>Allow</c>/<c>Disallow</c> pattern wins (<c>Allow</c> on a tie); <c>*</c> and <c>$</c>
/// work; <c>Crawl-delay</c> is kept for pacing.
/// </summary>
public sealed class RobotsTxt
{
    public static readonly RobotsTxt AllowAll = new([], null);

    private readonly IReadOnlyList<(bool Allow, string Pattern, Regex Match)> _rules;

    private RobotsTxt(IReadOnlyList<(bool, string, Regex)> rules, TimeSpan? crawlDelay)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
    }

    public TimeSpan? CrawlDelay { get; }

    public bool Allows(Uri url)
    {
        var path = url.PathAndQuery;
        (bool Allow, int Length)? best = null;
        foreach (var (allow, pattern, match) in _rules)
        {
            if (match.IsMatch(path) && (best is null || pattern.Length > best.Value.Length || (pattern.Length == best.Value.Length && allow)))
            {
                best = (allow, pattern.Length);
            }
        }

        return best?.Allow ?? true;
    }

    public static RobotsTxt Parse(string text, string productToken)
    {
        var groups = new List<Group>();
        Group? current = null;
        var lastWasAgent = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (key == "user-agent")
            {
                if (!lastWasAgent || current is null)
                {
                    current = new Group();
                    groups.Add(current);
                }

                current.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }

            lastWasAgent = false;
            if (current is null)
            {
                continue;
            }

            if (key is "allow" or "disallow" && value.Length > 0)
            {
                current.Rules.Add((key == "allow", value));
            }
            else if (key == "crawl-delay" && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 600)
            {
                current.Delay = TimeSpan.FromSeconds(seconds);
            }
        }

        var token = productToken.ToLowerInvariant();
        var chosen = groups.Where(g => g.Agents.Any(a => a != "*" && token.StartsWith(a, StringComparison.Ordinal))).ToList();
        if (chosen.Count == 0)
        {
            chosen = groups.Where(g => g.Agents.Contains("*")).ToList();
        }

        var rules = chosen.SelectMany(g => g.Rules).Select(r => (r.Allow, r.Pattern, ToRegex(r.Pattern))).ToList();
        return new RobotsTxt(rules, chosen.Select(g => g.Delay).FirstOrDefault(d => d is not null));
    }

    private sealed class Group
    {
        public List<string> Agents { get; } = [];
        public List<(bool Allow, string Pattern)> Rules { get; } = [];
        public TimeSpan? Delay { get; set; }
    }

    private static Regex ToRegex(string pattern)
    {
        var anchored = pattern.EndsWith('$');
        var body = Regex.Escape(anchored ? pattern[..^1] : pattern).Replace(@"\*", ".*", StringComparison.Ordinal);
        return new Regex("^" + body + (anchored ? "$" : ""), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }
}
