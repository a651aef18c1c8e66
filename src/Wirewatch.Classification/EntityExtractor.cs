using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wirewatch.Contracts;

namespace Wirewatch.Classification;

/// <summary>
/// People, organizations, places and UN resolution numbers: a gazetteer (<c>entities.json</c>) matched word by word,
/// plus patterns for people named after their title ("Foreign Minister Yun Byung-se") and for resolution numbers.
/// Entities are reported as they were written in the gazetteer, in order of first appearance.
/// </summary>
public sealed partial class EntityExtractor
{
    // The gazetteer's names and the first words of the titles and of "resolution(s)", in one index so that each word is
    // looked up once. A pattern is tried only where its trigger word stands, anchored there, instead of over every paragraph.
    private readonly PhraseIndex<Term> _index = new();

    internal enum Kind { Person, Organization, Place }

    internal enum Pattern { TitledPerson, Resolution }

    /// <summary>A gazetteer name (<see cref="Trigger"/> null) or a pattern's trigger word.</summary>
    internal readonly record struct Term(Kind Kind, string Name, Pattern? Trigger);

    private readonly Gazetteer _gazetteer;

    public EntityExtractor(Gazetteer gazetteer)
    {
        _gazetteer = gazetteer;
        AddTermsTo(_index, term => term);
        ContentHash = gazetteer.ContentHash;
    }

    /// <summary>
    /// Adds every name and trigger word to <paramref name="index"/>, in this extractor's order, so that
    /// <see cref="TopicClassifier"/> can find topic terms and entities in the same lookup of each word.
    /// </summary>
    internal void AddTermsTo<T>(PhraseIndex<T> index, Func<Term, T> payload)
    {
        foreach (var name in _gazetteer.People) index.Add(name, payload(new Term(Kind.Person, name, null)));
        foreach (var name in _gazetteer.Organizations) index.Add(name, payload(new Term(Kind.Organization, name, null)));
        foreach (var name in _gazetteer.Places) index.Add(name, payload(new Term(Kind.Place, name, null)));
        foreach (var word in TitleTriggers)
        {
            index.Add(word, payload(new Term(default, word, Pattern.TitledPerson)));
        }

        index.Add("resolution", payload(new Term(default, "resolution", Pattern.Resolution)));
        index.Add("resolutions", payload(new Term(default, "resolutions", Pattern.Resolution)));
    }

    public string ContentHash { get; }

    public Entities Extract(ArticleCleaned article)
    {
        var scan = new EntityScan();
        var tokens = new TokenizedText();
        Scan(tokens.Reset(article.Headline), scan);
        if (article.Dateline?.City is { } city)
        {
            Scan(tokens.Reset(city), scan);
        }

        foreach (var paragraph in article.Paragraphs)
        {
            Scan(tokens.Reset(paragraph), scan);
        }

        return scan.Result();
    }

    /// <summary>
    /// Adds the entities of one text, already split into words. <see cref="TopicClassifier"/> does the same per word from
    /// its own index (<see cref="AddTermsTo"/>, <see cref="EntityScan.Candidate"/>, <see cref="EndText"/>), calling this
    /// only for the dateline city.
    /// </summary>
    internal void Scan(TokenizedText tokens, EntityScan scan)
    {
        scan.BeginText();
        for (var i = 0; i < tokens.Count; i++)
        {
            _index.MatchesAt(tokens, i, scan.Matches);
            foreach (var (length, term) in scan.Matches)
            {
                scan.Candidate(i, length, term);
            }

            scan.EndWord(i);
        }

        EndText(tokens, scan);
    }

    /// <summary>After every word of a text has been offered to <paramref name="scan"/>: the patterns at its trigger words.</summary>
    internal static void EndText(TokenizedText tokens, EntityScan scan)
    {
        var text = tokens.Text;
        // Patterns after the names, so a paragraph's gazetteer people come before its titled ones (order of first appearance).
        foreach (var (at, pattern) in scan.Triggers)
        {
            var start = tokens[at].Start;
            // Only envoy, leader and spokes* titles may be lower-case: skip the pattern for "defense", "foreign", ...
            if (pattern == Pattern.TitledPerson && !char.IsUpper(text[start]) && text[start] is not ('e' or 'l' or 's'))
            {
                continue;
            }

            var match = (pattern == Pattern.TitledPerson ? TitledPerson() : Resolution()).Match(text, start);
            if (!match.Success)
            {
                continue;
            }

            if (pattern == Pattern.TitledPerson)
            {
                AddOnce(scan.People, match.Groups["name"].Value);
            }
            else
            {
                foreach (Capture number in match.Groups["number"].Captures)
                {
                    AddOnce(scan.Resolutions, number.Value);
                }
            }
        }
    }

    /// <summary>What one article's entity scan accumulates, in order of first appearance.</summary>
    internal sealed class EntityScan
    {
        public List<string> People { get; } = [];
        public List<string> Organizations { get; } = [];
        public List<string> Places { get; } = [];
        public List<string> Resolutions { get; } = [];
        public List<(int Length, Term Payload)> Matches { get; } = [];

        /// <summary>The words of the current text where a pattern's trigger stands.</summary>
        public List<(int At, Pattern Pattern)> Triggers { get; } = [];

        // Names: the longest at a word wins and covers its words. Triggers count at every word, covered or not.
        private int _coveredUntil;
        private (int Length, Term Term)? _best;

        public void BeginText()
        {
            Triggers.Clear();
            _coveredUntil = 0;
            _best = null;
        }

        /// <summary>A name or trigger that starts at word <paramref name="at"/>, covering <paramref name="length"/> words.</summary>
        public void Candidate(int at, int length, Term term)
        {
            if (term.Trigger is { } pattern)
            {
                Triggers.Add((at, pattern));
            }
            else if (at >= _coveredUntil && (_best is null || length > _best.Value.Length))
            {
                _best = (length, term);
            }
        }

        public void EndWord(int at)
        {
            if (_best is { } found)
            {
                AddOnce(Found(found.Term.Kind), found.Term.Name);
                _coveredUntil = at + found.Length;
                _best = null;
            }
        }

        public List<string> Found(Kind kind) => kind switch
        {
            Kind.Person => People,
            Kind.Organization => Organizations,
            _ => Places,
        };

        public Entities Result() => new() { People = People, Organizations = Organizations, Places = Places, Resolutions = Resolutions };
    }

    private static readonly string[] TitleTriggers =
    [
        "president", "prime", "foreign", "defense", "unification", "minister", "secretary", "ambassador", "envoy", "gen",
        "general", "adm", "leader", "chairman", "commissioner", "rapporteur", "spokesman", "spokeswoman", "spokesperson", "sen", "rep",
    ];

    private static void AddOnce(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            list.Add(value);
        }
    }

    // Anchored (\G) where a trigger word stands: a title, then two to four capitalised name words (Korean given names keep their hyphenated part: "Byung-se").
    [GeneratedRegex("""\G(?:President|Prime Minister|Foreign Minister|Defense Minister|Unification Minister|Minister|Secretary of State|Secretary|Ambassador|Envoy|envoy|Gen\.|General|Adm\.|leader|Leader|Chairman|Commissioner for Human Rights|Rapporteur|spokesman|spokeswoman|spokesperson|Sen\.|Rep\.)\s+(?<name>[A-Z][a-z'\u2019]+(?:-[a-z]+)?(?:\s[A-Z][a-z'\u2019]+(?:-[a-z]+)?){1,3})""")]
    private static partial Regex TitledPerson();

    [GeneratedRegex("""\G[Rr]esolutions?\s+(?:No\.\s*)?(?<number>\d{3,4})(?:(?:,\s*|\s+and\s+)(?<number>\d{3,4}))*""")]
    private static partial Regex Resolution();
}

/// <summary>Known names, read from <c>entities.json</c>.</summary>
public sealed record Gazetteer
{
    public IReadOnlyList<string> People { get; init; } = [];
    public IReadOnlyList<string> Organizations { get; init; } = [];
    public IReadOnlyList<string> Places { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public string ContentHash { get; init; } = "none";

    public static Gazetteer Load(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var gazetteer = JsonSerializer.Deserialize<Gazetteer>(bytes, WireJson.Options) ?? new Gazetteer();
            return gazetteer with { ContentHash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..8] };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Entities file {JsonErrors.Describe(path, e)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Cannot read entities file '{path}': {e.Message}", e);
        }
    }
}
